"""One row per scheduled reminder already queued: its key makes a reminder go out once, however often the
periodic task runs (a restart, two consumers, a catch-up run)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.orm import Base, UTCDateTime, utcnow


class SentReminder(Base):
    __tablename__ = "sent_reminders"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)  # e.g. visit_tomorrow:12:2026-12-03T01:00
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
