"""A borrower's request to correct or delete personal information, and the staff answer they read."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Borrower, StaffUser
from portal.orm import Base, UTCDateTime, utcnow
from portal.privacy import rules


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class DataRequest(Base):
    __tablename__ = "data_requests"
    __table_args__ = (
        CheckConstraint(_in("kind", rules.KINDS), name="kind"),
        CheckConstraint(_in("state", rules.STATES), name="state"),
        CheckConstraint("(state = 'open') = (answered_at IS NULL)", name="answered_when_closed"),
        Index("ix_data_requests_state_due", "state", "due_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("borrowers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    detail: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default=rules.OPEN)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_on: Mapped[date] = mapped_column(Date)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    borrower: Mapped[Borrower] = relationship()
    answered_by: Mapped[StaffUser | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def reference(self) -> str:
        return rules.reference(self.id)


class DataExport(Base):
    """A ZIP of everything the portal holds about one borrower; only they may download it, until ``expires_at``.
    Pending (no ``stored_name``) until the worker has built it."""

    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("borrowers.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str | None] = mapped_column(String(32), unique=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
