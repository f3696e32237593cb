"""The report tallies' tables: figures per (kind, lender day, key) and the zone they are counted in."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.orm import Base, UTCDateTime


class ReportTally(Base):
    """``n`` rows of ``kind`` fall on lender day ``day`` with ``key`` (kinds and keys: each source's ``keys``)."""

    __tablename__ = "report_tallies"

    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class ReportTallyState(Base):
    """One row (id 1): the time zone whose days the tallies count, or none while they are not built."""

    __tablename__ = "report_tally_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone: Mapped[str | None] = mapped_column(String(64))
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
