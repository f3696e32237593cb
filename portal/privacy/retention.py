"""Retention: nothing personal is kept forever. Each rule names what goes and when; ``run`` deletes the rows
and their files together and records counts (never contents) in the audit log.

Rules (``PORTAL_RETENTION_*``): SMS codes once expired or used, login sessions once past their idle or absolute
lifetime, third-party report grants and the borrowers' data downloads once expired: at once; a closed
complaint's evidence files ``RETENTION_EVIDENCE_YEARS`` (3) after its decision; a visitor's photo
``RETENTION_VISITOR_PHOTO_YEARS`` (1) after
they left the roster; the text (parameters) of a sent or failed message ``RETENTION_OUTBOX_DAYS`` (365) after it
was queued; a webhook delivery that ended (delivered or given up) and its attempts ``RETENTION_WEBHOOK_DAYS`` (90)
after it was made.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from flask import current_app
from sqlalchemy import String, cast, delete, func, or_, select, update

from portal import uploads
from portal.accounts.models import LoginSession, VerificationCode
from portal.audit.services import record
from portal.complaints import rules as complaint_rules
from portal.complaints.models import Complaint, ComplaintEvidence, ReportGrant
from portal.extensions import db
from portal.lifecycle import after_commit
from portal.notify.models import Outbox
from portal.orm import utcnow
from portal.privacy.models import DataExport
from portal.privacy.rules import cutoff
from portal.visits import photos
from portal.visits.models import Visitor
from portal.webhooks.models import WebhookAttempt, WebhookDelivery


@dataclass(frozen=True)
class Policy:
    session_idle: timedelta
    session_max: timedelta
    evidence_years: int
    visitor_photo_years: int
    outbox_days: int = 365
    webhook_days: int = 90

    @classmethod
    def from_config(cls) -> Policy:
        c = current_app.config
        return cls(session_idle=timedelta(minutes=c["SESSION_IDLE_MINUTES"]),
                   session_max=timedelta(hours=c["SESSION_MAX_HOURS"]),
                   evidence_years=c["RETENTION_EVIDENCE_YEARS"], visitor_photo_years=c["RETENTION_VISITOR_PHOTO_YEARS"],
                   outbox_days=c["RETENTION_OUTBOX_DAYS"], webhook_days=c["RETENTION_WEBHOOK_DAYS"])


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    count: Callable[[], int]
    purge: Callable[[], tuple[int, list[Callable[[], None]]]]  # rows deleted, file deletions after the commit


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def rules_for(now: datetime, policy: Policy) -> list[Rule]:
    codes = or_(VerificationCode.expires_at <= now, VerificationCode.used_at.is_not(None))
    sessions = or_(LoginSession.last_seen_at <= now - policy.session_idle,
                   LoginSession.created_at <= now - policy.session_max)
    evidence = (select(ComplaintEvidence.id, ComplaintEvidence.stored_name)
                .join(Complaint, ComplaintEvidence.complaint_id == Complaint.id)
                .where(Complaint.state.in_(sorted(complaint_rules.CLOSED)),
                       Complaint.decided_at <= cutoff(now, years=policy.evidence_years)))
    visitors = select(Visitor.id, Visitor.photo_name).where(
        Visitor.active.is_(False), Visitor.photo_name.is_not(None),
        Visitor.deactivated_at <= cutoff(now, years=policy.visitor_photo_years))

    def purge_evidence():
        found = list(db.session.execute(evidence))
        if found:
            db.session.execute(delete(ComplaintEvidence).where(ComplaintEvidence.id.in_([i for i, _ in found])))
        return len(found), [lambda name=name: uploads.delete(name) for _, name in found]

    def purge_photos():
        found = list(db.session.execute(visitors))
        if found:
            db.session.execute(update(Visitor).where(Visitor.id.in_([i for i, _ in found])).values(photo_name=None))
        return len(found), [lambda name=name: photos.delete_photo(name) for _, name in found]

    exports = select(DataExport.id, DataExport.stored_name).where(DataExport.expires_at <= now)

    def purge_exports():
        found = list(db.session.execute(exports))
        if found:
            db.session.execute(delete(DataExport).where(DataExport.id.in_([i for i, _ in found])))
        return len(found), [lambda name=name: uploads.delete(name) for _, name in found if name]

    # A message's text lives in its parameters; once blanked the row stays (kind, channel, state, times).
    old_texts = (Outbox.state.in_(("sent", "failed")), Outbox.created_at <= now - timedelta(days=policy.outbox_days),
                 cast(Outbox.params, String) != "{}")

    def purge_texts():
        return db.session.execute(update(Outbox).where(*old_texts).values(params={})
                                  .execution_options(synchronize_session=False)).rowcount, []

    # A delivery that ended, with its attempts (a pending or retrying one stays whatever its age: it keeps the order
    # of its loan's later deliveries). A redelivery of it keeps its own row; its link to the original goes.
    ended = select(WebhookDelivery.id).where(WebhookDelivery.state.in_(("delivered", "failed")),
                                             WebhookDelivery.created_at <= now - timedelta(days=policy.webhook_days))

    def purge_deliveries():
        ids = list(db.session.scalars(ended))
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            db.session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(chunk)))
            db.session.execute(update(WebhookDelivery).where(WebhookDelivery.redelivery_of_id.in_(chunk))
                               .values(redelivery_of_id=None).execution_options(synchronize_session=False))
            db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.id.in_(chunk))
                               .execution_options(synchronize_session=False))
        return len(ids), []

    def rows(model, where):
        return lambda: (db.session.execute(delete(model).where(where)).rowcount, [])

    return [
        Rule("verification_codes", "SMS codes that expired or were used", lambda: _count(select(VerificationCode.id)
             .where(codes)), rows(VerificationCode, codes)),
        Rule("login_sessions", "login sessions past their idle or absolute lifetime",
             lambda: _count(select(LoginSession.token_hash).where(sessions)), rows(LoginSession, sessions)),
        Rule("report_grants", "third-party report access that expired",
             lambda: _count(select(ReportGrant.token_hash).where(ReportGrant.expires_at <= now)),
             rows(ReportGrant, ReportGrant.expires_at <= now)),
        Rule("data_exports", "borrowers' data downloads whose 24-hour link expired", lambda: _count(exports),
             purge_exports),
        Rule("outbox_texts", f"texts of messages queued over {policy.outbox_days} days ago",
             lambda: _count(select(Outbox.id).where(*old_texts)), purge_texts),
        Rule("webhook_deliveries", f"webhook deliveries that ended over {policy.webhook_days} days ago, with their "
             "attempts", lambda: _count(ended), purge_deliveries),
        Rule("complaint_evidence", f"evidence files of complaints decided over {policy.evidence_years} years ago",
             lambda: _count(evidence), purge_evidence),
        Rule("visitor_photos", f"photos of visitors off the roster for over {policy.visitor_photo_years} years",
             lambda: _count(visitors), purge_photos),
    ]


def due(now: datetime | None = None) -> list[tuple[Rule, int]]:
    """What would go now, rule by rule (the dry run)."""
    return [(rule, rule.count()) for rule in rules_for(now or utcnow(), Policy.from_config())]


def run(now: datetime | None = None) -> dict[str, int]:
    """Delete what is due and commit; the files of the rows that went are deleted once the commit is durable
    (``after_commit``), so a failed run keeps rows and files together. The audit log gets the counts."""
    counts = {}
    for rule in rules_for(now or utcnow(), Policy.from_config()):
        counts[rule.name], files = rule.purge()
        for delete_file in files:
            after_commit(delete_file)
    record("retention.deleted", "retention", "", **counts)
    db.session.commit()
    return counts
