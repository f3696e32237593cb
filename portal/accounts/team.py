"""Team administration by supervisors: accounts, roles, one-time setup links, second factor, recovery codes.

Services add and flush; they never commit. Every change is audited with the acting supervisor.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from flask import current_app
from sqlalchemy import delete, func, select, update

from portal.accounts.models import STAFF_ROLES, StaffRecoveryCode, StaffSetupLink, StaffUser
from portal.accounts.rules import fold
from portal.accounts.otp import otp_matches
from portal.audit.services import record
from portal.extensions import db
from portal.orm import utcnow
from portal.accounts.sessions import end_sessions_of
from portal.security import hash_password

SETUP_LINK_TTL = timedelta(hours=72)
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read aloud and typed without doubt
RECOVERY_LENGTH = 10


class TeamRuleError(ValueError):
    """A refused change; ``code`` names the rule (the view words it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def keyed_digest(text: str) -> str:
    """A fast keyed hash for high-entropy one-time secrets (setup tokens, recovery codes)."""
    return hmac.new(current_app.config["SECRET_KEY"].encode(), text.encode(), hashlib.sha256).hexdigest()


def normalize_recovery_code(raw: str) -> str:
    return fold(raw).lower()


def looks_like_recovery_code(raw: str) -> bool:
    code = normalize_recovery_code(raw)
    return len(code) == RECOVERY_LENGTH and all(ch in RECOVERY_ALPHABET for ch in code)


@dataclass(frozen=True)
class MemberState:
    """What the team list shows for a member."""

    active: bool
    awaiting_setup: bool  # no password yet: the one-time link has not been used


def member_state(user: StaffUser) -> MemberState:
    return MemberState(active=user.active, awaiting_setup=not user.password_hash)


def team() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.display_name,
                                                              StaffUser.id)))


def member(staff_id: int) -> StaffUser | None:
    return db.session.get(StaffUser, staff_id)


def unused_recovery_codes(user: StaffUser) -> int:
    return db.session.scalar(select(func.count()).select_from(StaffRecoveryCode)
                             .where(StaffRecoveryCode.staff_id == user.id, StaffRecoveryCode.used_at.is_(None)))


def end_sessions(user: StaffUser) -> None:
    """Every open session of ``user`` ends: its next request answers as logged out."""
    end_sessions_of(user)


def _guard_last_supervisor(user: StaffUser) -> None:
    """Refuse when ``user`` is the only active supervisor left.

    The active supervisors' rows are locked (FOR UPDATE on PostgreSQL; SQLite has one writer at a time), so of
    two concurrent demotions the second waits for the first and then sees one supervisor fewer.
    """
    ids = set(db.session.scalars(select(StaffUser.id)
                                 .where(StaffUser.role == "supervisor", StaffUser.active.is_(True))
                                 .with_for_update()))
    if user.id in ids and len(ids) <= 1:
        raise TeamRuleError("last_supervisor")


def _new_link(actor: StaffUser, user: StaffUser, purpose: str) -> str:
    db.session.execute(update(StaffSetupLink)
                       .where(StaffSetupLink.staff_id == user.id, StaffSetupLink.used_at.is_(None))
                       .values(used_at=utcnow()))
    token = secrets.token_urlsafe(32)
    db.session.add(StaffSetupLink(staff_id=user.id, purpose=purpose, token_hash=keyed_digest(token),
                                  expires_at=utcnow() + SETUP_LINK_TTL, created_by_id=actor.id))
    return token


def username_taken(username: str) -> bool:
    return db.session.scalar(select(StaffUser.id).where(func.lower(StaffUser.username) == username.lower())) \
        is not None


def create_member(actor: StaffUser, username: str, display_name: str, role: str) -> tuple[StaffUser, str]:
    """A new account with no password: the member sets one and enrols the second factor from the link."""
    if role not in STAFF_ROLES:
        raise TeamRuleError("role")
    if username_taken(username):
        raise TeamRuleError("username_taken")
    user = StaffUser(username=username, display_name=display_name, role=role, password_hash="",
                     otp_secret=pyotp.random_base32())
    db.session.add(user)
    db.session.flush()
    token = _new_link(actor, user, "invite")
    record("staff.created", "staff", user.id, staff=actor, username=username, role=role)
    db.session.flush()
    return user, token


