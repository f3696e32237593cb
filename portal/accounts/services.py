"""Account operations: SMS codes for activation and reset, passwords, logins. Add and flush; never commit."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

import pyotp
from flask import current_app
from sqlalchemy import select, update

from portal.accounts import team
from portal.accounts.feed import family_consent_event
from portal.accounts.models import Borrower, StaffUser, VerificationCode
from portal.accounts.otp import otp_matches
from portal.accounts.rules import InvalidPhone, id_tail_matches, normalize_phone
from portal.audit.services import record
from portal.extensions import db
from portal.notify import events
from portal.orm import utcnow
from portal.accounts.sessions import end_sessions_of
from portal.security import hash_password, verify_password

CODE_TTL = timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5


def _code_digest(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def borrower_by_phone(raw_phone: str) -> Borrower | None:
    try:
        phone = normalize_phone(raw_phone)
    except InvalidPhone:
        return None
    return db.session.scalar(select(Borrower).where(Borrower.phone == phone))


def request_code(raw_phone: str, purpose: str, id_tail: str | None = None) -> None:
    """Send a 6-digit code when the details match. Callers answer the same whatever happens here, and in the
    same time: every path makes a code, hashes it and runs the same UPDATE, and any SMS goes out only after the
    answer: it is an outbox row the worker sends after the commit."""
    borrower = borrower_by_phone(raw_phone)
    code = f"{secrets.randbelow(10**6):06d}"
    digest = _code_digest(code)
    tail_ok = id_tail_matches(borrower.id_number if borrower else DUMMY_ID_NUMBER, id_tail or "")
    if borrower is None or (purpose == "activate" and not tail_ok) or \
            (purpose == "reset" and borrower.password_hash is None):
        _expire_codes_of(0)  # the same statement as below, matching no row
        return
    if purpose == "activate" and borrower.password_hash is not None:
        _expire_codes_of(0)
        events.account_active_sms(borrower)
        return
    _expire_codes_of(borrower.id)
    db.session.add(VerificationCode(borrower_id=borrower.id, purpose=purpose, code_hash=digest,
                                    expires_at=utcnow() + CODE_TTL))
    db.session.flush()
    events.account_code_sms(borrower, code)


DUMMY_ID_NUMBER = "000000000000000000"


def _expire_codes_of(borrower_id: int) -> None:
    db.session.execute(
        update(VerificationCode)
        .where(VerificationCode.borrower_id == borrower_id, VerificationCode.used_at.is_(None))
        .values(used_at=utcnow())
    )


def check_code(raw_phone: str, purpose: str, code: str) -> Borrower | None:
    """Return the borrower when the code is right; count the attempt either way (5 tries per code).

    The try is counted and the code used up by conditional UPDATEs, so parallel requests cannot read the same
    count and each get a try (PostgreSQL locks the row; a second request re-checks the condition after it)."""
    borrower = borrower_by_phone(raw_phone)
    if borrower is None:
        return None
    code_id = db.session.scalar(
        select(VerificationCode.id)
        .where(VerificationCode.borrower_id == borrower.id, VerificationCode.purpose == purpose,
               VerificationCode.used_at.is_(None))
        .order_by(VerificationCode.id.desc())
        .limit(1)
    )
    if code_id is None:
        return None
    now = utcnow()
    open_code = (VerificationCode.id == code_id, VerificationCode.used_at.is_(None))
    counted = db.session.execute(
        update(VerificationCode)
        .where(*open_code, VerificationCode.expires_at > now, VerificationCode.attempts < CODE_MAX_ATTEMPTS)
        .values(attempts=VerificationCode.attempts + 1)
        .returning(VerificationCode.code_hash)
        .execution_options(synchronize_session=False)
    ).scalar()
    if counted is None or not hmac.compare_digest(counted, _code_digest(code)):
        return None
    used = db.session.execute(update(VerificationCode).where(*open_code).values(used_at=now)
                              .execution_options(synchronize_session=False))
    return borrower if used.rowcount == 1 else None


def set_password(borrower: Borrower, password: str, purpose: str) -> None:
    """Activation or reset by SMS code: every existing session of the account ends (the caller starts a new one)."""
    borrower.password_hash = hash_password(password)
    end_sessions_of(borrower)
    if borrower.activated_at is None:
        borrower.activated_at = utcnow()
    record("borrower." + ("activated" if purpose == "activate" else "password_reset"), "borrower",
           borrower.id, borrower=borrower)


def update_preferences(borrower: Borrower, locale: str, preferred_contact: str, family_contact: bool) -> None:
    borrower.locale = locale
    borrower.locale_chosen = True
    borrower.preferred_contact = preferred_contact
    changed = borrower.family_contact_consent != family_contact
    if changed:
        record("borrower.family_contact_consent", "borrower", borrower.id, borrower=borrower,
               consent=family_contact)
    borrower.family_contact_consent = family_contact
    if changed:
        family_consent_event(borrower)


def change_password(user: Borrower | StaffUser, password: str) -> None:
    """A new password ends every other session of the account (another browser, a stolen cookie); the session
    making the change (``user.session_token``, if any) stays."""
    user.password_hash = hash_password(password)
    end_sessions_of(user, keep=user.session_token)
    if isinstance(user, StaffUser):
        record("staff.password_changed", "staff", user.id, staff=user)
    else:
        record("borrower.password_changed", "borrower", user.id, borrower=user)


def authenticate_borrower(raw_phone: str, password: str) -> Borrower | None:
    borrower = borrower_by_phone(raw_phone)
    if not verify_password(borrower, password):
        return None
    return borrower


def create_staff(username: str, role: str, password: str, display_name: str = "",
                 otp_secret: str | None = None, email: str | None = None, locale: str = "zh_Hans") -> StaffUser:
    user = StaffUser(username=username, role=role, password_hash=hash_password(password),
                     display_name=display_name or username, otp_secret=otp_secret or pyotp.random_base32(),
                     email=email or None, locale=locale)
    db.session.add(user)
    db.session.flush()
    return user


def otpauth_uri(user: StaffUser) -> str:
    return pyotp.TOTP(user.otp_secret).provisioning_uri(name=user.username,
                                                        issuer_name=current_app.config["LENDER_NAME"])


def authenticate_staff(username: str, password: str, otp: str) -> StaffUser | None:
    """Password and a TOTP code (each time step usable once) or one of the member's recovery codes."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    if not verify_password(user, password) or not user.active:
        return None
    if not (otp_matches(user, otp) or team.use_recovery_code(user, otp)):
        return None
    user.last_login_at = utcnow()
    return user
