"""``GET /api/v1/events?after=<cursor>&limit=<n>``: the lender's event feed, oldest first, with a ``next`` cursor.

A consumer that stores ``next`` and asks again from it never misses or repeats an event, even while many
transactions write events at once. Ids come from a sequence, and on PostgreSQL a transaction that took id 5 can
commit after one that took id 6: a cursor "after id 6" would skip 5 forever. So each event stores the id of the
transaction that wrote it (``portal.events.current_xact_id``), the feed is ordered by (transaction, id), and it
serves only events of transactions older than every transaction still running
(``pg_snapshot_xmin(pg_current_snapshot())``): anything that may still commit sorts after what was served. On
SQLite one transaction writes at a time, so ids commit in order (the transaction column is 0).

The response schema is here, in one place; the schema of each event type's ``data`` comes from the catalog
(``portal/event_types.py``) through ``data_schemas()``, the one hook the OpenAPI document reads.
"""
from __future__ import annotations

import base64
import binascii

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates
from sqlalchemy import BigInteger, literal_column, select, tuple_

from portal.api.blueprint import bp, scoped
from portal.event_types import EVENT_TYPES
from portal.events import Event
from portal.extensions import db

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
_HORIZON = literal_column("pg_snapshot_xmin(pg_current_snapshot())::text::bigint", BigInteger)


def data_schemas() -> dict[str, type[Schema]]:
    """Event type -> marshmallow schema of its ``data`` (documented as components ``EventData<Schema>``)."""
    return {name: entry.schema for name, entry in EVENT_TYPES.items()}


def component_name(schema: type[Schema]) -> str:
    return "EventData" + schema.__name__


def encode_cursor(xact_id: int, event_id: int) -> str:
    return base64.urlsafe_b64encode(f"{xact_id}.{event_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        xact, _, ident = raw.partition(".")
        position = int(xact), int(ident)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("not a cursor this feed gave") from None
    if min(position) < 0 or max(position) >= 2**63:
        raise ValueError("not a cursor this feed gave")
    return position


class EventsQuery(Schema):
    after = fields.String(metadata={"description": "the `next` of the previous page; omit to start at the oldest"})
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT))

    @validates("after")
    def _cursor(self, value: str, **_kw) -> None:
        try:
            decode_cursor(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class EventOut(Schema):
    id = fields.Integer(required=True)
    type = fields.String(required=True, metadata={"enum": sorted(EVENT_TYPES)})
    occurred_at = fields.DateTime(required=True, metadata={"description": "UTC"})
    loan_ref = fields.String(required=True, allow_none=True)
    data = fields.Dict(required=True, metadata={
        "description": "minimum-necessary details; its schema depends on type (x-data-schemas)",
        "anyOf": [{"$ref": f"#/components/schemas/{component_name(s)}"} for s in set(data_schemas().values())],
        "x-data-schemas": {t: {"$ref": f"#/components/schemas/{component_name(s)}"}
                           for t, s in sorted(data_schemas().items())}})


class EventsPage(Schema):
    events = fields.List(fields.Nested(EventOut), required=True, metadata={"description": "oldest first"})
    next = fields.String(required=True, metadata={"description": "store it and send it as `after` next time "
                                                                 "(the same cursor when there is nothing new)"})


def feed(after: tuple[int, int], limit: int) -> tuple[list[Event], tuple[int, int]]:
    stmt = select(Event).where(tuple_(Event.xact_id, Event.id) > tuple_(*after)) \
        .order_by(Event.xact_id, Event.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.where(Event.xact_id < _HORIZON)
    events = list(db.session.scalars(stmt))
    return events, ((events[-1].xact_id, events[-1].id) if events else after)


@bp.route("/events", methods=["GET"])
@scoped("events:read")
@bp.arguments(EventsQuery, location="query", unknown=RAISE)
@bp.response(200, EventsPage)
def list_events(query: dict):
    """Events oldest first; pass the `next` cursor as `after` to continue."""
    after = decode_cursor(query["after"]) if query.get("after") else (0, 0)
    events, position = feed(after, query["limit"])
    return {"events": [{"id": e.id, "type": e.type, "occurred_at": e.occurred_at, "loan_ref": e.loan_ref,
                        "data": e.data} for e in events], "next": encode_cursor(*position)}
