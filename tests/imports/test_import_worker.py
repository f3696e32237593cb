"""A real worker process (``flask --app portal worker``) imports a console upload to its end."""
from __future__ import annotations

import io
import os
import time

from sqlalchemy import select

from portal import create_app
from portal.accounts.models import StaffUser
from portal.extensions import db
from portal.imports import services
from portal.imports.models import ImportJob
from portal.loans.models import Loan
from portal.queue import queue_of
from tests.imports.test_console_import import jsonl, loan_line
from tests.notify.test_worker import Workers


def test_a_worker_process_imports_an_upload(app, database_url, tmp_path, create_staff):
    lead = create_staff(role="supervisor")
    queue_url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    evidence = tmp_path / "evidence"
    producer = create_app({"TESTING": True, "DATABASE_URL": database_url, "QUEUE_URL": queue_url,
                           "SECRET_KEY": "test-secret", "EVIDENCE_DIR": str(evidence)})
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(PORTAL_DATABASE_URL=database_url, PORTAL_QUEUE_URL=queue_url, PORTAL_INSTANCE_PATH=str(tmp_path),
               PORTAL_SECRET_KEY="test-secret", PORTAL_ENV="test", PORTAL_EVIDENCE_DIR=str(evidence))
    pool = Workers(producer, env, tmp_path / "worker.log")
    lines = [loan_line(n) for n in range(1, 901)] + [loan_line(901, phone="1")]  # two batches of 500
    try:
        with producer.test_request_context():
            job = services.queue_import(db.session, db.session.get(StaffUser, lead.id), io.BytesIO(jsonl(lines)),
                                        "big.jsonl", "loans")
            db.session.commit()  # enqueued once committed; no worker runs yet
            job_id = job.id
            db.session.remove()
        pool.start()
        deadline = time.monotonic() + 90
        state = None
        while time.monotonic() < deadline:
            with producer.app_context():
                job = db.session.get(ImportJob, job_id)
                state = (job.state, job.lines_done, job.accepted, job.rejected)
                db.session.remove()
            if state[0] in ("done", "failed"):
                break
            assert pool.procs[0].poll() is None, pool.log.read_text(errors="replace")[-3000:]
            time.sleep(0.3)
        assert state == ("done", 901, 900, 1), pool.log.read_text(errors="replace")[-3000:]
        with producer.app_context():
            assert len(db.session.scalars(select(Loan.id)).all()) == 900
            db.session.remove()
    finally:
        pool.stop()
        with producer.app_context():
            queue_of(producer).huey.flush()
            db.session.remove()
            db.engine.dispose()
