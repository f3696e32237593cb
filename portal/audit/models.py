"""Append-only audit log of staff actions, logins and reads of personal data."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import StaffUser
from portal.orm import Base, UTCDateTime, forbid_changes, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_kind: Mapped[str] = mapped_column(String(16))  # staff | borrower | system | public
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    borrower_id: Mapped[int | None] = mapped_column(ForeignKey("borrowers.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32), default="")
    object_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    ip: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")

    staff: Mapped[StaffUser | None] = relationship()


class AuditLogIsAppendOnly(RuntimeError):
    pass


forbid_changes(AuditEvent, AuditLogIsAppendOnly, "audit events cannot be changed or deleted")
