"""Housekeeping, a periodic task of the worker (hourly; idempotent, so a second worker or a restart is harmless).

- the retention rules (``portal.privacy.retention``): expired or used SMS codes, login sessions past their idle or
  absolute lifetime, expired report grants, old evidence files and visitor photos;
- plan drafts started more than ``PLAN_DRAFT_DAYS`` (30) days ago and never sent, with their proof files (the
  files go after the commit).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from flask import Flask, current_app
from sqlalchemy import select

from portal.extensions import db
from portal.lifecycle import after_commit
from portal.orm import utcnow


def delete_stale_drafts(now: datetime) -> int:
    from portal.plans.models import PlanProof, PlanProposal
    from portal.uploads import delete as delete_file

    stale = now - timedelta(days=current_app.config["PLAN_DRAFT_DAYS"])
    drafts = list(db.session.scalars(select(PlanProposal).where(PlanProposal.state == "draft",
                                                                PlanProposal.created_at < stale)))
    for draft in drafts:
        for name in db.session.scalars(select(PlanProof.stored_name).where(PlanProof.proposal_id == draft.id)):
            after_commit(partial(delete_file, name))
        db.session.delete(draft)
    db.session.flush()
    return len(drafts)


def run(now: datetime | None = None) -> dict[str, int]:
    """One housekeeping pass; the numbers deleted per kind."""
    from portal.privacy import retention

    now = now or utcnow()
    drafts = delete_stale_drafts(now)
    counts = retention.run(now)  # commits the drafts' deletion too
    return counts | {"plan_drafts": drafts}


def configure(app: Flask) -> None:
    from huey import crontab

    from portal.queue import register_task

    register_task(app, "housekeeping", run, every=crontab(minute="17"))
