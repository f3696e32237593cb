"""Fix 3: two reschedules of one visit at once: one wins, the other gets the localized "someone changed this"
page, never a 500."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event, select, text

from portal.extensions import _AppSession
from portal.visits.models import Visit


@pytest.fixture
def visit_and_slots(create_borrower, create_loan, make_visit, login, client):
    borrower = create_borrower()
    visit = make_visit(create_loan(borrower))
    login(client, borrower)
    from tests.visits.test_visit_borrower import _first_slot

    return borrower, visit, _first_slot(client, visit.id)  # the page offers a day first, then its times


def test_fix3_parallel_reschedules_never_answer_500(app, visit_and_slots, login, session):
    borrower, visit, slots = visit_and_slots
    clients = [app.test_client() for _ in range(4)]
    for c in clients:
        login(c, borrower)
    barrier = threading.Barrier(len(clients))

    def run(pair):
        c, slot = pair
        barrier.wait()
        return c.post(f"/visits/{visit.id}/reschedule", data={"resched-version": "1", "resched-slot": slot})

    with ThreadPoolExecutor(len(clients)) as pool:
        responses = list(pool.map(run, zip(clients, slots[:4])))
    assert all(r.status_code in (302, 409) for r in responses), [r.status_code for r in responses]
    session.expire_all()
    assert session.get(Visit, visit.id).reschedule_count == 1


@pytest.mark.postgres_only
def test_fix3_a_conflict_at_write_time_answers_the_localized_conflict_page(app, client, visit_and_slots, session):
    _, visit, slots = visit_and_slots
    fired = []

    def someone_else_writes_first(db_session, flush_context, instances):
        if fired or not any(isinstance(obj, Visit) for obj in db_session.dirty):
            return
        fired.append(True)
        with app.extensions["portal_db_engine"].begin() as other:
            other.execute(text("UPDATE visits SET version = version + 1 WHERE id = :id"), {"id": visit.id})

    # first among the flush's hooks: the other writer commits before this flush reads or locks anything
    event.listen(_AppSession, "before_flush", someone_else_writes_first, insert=True)
    try:
        response = client.post(f"/visits/{visit.id}/reschedule", data={"resched-version": "1",
                                                                       "resched-slot": slots[0]},
                               headers={"Accept-Language": "zh-TW"})
    finally:
        event.remove(_AppSession, "before_flush", someone_else_writes_first)
    assert fired
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'lang="zh-Hant"' in page and "<h1>" in page
    session.expire_all()
    fresh = session.scalar(select(Visit).where(Visit.id == visit.id))
    assert fresh.reschedule_count == 0 and fresh.state == "proposed"  # nothing half-saved
