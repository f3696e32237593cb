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
