"""Helpers of the event tests: the events written so far, each checked against the catalog."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.event_types import EVENT_TYPES
from portal.events import Event


def events_of(session) -> list[SimpleNamespace]:
    """Every event so far, oldest first (plain copies); each one's data must match its type's schema exactly."""
    session.expire_all()
    events = [SimpleNamespace(id=e.id, type=e.type, loan_ref=e.loan_ref, borrower_id=e.borrower_id, data=e.data)
              for e in session.scalars(select(Event).order_by(Event.id))]
    for event in events:
        assert event.type in EVENT_TYPES, event.type
        assert EVENT_TYPES[event.type].schema().validate(event.data) == {}, (event.type, event.data)
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
