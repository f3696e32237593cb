"""Reading the audit log: filters, keyset pages (newest first) and the full filtered stream for export."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator

from sqlalchemy import ColumnElement, Select, and_, false, or_, select

from portal.audit.models import AuditEvent
from portal.extensions import db

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    staff_id: int | None = None
    action: str | None = None
    object_id: str | None = None
    # Events about one borrower: a condition built by the caller (the console knows the domains), or
    # ``false()`` when the borrower asked for does not exist, so an unknown borrower never matches everything.
    about: ColumnElement[bool] | None = None
    since: date | None = None
    until: date | None = None
    tz: object = timezone.utc
    described: dict = field(default_factory=dict)  # the filters as typed, for the export's own audit entry

    def _bound(self, day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=self.tz).astimezone(timezone.utc)

    def apply(self, query: Select) -> Select:
        if self.staff_id is not None:
            query = query.where(AuditEvent.staff_id == self.staff_id)
        if self.action:
            query = query.where(AuditEvent.action == self.action)
        if self.object_id:
            query = query.where(AuditEvent.object_id.in_({self.object_id, self.object_id.upper()}))
        if self.about is not None:
            query = query.where(self.about)
        if self.since:
            query = query.where(AuditEvent.at >= self._bound(self.since))
        if self.until:
            query = query.where(AuditEvent.at < self._bound(self.until + timedelta(days=1)))
        return query


NOTHING = false()


def page(flt: AuditFilter, before: int | None = None, size: int = PAGE_SIZE) -> tuple[list[AuditEvent], int | None]:
    """One page, newest first; the second value is the id to pass as ``before`` for the next page."""
    query = flt.apply(select(AuditEvent)).order_by(AuditEvent.id.desc()).limit(size + 1)
    if before:
        query = query.where(AuditEvent.id < before)
    events = list(db.session.scalars(query))
    more = len(events) > size
    events = events[:size]
    return events, (events[-1].id if more and events else None)


def stream(flt: AuditFilter, chunk: int = 1000) -> Iterator[list[AuditEvent]]:
    """Every matching event, newest first, in keyset chunks (memory stays flat for a long log)."""
    before = None
    while True:
        events, before = page(flt, before, size=chunk)
        if events:
            yield events
        if before is None:
            return


def about_condition(borrower_id: int, objects: dict[str, list[str]]) -> ColumnElement[bool]:
    """Events by the borrower, on the borrower, or on any of their objects (object type -> ids)."""
    parts = [AuditEvent.borrower_id == borrower_id,
             and_(AuditEvent.object_type == "borrower", AuditEvent.object_id == str(borrower_id))]
    for object_type, ids in objects.items():
        if ids:
            parts.append(and_(AuditEvent.object_type == object_type, AuditEvent.object_id.in_(ids)))
    return or_(*parts)
