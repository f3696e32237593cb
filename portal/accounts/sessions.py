"""Server-side login sessions: a row per browser (only the token's hash is stored), rotated at every login,
ended after ``SESSION_IDLE_MINUTES`` idle or ``SESSION_MAX_HOURS`` in all; ``load_user`` is the user loader this
domain registers with ``portal.security``."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, session
from flask_login import login_user, logout_user
from sqlalchemy import delete

from portal.accounts.models import Borrower, LoginSession, StaffUser
from portal.extensions import db
from portal.orm import utcnow


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_login_session(user: Borrower | StaffUser) -> str:
    """Add a server-side login session for ``user``; return its token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    row = LoginSession(token_hash=_token_hash(token))
    if isinstance(user, StaffUser):
        row.staff_id = user.id
    else:
        row.borrower_id = user.id
    db.session.add(row)
    return token


def start_session(user: Borrower | StaffUser) -> None:
    """Log in with a fresh server-side session id (rotated at every login)."""
    old = session.get("_user_id")
    if old:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == _token_hash(old)))
    session.clear()
    user.session_token = new_login_session(user)
    session.permanent = True
    login_user(user)


def end_sessions_of(user: Borrower | StaffUser, *, keep: str | None = None) -> None:
    """Delete every login session of ``user`` (all its browsers) except the one whose token is ``keep``."""
    column = LoginSession.staff_id if isinstance(user, StaffUser) else LoginSession.borrower_id
    query = delete(LoginSession).where(column == user.id)
    if keep:
        query = query.where(LoginSession.token_hash != _token_hash(keep))
    db.session.execute(query)


def end_session() -> None:
    token = session.get("_user_id")
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == _token_hash(token)))
    logout_user()
    session.clear()


def load_user(token: str):
    """The active user of a live session token, else None (an expired row goes with the request's commit)."""
    row = db.session.get(LoginSession, _token_hash(token))
    if row is None:
        return None
    now = utcnow()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    lifetime = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    if now - row.last_seen_at > idle or now - row.created_at > lifetime:
        db.session.delete(row)  # written with the request's commit (housekeeping deletes the rest)
        return None
    if now - row.last_seen_at > timedelta(seconds=30):
        row.last_seen_at = now
    user = db.session.get(StaffUser, row.staff_id) if row.staff_id else db.session.get(Borrower, row.borrower_id)
    if user is None or not user.is_active:
        return None
    user.session_token = token
    return user
