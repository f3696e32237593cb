"""Declarative base, naming convention and the column types every domain shares."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import DateTime, MetaData, String, TypeDecorator, event
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC; refuses naive datetimes on the way in."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class DecimalText(TypeDecorator):
    """An exact decimal (rates) kept as canonical text: no float anywhere, same on SQLite and PostgreSQL."""

    impl = String(24)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect):
        if value is None:
            return None
        return format(Decimal(value).normalize(), "f")

    def process_result_value(self, value: str | None, dialect):
        return None if value is None else Decimal(value)


def forbid_changes(model: type, error: type[Exception], message: str) -> None:
    """Make rows of ``model`` append-only at the ORM level (audit events, visit records)."""

    def refuse(mapper, connection, target):
        raise error(message)

    event.listen(model, "before_update", refuse)
    event.listen(model, "before_delete", refuse)


def get_or_404(session, model: type, ident: int):
    """The row of ``model`` with primary key ``ident``, or a 404 (also for an id no database column can hold)."""
    from flask import abort

    from portal.security.inputs import DB_INT_MAX

    row = session.get(model, ident) if 0 < ident <= DB_INT_MAX else None
    if row is None:
        abort(404)
    return row


def keyset_page(session, query, key, before: int | None, size: int) -> tuple[list, int | None]:
    """One page of ``query`` newest first by the integer column ``key`` (keyset paging: rows with ``key`` below
    ``before``, when it is a valid id); the rows and the ``before`` of the next page (None on the last page)."""
    from portal.security.inputs import DB_INT_MAX

    query = query.order_by(key.desc()).limit(size + 1)
    if before and 0 < before <= DB_INT_MAX:
        query = query.where(key < before)
    rows = list(session.scalars(query))
    more = len(rows) > size
    rows = rows[:size]
    return rows, getattr(rows[-1], key.key) if more and rows else None
