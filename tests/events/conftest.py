"""Helpers of the event tests: the events written so far, each checked against the catalog and against the
OpenAPI document's schema of its type's data."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import current_app
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from sqlalchemy import select

from portal.event_types import EVENT_TYPES
from portal.events import Event


_DOCUMENT: dict = {}


def _document_errors(type: str, data: dict) -> list[str]:
    """What the served OpenAPI document finds wrong with ``data`` as the data of a ``type`` event."""
    if not _DOCUMENT:
        _DOCUMENT.update(current_app.extensions["portal_api"].spec.to_dict())  # what /api/v1/openapi.json serves
    ref = _DOCUMENT["components"]["schemas"]["EventOut"]["properties"]["data"]["x-data-schemas"][type]["$ref"]
    registry = Registry().with_resource("doc", Resource.opaque(_DOCUMENT))
    return [e.message for e in OAS30Validator({"$ref": "doc" + ref}, registry=registry).iter_errors(data)]


def events_of(session) -> list[SimpleNamespace]:
    """Every event so far, oldest first (plain copies); each one's data must match its type's schema exactly."""
    session.expire_all()
    events = [SimpleNamespace(id=e.id, type=e.type, loan_ref=e.loan_ref, borrower_id=e.borrower_id, data=e.data)
              for e in session.scalars(select(Event).order_by(Event.id))]
    for event in events:
        assert event.type in EVENT_TYPES, event.type
        assert EVENT_TYPES[event.type].schema().validate(event.data) == {}, (event.type, event.data)
        assert _document_errors(event.type, event.data) == [], (event.type, event.data)
    return events


@pytest.fixture
def new_events(session):
    """``new_events()``: the events written since the last call (the action under test emits exactly these)."""
    seen = {"n": 0}

    def since() -> list[SimpleNamespace]:
        events = events_of(session)
        fresh, seen["n"] = events[seen["n"]:], len(events)
        return fresh

    return since
