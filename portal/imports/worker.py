"""The worker's side of a console import: claim the row, import the file after the last committed line, batch by
batch with the importer the command line uses, and record the outcome.

A worker *claims* an import with one conditional UPDATE (a random claim token and an expiry, renewed with every
batch); each batch commits its data, its rejected lines and the progress in one transaction, and only while the
claim is still this worker's. A worker that dies leaves the claim to expire: the sweep (every minute) enqueues
the import again and the next worker resumes after ``lines_done``; a line is never imported twice (and importing
one twice would change nothing: the importers are idempotent). A file whose worker process dies every time (a
line that crashes it) would be claimed forever: each claim counts in ``idle_claims`` until a batch commits, and
after ``MAX_IDLE_CLAIMS`` claims without progress the sweep marks the import failed instead of enqueueing it.
"""
from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from portal import uploads
from portal.imports import runner
from portal.imports.models import MAX_IDLE_CLAIMS, ImportJob, ImportRejection
from portal.imports.report import ImportReport
from portal.orm import utcnow
from portal.queue import enqueue

log = logging.getLogger(__name__)
CLAIM = timedelta(minutes=2)  # longer than any batch (config IMPORT_CLAIM_SECONDS)
MAX_ATTEMPTS = 3  # claims of one import before a file that keeps failing is marked failed
RUN, SWEEP = "run_import", "import_sweep"  # the worker's tasks (registered by portal.imports.configure)


def importer(kind: str):
    """``(import_batch, batch size)`` of the importer of ``kind``: the same code as the command line's."""
    if kind == "loans":
        from portal.loans import importer as loans

        return loans.import_batch, loans.BATCH
    from portal.contacts import importer as contacts

    return contacts.import_batch, contacts.BATCH


def _claim_for() -> timedelta:
    seconds = current_app.config.get("IMPORT_CLAIM_SECONDS")
    return timedelta(seconds=seconds) if seconds else CLAIM


def _takeable(now: datetime):
    return ImportJob.state.in_(("queued", "running")) & or_(ImportJob.claimed_until.is_(None),
                                                             ImportJob.claimed_until < now)


def claim(session: Session, job_id: int, now: datetime | None = None) -> str | None:
    """Take import ``job_id`` if nobody holds it; its claim token (committed), or None."""
    now = now or utcnow()
    token = secrets.token_hex(16)
    result = session.execute(
        update(ImportJob).where(ImportJob.id == job_id, _takeable(now), ImportJob.idle_claims < MAX_IDLE_CLAIMS)
        .values(state="running", claim=token, claimed_until=now + _claim_for(), attempts=ImportJob.attempts + 1,
                idle_claims=ImportJob.idle_claims + 1)
        .execution_options(synchronize_session=False))
    session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.started_at.is_(None))
                    .values(started_at=now).execution_options(synchronize_session=False))
    session.commit()
    return token if result.rowcount == 1 else None


def _progress(job_id: int, token: str):
    """The runner's ``on_batch``: counts, rejected lines and the renewed claim, in the batch's transaction."""

    def on_batch(session: Session, done: ImportReport, last_line: int) -> bool:
        result = session.execute(
            update(ImportJob).where(ImportJob.id == job_id, ImportJob.claim == token)
            .values(lines_done=last_line, accepted=ImportJob.accepted + done.accepted,
                    created=ImportJob.created + done.created, updated=ImportJob.updated + done.updated,
                    unchanged=ImportJob.unchanged + done.unchanged,
                    rejected=ImportJob.rejected + len(done.rejected), claimed_until=utcnow() + _claim_for(),
                    idle_claims=0)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            return False  # another worker holds it now: this batch is rolled back, that worker does it
        if done.rejected:
            session.execute(insert(ImportRejection), [{"import_id": job_id, "line": line, "reason": reason[:2000]}
                                                      for line, reason in done.rejected])
        return True

    return on_batch


def run(job_id: int, now: datetime | None = None) -> str | None:
    """Claim and import ``job_id`` to its end; its new state (None: not ours to run now)."""
    from portal.extensions import db

    with Session(bind=db.engine, expire_on_commit=False) as session:
        token = claim(session, job_id, now)
        if token is None:
            return None
        job = session.get(ImportJob, job_id)
        import_batch, size = importer(job.kind)
        start_after = job.lines_done
        try:
            with uploads.open_file(job.stored_name) as fh:
                runner.run(session, runner.split_lines(fh), import_batch, size, start_after=start_after,
                           on_batch=_progress(job_id, token))
        except Exception as exc:  # noqa: BLE001 - recorded on the row; the claim is given back for a retry
            session.rollback()
            log.exception("import %s stopped", job_id)
            return _stopped(session, job_id, token, exc)
        return _finish(session, job_id, token)


def _finish(session: Session, job_id: int, token: str) -> str | None:
    result = session.execute(
        update(ImportJob).where(ImportJob.id == job_id, ImportJob.claim == token,
                                ImportJob.lines_done == ImportJob.lines_total)
        .values(state="done", finished_at=utcnow(), claim=None, claimed_until=None)
        .execution_options(synchronize_session=False))
    session.commit()
    return "done" if result.rowcount == 1 else None


def _stopped(session: Session, job_id: int, token: str, exc: Exception) -> str | None:
    job = session.get(ImportJob, job_id)
    if job is None or job.claim != token:
        return None
    job.error = f"{type(exc).__name__}: {exc}"[:500]
    job.claim, job.claimed_until = None, None
    if job.attempts >= MAX_ATTEMPTS or isinstance(exc, FileNotFoundError):
        job.state, job.finished_at = "failed", utcnow()
    session.commit()
    return job.state


def enqueue_run(job_id: int) -> None:
    """Ask a worker to import (or go on importing) the console's upload ``job_id``."""
    enqueue(RUN, job_id)


def sweep(now: datetime | None = None) -> int:
    """Enqueue every import that is waiting or whose worker's claim ran out (periodic, idempotent)."""
    from portal.extensions import db

    now = now or utcnow()
    with Session(bind=db.engine) as session:
        give_up(session, now)
        ids = list(session.scalars(select(ImportJob.id).where(_takeable(now)).order_by(ImportJob.id).limit(100)))
    for job_id in ids:
        enqueue_run(job_id)
    return len(ids)


def give_up(session: Session, now: datetime | None = None) -> int:
    """Mark failed every import whose last ``MAX_IDLE_CLAIMS`` claims ran out without committing a batch (its
    worker died each time, e.g. on a line that crashes it); the number of imports stopped (committed)."""
    now = now or utcnow()
    result = session.execute(
        update(ImportJob).where(_takeable(now), ImportJob.idle_claims >= MAX_IDLE_CLAIMS)
        .values(state="failed", finished_at=now, claim=None, claimed_until=None,
                error=f"the worker stopped {MAX_IDLE_CLAIMS} times in a row without committing a batch")
        .execution_options(synchronize_session=False))
    session.commit()
    if result.rowcount:
        log.warning("%d import(s) failed after %d claims without progress", result.rowcount, MAX_IDLE_CLAIMS)
    return result.rowcount
