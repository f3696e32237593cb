"""GET /api/v1/events: oldest first, pages with an opaque cursor; on PostgreSQL the cursor neither skips nor
repeats an event while many transactions write at once (ids commit out of order there)."""
from __future__ import annotations

import random
import threading
import time

import pytest
from sqlalchemy.orm import Session

from portal.events import emit
from portal.extensions import db
from portal.privacy import rules as privacy_rules


def add_event(session, n: int, loan_ref: str | None = "L1"):
    return emit(session, "data_request.answered", loan_ref=loan_ref,
                data={"reference": f"DR-{n}", "kind": privacy_rules.KINDS[0], "outcome": privacy_rules.DONE})


def read_all(api, after=None, limit=100) -> tuple[list[dict], str]:
    query = f"?limit={limit}" + (f"&after={after}" if after else "")
    response = api.get("/events" + query)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    return body["events"], body["next"]


def test_pages_oldest_first_and_the_cursor_continues(api, session):
    for n in range(5):
        add_event(session, n, loan_ref=None if n == 2 else f"L{n}")
        session.commit()
    first, cursor = read_all(api, limit=2)
    second, cursor = read_all(api, cursor, limit=2)
    third, cursor = read_all(api, cursor, limit=2)
    seen = [e["data"]["reference"] for e in first + second + third]
    assert seen == [f"DR-{n}" for n in range(5)]
    assert [e["type"] for e in first] == ["data_request.answered"] * 2 and second[0]["loan_ref"] is None
    empty, same = read_all(api, cursor)
    assert empty == [] and same == cursor
    add_event(session, 5)
    session.commit()
    later, _ = read_all(api, cursor)
    assert [e["data"]["reference"] for e in later] == ["DR-5"]


@pytest.mark.parametrize("query, field", [
    ("?after=not-a-cursor!", "after"), ("?after=bm9wZQ", "after"), ("?limit=0", "limit"),
    ("?limit=1001", "limit"), ("?limit=ten", "limit"), ("?since=1", "since"),
])
def test_bad_query_names_the_parameter(api, query, field):
    response = api.get("/events" + query)
    assert response.status_code == 422 and field in response.get_json()["errors"], response.get_json()


@pytest.mark.postgres_only
def test_an_event_that_commits_late_is_held_back_not_skipped(api, session):
    engine = db.engine
    with Session(engine) as slow, Session(engine) as fast:
        add_event(slow, 1)
        slow.flush()  # takes the lower id and holds its transaction open
        add_event(fast, 2)
        fast.commit()  # the higher id commits first
        held, cursor = read_all(api)
        assert held == []  # a cursor past id 2 would skip id 1 forever; the feed waits instead
        slow.commit()
    events, cursor = read_all(api, cursor)
    assert [e["data"]["reference"] for e in events] == ["DR-1", "DR-2"]
    assert read_all(api, cursor)[0] == []


@pytest.mark.postgres_only
def test_concurrent_writers_the_cursor_never_skips_or_repeats(api, session):
    engine = db.engine
    committed: list[str] = []
    lock = threading.Lock()
    done = threading.Event()

    def writer(w: int) -> None:
        rnd = random.Random(w)
        for t in range(20):
            with Session(engine) as s:
                refs = []
                for k in range(rnd.randint(1, 3)):
                    n = f"{w}-{t}-{k}"
                    add_event(s, n)  # noqa: B023
                    s.flush()
                    refs.append(f"DR-{n}")
                    time.sleep(rnd.random() * 0.01)
                if rnd.random() < 0.15:
                    s.rollback()  # a rolled-back action: its events never appear
                    continue
                s.commit()
                with lock:
                    committed.extend(refs)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    threading.Thread(target=lambda: ([t.join() for t in threads], done.set())).start()
    consumed: list[str] = []
    cursor = None
    while not done.is_set():
        events, cursor = read_all(api, cursor, limit=7)
        consumed += [e["data"]["reference"] for e in events]
    while True:
        events, cursor = read_all(api, cursor, limit=50)
        if not events:
            break
        consumed += [e["data"]["reference"] for e in events]
    assert len(consumed) == len(set(consumed)), "an event was served twice"
    assert sorted(consumed) == sorted(committed), "an event was skipped (or a rolled-back one served)"
    assert len(committed) > 60
