"""The public visitor check: yes only for an active, assigned visitor with the code of a visit today."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.visits.rules import OPEN_STATES
from tests.visits.conftest import local_today, window


@pytest.fixture
def today_visit(create_borrower, create_loan, make_visit):
    borrower = create_borrower(name="王秘密", address="保密路 1 号")
    return make_visit(create_loan(borrower), state="confirmed", when=window(local_today(), 14, 3), code="HX4K7P")


def _check(client, badge, code):
    return client.post("/verify-visitor", data={"badge": badge, "code": code}).get_data(as_text=True)


def test_yes_for_an_assigned_active_visitor_with_the_right_code(client, today_visit, session):
    page = _check(client, "bj1024", "hx4k7p")
    assert "verify-yes" in page and "刘强" in page and "14:00" in page and "17:00" in page
    assert "王秘密" not in page and "保密路" not in page and "核实地址" not in page  # nothing about the borrower
    assert session.scalars(select(AuditEvent.action)).all() == ["visitor.checked"]


@pytest.mark.parametrize(("badge", "code"), [
    ("BJ1024", "HX4K7Q"),   # wrong code
    ("GD2048", "HX4K7P"),   # active visitor, not assigned to this visit
    ("ZZ0000", "HX4K7P"),   # unknown badge
])
def test_no_otherwise(client, today_visit, badge, code):
    page = _check(client, badge, code)
    assert "verify-no" in page and "verify-yes" not in page
    assert "400-000-0000" in page and "110" in page


def test_no_for_an_inactive_visitor(client, today_visit, roster, session):
    roster[0].active = False
    session.commit()
    assert "verify-no" in _check(client, "BJ1024", "HX4K7P")


@pytest.mark.parametrize(("state", "expected"), [
    ("proposed", "verify-yes"), ("confirmed", "verify-yes"), ("rescheduled", "verify-yes"),
    ("reschedule_requested", "verify-no"),  # the borrower asked to move it: nobody should come at the old time
    ("remote_requested", "verify-no"),      # the borrower asked for a video check instead
    ("cancelled", "verify-no"), ("completed", "verify-no"), ("missed", "verify-no"),
])
def test_yes_only_for_a_visit_expected_today(client, today_visit, session, state, expected):
    from portal.visits.models import Visit

    session.get(Visit, today_visit.id).state = state
    session.commit()
    page = _check(client, "BJ1024", "HX4K7P")
    assert expected in page and ({"verify-yes", "verify-no"} - {expected}).pop() not in page


def test_no_for_a_visit_on_another_day(client, today_visit, session):
    from portal.visits.models import Visit

    visit = session.get(Visit, today_visit.id)
    visit.window_start, visit.window_end = window(local_today() + timedelta(days=1), 14)
    session.commit()
    assert "verify-no" in _check(client, "BJ1024", "HX4K7P")


def test_empty_form_shows_errors(client):
    response = client.post("/verify-visitor", data={"badge": "", "code": ""})
    assert response.status_code == 200 and "error-summary" in response.get_data(as_text=True)


def test_the_check_is_public_and_rate_limited(client, today_visit):
    assert client.get("/verify-visitor").status_code == 200
    for _ in range(10):
        assert client.post("/verify-visitor", data={"badge": "X", "code": "Y"}).status_code == 200
    limited = client.post("/verify-visitor", data={"badge": "BJ1024", "code": "HX4K7P"})
    assert limited.status_code == 429
    assert "verify-yes" not in limited.get_data(as_text=True)
    assert "110" in limited.get_data(as_text=True)


def test_photo_route_refuses_odd_names(client):
    assert client.get("/visitor-photos/..%2Fportal.sqlite3").status_code == 404
    assert client.get("/visitor-photos/" + "a" * 32 + ".png").status_code == 404


def test_demo_seed_gives_a_known_yes_today(app, session, create_staff):
    from portal import demo
    from portal.visits.demo import DEMO_BADGE, DEMO_CODE

    create_staff(role="agent")
    with app.test_request_context():
        demo.seed_all(session, local_today())
        Visit = __import__("portal.visits.models", fromlist=["Visit"]).Visit
        states = set(session.scalars(select(Visit.state)))
        open_per_loan = Counter(session.scalars(select(Visit.loan_id).where(Visit.state.in_(OPEN_STATES))))
    # one open visit per loan (one visit at a time): the open states the demo's two loans past their visit day show
    assert states == {"confirmed", "reschedule_requested", "cancelled", "completed", "missed"}
    assert set(open_per_loan.values()) == {1}
    client = app.test_client()
    assert "verify-yes" in client.post("/verify-visitor", data={"badge": DEMO_BADGE, "code": DEMO_CODE}).get_data(
        as_text=True)
