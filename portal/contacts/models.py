"""The contact log: one row per contact the lender (or an agency for it) made about a loan."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.contacts.rules import CHANNELS, PARTIES
from portal.loans.models import Loan
from portal.orm import Base, UTCDateTime, utcnow


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        CheckConstraint(_in("to_party", PARTIES), name="to_party"),
        CheckConstraint("duration_s IS NULL OR duration_s >= 0", name="duration_nonneg"),
        CheckConstraint("collectors_count IS NULL OR collectors_count >= 0", name="collectors_nonneg"),
        # The borrower's timeline: key-set pages on (at, id) over the borrower's loans.
        Index("ix_contacts_loan_at", "loan_id", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_ref: Mapped[str] = mapped_column(String(64), unique=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id", ondelete="RESTRICT"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(8))
    answered: Mapped[bool | None] = mapped_column(Boolean)
    duration_s: Mapped[int | None] = mapped_column(Integer)
    to_number: Mapped[str] = mapped_column(String(20), default="")
    to_party: Mapped[str] = mapped_column(String(12))
    from_number: Mapped[str] = mapped_column(String(20), default="")
    agent: Mapped[str] = mapped_column(String(100), default="")
    agency_code: Mapped[str] = mapped_column(String(32), default="")  # empty: the lender itself
    summary: Mapped[str] = mapped_column(String(200), default="")
    collectors_count: Mapped[int | None] = mapped_column(Integer)  # visits, where the record says so
    source_digest: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    loan: Mapped[Loan] = relationship()


# Contacts a complaint is about (filed from the contact log); staff see them on the complaint.
complaint_contacts = Table(
    "complaint_contacts", Base.metadata,
    Column("complaint_id", ForeignKey("complaints.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True),
)
