"""Server-side login sessions: a row per browser (only the token's hash is stored), rotated at every login,
ended after ``SESSION_IDLE_MINUTES`` idle or ``SESSION_MAX_HOURS`` in all; ``load_user`` is the user loader this
domain registers with ``portal.security``."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, delete, select

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


# The session row and its user in one statement (a login session belongs to exactly one of them).
_SESSION_AND_USER = (
    select(LoginSession, Borrower, StaffUser)
    .outerjoin(Borrower, Borrower.id == LoginSession.borrower_id)
    .outerjoin(StaffUser, StaffUser.id == LoginSession.staff_id)
    .where(LoginSession.token_hash == bindparam("token_hash"))
)
_LAST_SEEN_EVERY = timedelta(seconds=30)


def load_user(token: str):
    """The active user of a live session token, else None (an expired row goes with the request's commit)."""
    found = db.session.execute(_SESSION_AND_USER, {"token_hash": _token_hash(token)}).first()
    if found is None:
        return None
    row, borrower, staff = found
    now = utcnow()
    config = current_app.config
    if (now - row.last_seen_at > timedelta(minutes=config["SESSION_IDLE_MINUTES"])
            or now - row.created_at > timedelta(hours=config["SESSION_MAX_HOURS"])):
        db.session.delete(row)  # written with the request's commit (housekeeping deletes the rest)
        return None
    if now - row.last_seen_at > _LAST_SEEN_EVERY:
        row.last_seen_at = now
        session.modified = True  # the cookie's expiry slides with the row's (SESSION_REFRESH_EACH_REQUEST off)
    user = staff if row.staff_id else borrower
    if user is None or not user.is_active:
        return None
    user.session_token = token
    return user
