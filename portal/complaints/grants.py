"""Third-party access to a report: a server-side grant per browser, revoked by "leave", expiring on its own."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from portal.complaints.models import Complaint, ReportGrant
from portal.extensions import db
from portal.orm import utcnow


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(complaint: Complaint) -> str:
    """Add a grant to ``complaint`` and return its token (only the hash is stored)."""
    token = secrets.token_urlsafe(32)
    lifetime = timedelta(minutes=current_app.config["REPORT_GRANT_MINUTES"])
    db.session.add(ReportGrant(token_hash=_digest(token), complaint_id=complaint.id, expires_at=utcnow() + lifetime))
    db.session.flush()
    return token


def revoke(token: str) -> None:
    db.session.execute(delete(ReportGrant).where(ReportGrant.token_hash == _digest(token)))


def complaint_for(token: str) -> Complaint | None:
    """The third-party report a live grant opens (None when unknown, revoked or expired)."""
    return db.session.scalar(
        select(Complaint).join(ReportGrant, ReportGrant.complaint_id == Complaint.id)
        .where(ReportGrant.token_hash == _digest(token), ReportGrant.expires_at > utcnow(),
               Complaint.borrower_id.is_(None)))


def delete_expired() -> int:
    """Remove grants past their expiry; returns how many."""
    return db.session.execute(delete(ReportGrant).where(ReportGrant.expires_at <= utcnow())).rowcount
