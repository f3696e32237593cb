"""Events for the lender (design §2 "connected to the lender": an event feed). A service calls ``emit`` inside
its own transaction, so the event exists exactly when the change does: a rolled-back action emits nothing.

``data`` carries the minimum the lender needs to act (PIPL Art. 6, design §6): references, states and dates,
never free text the borrower typed, names, numbers or addresses -- the lender reads those through its own
authorised channel if it must. Every type and the shape of its ``data`` are in the catalog, ``portal/event_types.py``.

Other domains (the webhooks' outbox) follow events through ``subscribe``: a subscriber is called with the session
and the new event, in the same transaction, so what it writes commits or rolls back with the change.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.functions import FunctionElement

from portal.orm import Base, UTCDateTime, utcnow

TYPE_MAX = 64
LOAN_REF_MAX = 64
_subscribers: list[Callable[[Session, "Event"], None]] = []


class current_xact_id(FunctionElement):
    """The writing transaction's id on PostgreSQL (``pg_current_xact_id()``, 64 bits, never wraps), 0 elsewhere.

    The feed (``portal/api/events.py``) orders events by (transaction, id) and serves only transactions older than
    every one still running, so an event that commits late is never skipped by a reader's cursor. SQLite runs one
    writer at a time: there ids commit in order and the column stays 0."""

    type = BigInteger()
    inherit_cache = True
    name = "current_xact_id"


@compiles(current_xact_id)
def _xact_id_default(element, compiler, **kw) -> str:
    return "0"


@compiles(current_xact_id, "postgresql")
def _xact_id_postgresql(element, compiler, **kw) -> str:
    return "(pg_current_xact_id()::text::bigint)"


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_occurred_at_id", "occurred_at", "id"),
                      Index("ix_events_xact_id_id", "xact_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(TYPE_MAX), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    loan_ref: Mapped[str | None] = mapped_column(String(LOAN_REF_MAX), index=True)
    borrower_id: Mapped[int | None] = mapped_column(ForeignKey("borrowers.id", ondelete="SET NULL"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    xact_id: Mapped[int] = mapped_column(BigInteger, default=current_xact_id(), server_default=text("0"))


def utc_iso(value: datetime) -> str:
    """A time for an event's data: ISO 8601 in UTC (``2026-12-01T08:30:00+00:00``)."""
    return value.astimezone(timezone.utc).isoformat()


def subscribe(fn: Callable[[Session, Event], None]) -> None:
    """Call ``fn(session, event)`` for every event emitted from now on (once, however often it is registered)."""
    if fn not in _subscribers:
        _subscribers.append(fn)


def emit(session: Session, type: str, *, loan_ref: str | None = None, borrower_id: int | None = None,
         data: dict[str, Any]) -> Event:
    """Add an event to ``session``'s current transaction (no commit of its own). ``type`` must be in the catalog
    and ``data`` must match its schema (``portal.event_types.check``)."""
    from portal.event_types import check

    if not type or len(type) > TYPE_MAX:
        raise ValueError("event type must be 1 to 64 characters")
    check(type, data)
    event = Event(type=type, loan_ref=loan_ref, borrower_id=borrower_id, data=dict(data), occurred_at=utcnow())
    session.add(event)
    for fn in _subscribers:
        fn(session, event)
    return event
