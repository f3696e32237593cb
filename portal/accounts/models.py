"""Borrowers, staff users, login sessions and one-time SMS codes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from portal.accounts import rules
from portal.locales import LOCALES, sql_in  # noqa: F401 - LOCALES is imported from here too
from portal.orm import Base, UTCDateTime, utcnow

STAFF_ROLES = ("agent", "supervisor")
CONTACT_CHANNELS = ("sms", "phone", "portal")


class _Principal:
    """What Flask-Login needs; the id it stores is the server-side session token."""

    session_token: str | None = None
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:  # pragma: no cover - overridden below
        return True

    def get_id(self) -> str | None:
        return self.session_token


class Borrower(_Principal, Base):
    __tablename__ = "borrowers"
    __table_args__ = (
        CheckConstraint(sql_in("locale"), name="locale"),
        CheckConstraint("preferred_contact IN ('sms', 'phone', 'portal')", name="preferred_contact"),
        # Staff lookup (issue 14): a name prefix in either script, and the last 4 characters of the ID number,
        # both in the order the results are listed (key-set pages).
        Index("ix_borrowers_name_key", "name_key", "id"),
        Index("ix_borrowers_id_tail", "id_tail", "name_key", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    address: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str] = mapped_column(String(8), default="zh_Hans")
    locale_chosen: Mapped[bool] = mapped_column(default=False)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # How the borrower prefers to be contacted, and whether the lender may ask family members to pass on a
    # message when the borrower cannot be reached (never telling them about the debt; design §6).
    preferred_contact: Mapped[str] = mapped_column(String(10), default="sms")
    family_contact_consent: Mapped[bool] = mapped_column(default=False)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Derived search columns, kept in step with name and id_number by the listener below. The name key compares
    # byte-wise on PostgreSQL (collation "C"), so a prefix is an index range whatever the database's locale.
    name_key: Mapped[str] = mapped_column(
        String(rules.NAME_KEY_LENGTH).with_variant(String(rules.NAME_KEY_LENGTH, collation="C"), "postgresql"),
        default="")
    id_tail: Mapped[str] = mapped_column(String(rules.ID_TAIL_LENGTH), default="")

    kind = "borrower"

    @property
    def is_active(self) -> bool:
        return self.password_hash is not None

    @property
    def masked_phone(self) -> str:
        return self.phone[:3] + "****" + self.phone[-4:]

    @property
    def masked_name(self) -> str:
        return rules.mask_name(self.name)


@event.listens_for(Borrower, "before_insert")
@event.listens_for(Borrower, "before_update")
def _set_search_keys(_mapper, _connection, target: Borrower) -> None:
    target.name_key = rules.name_key(target.name)
    target.id_tail = rules.id_tail(target.id_number)


class StaffUser(_Principal, Base):
    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint("role IN ('agent', 'supervisor')", name="role"),
                      CheckConstraint(sql_in("locale"), name="locale"))

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(254))  # the daily deadline digest goes here
    locale: Mapped[str] = mapped_column(String(8), default="zh_Hans", server_default="zh_Hans")
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    otp_secret: Mapped[str] = mapped_column(String(64))
    otp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    kind = "staff"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


SETUP_PURPOSES = ("invite", "reset")


class StaffSetupLink(Base):
    """A one-time link (its token stored hashed) for a new member's first login or after a password reset."""

    __tablename__ = "staff_setup_links"
    __table_args__ = (CheckConstraint("purpose IN ('invite', 'reset')", name="purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffRecoveryCode(Base):
    """One of ten one-time codes a staff member may use at login instead of the authenticator (keyed hash)."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginSession(Base):
    """Server-side session: its id (hashed) is rotated at every login and deleted at logout."""

    __tablename__ = "login_sessions"
    __table_args__ = (
        CheckConstraint("(borrower_id IS NULL) <> (staff_id IS NULL)", name="one_principal"),
    )

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    borrower_id: Mapped[int | None] = mapped_column(ForeignKey("borrowers.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VerificationCode(Base):
    """A 6-digit code sent by SMS for activation or password reset (stored hashed)."""

    __tablename__ = "verification_codes"
    __table_args__ = (
        CheckConstraint("purpose IN ('activate', 'reset')", name="purpose"),
        CheckConstraint("attempts >= 0", name="attempts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("borrowers.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