def set_active(actor: StaffUser, user: StaffUser, active: bool) -> None:
    if user.active == active:
        return
    if not active:
        if user.id == actor.id:
            raise TeamRuleError("self")
        _guard_last_supervisor(user)
        end_sessions(user)
    user.active = active
    record("staff.enabled" if active else "staff.disabled", "staff", user.id, staff=actor)
    db.session.flush()


def change_role(actor: StaffUser, user: StaffUser, role: str) -> None:
    if role not in STAFF_ROLES:
        raise TeamRuleError("role")
    if user.role == role:
        return
    if user.role == "supervisor":
        _guard_last_supervisor(user)
    old, user.role = user.role, role
    record("staff.role_changed", "staff", user.id, staff=actor, previous_role=old, role=role)
    db.session.flush()


def reset_password(actor: StaffUser, user: StaffUser) -> str:
    """The old password stops working and sessions end; the member chooses a new one from the link."""
    user.password_hash = ""
    end_sessions(user)
    token = _new_link(actor, user, "reset")
    record("staff.password_reset", "staff", user.id, staff=actor)
    db.session.flush()
    return token


def reenrol_second_factor(actor: StaffUser, user: StaffUser) -> str:
    """A new authenticator secret (returned to be shown once); the old one stops working, sessions end."""
    user.otp_secret = pyotp.random_base32()
    user.otp_last_step = 0
    end_sessions(user)
    record("staff.second_factor_reenrolled", "staff", user.id, staff=actor)
    db.session.flush()
    return user.otp_secret


def _random_code() -> str:
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))


def format_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def new_recovery_codes(actor: StaffUser, user: StaffUser) -> list[str]:
    """Ten new one-time codes (returned to be shown once); earlier codes stop working."""
    db.session.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.staff_id == user.id))
    codes = [_random_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(StaffRecoveryCode(staff_id=user.id, code_hash=keyed_digest(code)) for code in codes)
    record("staff.recovery_codes_issued", "staff", user.id, staff=actor, count=len(codes))
    db.session.flush()
    return [format_recovery_code(code) for code in codes]


def use_recovery_code(user: StaffUser, raw: str) -> bool:
    """Spend one recovery code of ``user``; a code works once, even when sent twice at the same moment."""
    if not looks_like_recovery_code(raw):
        return False
    spent = db.session.execute(
        update(StaffRecoveryCode)
        .where(StaffRecoveryCode.staff_id == user.id, StaffRecoveryCode.used_at.is_(None),
               StaffRecoveryCode.code_hash == keyed_digest(normalize_recovery_code(raw)))
        .values(used_at=utcnow()))
    if spent.rowcount != 1:
        return False
    record("staff.recovery_code_used", "staff", user.id, staff=user)
    return True


# ---- the member's side of a one-time link -------------------------------------------------------------------

def open_link(token: str) -> tuple[StaffSetupLink, StaffUser] | None:
    """The unused, unexpired link with this token and its (active) member, else None."""
    link = db.session.scalar(select(StaffSetupLink).where(StaffSetupLink.token_hash == keyed_digest(token)))
    if link is None or link.used_at is not None or link.expires_at < utcnow():
        return None
    user = db.session.get(StaffUser, link.staff_id)
    if user is None or not user.active:
        return None
    return link, user


def complete_setup(link: StaffSetupLink, user: StaffUser, password: str, otp: str) -> list[str] | None:
    """Set the password when the authenticator code is right; spend the link. A new member also gets recovery
    codes (returned to be shown once). None when the code is wrong."""
    if not otp_matches(user, otp):
        return None
    spent = db.session.execute(update(StaffSetupLink)
                               .where(StaffSetupLink.id == link.id, StaffSetupLink.used_at.is_(None))
                               .values(used_at=utcnow()))
    if spent.rowcount != 1:
        return None
    user.password_hash = hash_password(password)
    end_sessions(user)
    record("staff.setup_completed" if link.purpose == "invite" else "staff.password_set", "staff", user.id,
           staff=user)
    codes = new_recovery_codes(user, user) if link.purpose == "invite" else []
    db.session.flush()
    return codes
