"""Staff authenticator codes (TOTP): a current code, one step of clock drift either way, each step used once."""
from __future__ import annotations

import hmac
from datetime import timedelta

import pyotp
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import StaffUser
from portal.extensions import db
from portal.orm import utcnow


def otp_matches(user: StaffUser, otp: str) -> bool:
    """A current TOTP code (one step of clock drift either way); each time step is claimed once."""
    totp = pyotp.TOTP(user.otp_secret)
    now = utcnow()
    for offset in (0, -1, 1):
        at = now + timedelta(seconds=30 * offset)
        step = totp.timecode(at)
        if step > user.otp_last_step and hmac.compare_digest(totp.at(at), otp):
            return _use_otp_step(user, step)
    return False


def _use_otp_step(user: StaffUser, step: int) -> bool:
    """Record ``step`` as used unless a parallel login used it (or a later one) first: one conditional UPDATE."""
    result = db.session.execute(
        update(StaffUser).where(StaffUser.id == user.id, StaffUser.otp_last_step < step)
        .values(otp_last_step=step).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    set_committed_value(user, "otp_last_step", step)
    return True
