"""Notification rows: the outbox of messages to send, and one row per scheduled reminder already queued (its
key makes a reminder go out once, however often the periodic task runs: a restart, two consumers, a catch-up)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.orm import Base, UTCDateTime, utcnow


class SentReminder(Base):
    __tablename__ = "sent_reminders"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)  # e.g. visit_tomorrow:12:2026-12-03T01:00
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Outbox(Base):
    """One message to one person, written in the transaction of the change that causes it (a rolled-back change
    sends nothing; a committed one is never lost). The worker claims a row before sending it; see ``outbox.py``."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'sending', 'sent', 'failed')", name="state"),
        CheckConstraint("channel IN ('sms', 'email')", name="channel"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_outbox_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    channel: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    locale: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    provider_message_id: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    borrower_id: Mapped[int | None] = mapped_column(ForeignKey("borrowers.id", ondelete="SET NULL"), index=True)
