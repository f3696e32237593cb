"""Housekeeping (a periodic task, hourly, idempotent): delete what has expired and nobody can use any more.

- SMS codes past their expiry (a code is valid for 10 minutes; kept a day for the throttling and support view);
- login sessions idle longer than the idle timeout or older than their absolute lifetime;
- plan drafts nobody touched for ``PLAN_DRAFT_DAYS`` (30) days, with their proof files (deleted after the commit).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from flask import current_app
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from portal.lifecycle import after_commit
from portal.orm import utcnow

CODE_KEEP = timedelta(days=1)


def run(now: datetime | None = None) -> dict[str, int]:
    """Delete expired rows in one transaction; the numbers deleted."""
    from portal.accounts.models import LoginSession, VerificationCode
    from portal.extensions import db
    from portal.plans.models import PlanProof, PlanProposal
    from portal.uploads import delete as delete_file

    now = now or utcnow()
    config = current_app.config
    idle = timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    lifetime = timedelta(hours=config["SESSION_MAX_HOURS"])
    stale = now - timedelta(days=config.get("PLAN_DRAFT_DAYS", 30))
    with Session(bind=db.engine) as session:
        codes = session.execute(delete(VerificationCode).where(VerificationCode.expires_at < now - CODE_KEEP))
        logins = session.execute(delete(LoginSession).where(
            or_(LoginSession.last_seen_at < now - idle, LoginSession.created_at < now - lifetime)))
        drafts = list(session.scalars(select(PlanProposal).where(PlanProposal.state == "draft",
                                                                 PlanProposal.created_at < stale)))
        for draft in drafts:
            names = list(session.scalars(select(PlanProof.stored_name).where(PlanProof.proposal_id == draft.id)))
            session.delete(draft)
            for name in names:
                after_commit(partial(delete_file, name), session)
        session.commit()
    return {"codes": codes.rowcount, "sessions": logins.rowcount, "drafts": len(drafts)}
