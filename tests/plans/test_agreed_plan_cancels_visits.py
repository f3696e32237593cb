"""An agreed plan replaces the contract's steps for unpaid instalments, a visit among them: approving a plan or
accepting a counter-offer cancels the loan's visits that have not taken place, in the same transaction, with a
reason the borrower reads, and the visitor check answers no for their codes."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.visits.models import Visit, Visitor, VisitRecord
from portal.visits.rules import is_public_holiday

from .conftest import BUDGET, text
from .test_staff import fresh, staff_client


def _local(day: date, hour: int) -> datetime:
    from portal.i18n import lender_tz

    return datetime.combine(day, time(hour), tzinfo=lender_tz())


def _today() -> date:
    from portal.i18n import lender_tz

    return datetime.now(lender_tz()).date()


def _workday(offset: int) -> date:
    day = _today() + timedelta(days=offset)
    while is_public_holiday(day):
        day += timedelta(days=1)
    return day


@pytest.fixture
def scene(client, create_borrower, create_loan, login, overdue_loan, propose, session):
    """陳美玲 with a sent plan on one loan; that loan has open visits (one today, late enough in the day to be
    still ahead whenever the test runs) and one that took place; another of her loans has its own open visit."""
    borrower = create_borrower(name="陳美玲", locale="zh_Hant")
    loan, other = overdue_loan(borrower), overdue_loan(borrower)
    team = [Visitor(name="刘强", badge_number="BJ1024"), Visitor(name="周敏", badge_number="BJ1025")]
    session.add_all(team)
    now = datetime.now(timezone.utc)

    def visit(of, state, start, end, code, **kw):
        v = Visit(loan_id=of.id, address="北京市", window_start=start, window_end=end, purpose="核实地址",
                  state=state, code=code, visitors=team, **kw)
        session.add(v)
        return v

    today = visit(loan, "confirmed", now - timedelta(minutes=5), now + timedelta(hours=2), "TDAY22")
    proposed = visit(loan, "proposed", _local(_workday(6), 10), _local(_workday(6), 13), "PRPS22")
    moving = visit(loan, "reschedule_requested", _local(_workday(4), 9), _local(_workday(4), 12), "MOVE22",
                   requested_start=_local(_workday(8), 15), requested_end=_local(_workday(8), 18),
                   reschedule_count=1)
    video = visit(loan, "remote_requested", _local(_workday(12), 9), _local(_workday(12), 12), "VIDE22",
                  remote_reason="白天上班")
    done = visit(loan, "completed", now - timedelta(days=3, hours=2), now - timedelta(days=3), "DONE22")
    elsewhere = visit(other, "proposed", _local(_workday(7), 10), _local(_workday(7), 13), "ELSE22")
    session.flush()
    staff = __import__("portal.accounts.services", fromlist=["create_staff"]).create_staff(
        "recorder", "agent", "irrelevant-pass-2026")
    session.add(VisitRecord(visit_id=done.id, held=True, arrived_at=done.window_start, departed_at=done.window_end,
                            met="本人", identity_shown=True, outcome="核实", next_step="无", recorded_by_id=staff.id))
    session.commit()
    login(client, borrower)
    p = propose(loan, budget=dict(BUDGET, hardship_detail="公司裁員"))
    client.post("/logout")
    ids = {"open": [today.id, proposed.id, moving.id, video.id], "done": done.id, "elsewhere": elsewhere.id}
    return fresh(p), ids


def _states(ids) -> dict[int, str]:
    db.session.remove()
    return {i: s for i, s in db.session.execute(select(Visit.id, Visit.state))}


def _assert_cancelled_for_the_plan(app, client, login, p, ids, actor_kind):
    states = _states(ids)
    assert [states[i] for i in ids["open"]] == ["cancelled"] * 4
    assert states[ids["done"]] == "completed" and states[ids["elsewhere"]] == "proposed"
    audits = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "visit.cancelled")).all()
    assert sorted(int(a.object_id) for a in audits) == sorted(ids["open"])
    assert {a.actor_kind for a in audits} == {actor_kind}
    assert all(json.loads(a.detail)["plan"] == p.id for a in audits)
    # the borrower reads the cancelled state and why, and is not asked to answer any more
    login(client, fresh(p).borrower)
    page = text(client.get(f"/visits/{ids['open'][1]}"))
    assert "已取消" in page and f"借款 {p.loan.loan_ref} 的還款方案已達成" in page
    assert "等待您的答覆" not in page and "PRPS22" not in page
    home = text(client.get("/"))
    assert f"/visits/{ids['open'][1]}" not in home and f"/visits/{ids['elsewhere']}" in home
    # nobody is confirmed at the door for those codes any more
    for code in ("TDAY22", "PRPS22"):
        check = text(client.post("/verify-visitor", data={"badge": "BJ1024", "code": code}))
        assert "verify-no" in check and "verify-yes" not in check


def test_approving_a_plan_cancels_the_loans_visits_that_have_not_taken_place(app, login, create_staff, scene,
                                                                             client, outbox):
    p, ids = scene
    boss = staff_client(app, login, create_staff(role="supervisor"))
    assert boss.post(f"/staff/plans/{p.id}/approve", data={"approve-version": p.version}).status_code == 302
    assert fresh(p).state == "approved"
    _assert_cancelled_for_the_plan(app, client, login, p, ids, "staff")
    sms = [m["text"] for m in outbox()]
    assert sum("取消" in m for m in sms) == 4  # each cancelled visit's SMS, as staff cancelling one sends
    staff_page = text(boss.get(f"/staff/visits/{ids['open'][0]}"))
    assert "還款方案已達成" in staff_page


def test_accepting_a_counter_offer_cancels_the_loans_visits_that_have_not_taken_place(app, login, create_staff,
                                                                                      scene, client):
    p, ids = scene
    boss = staff_client(app, login, create_staff(role="supervisor"))
    data = {"counter-version": p.version, "counter-kind": "instalments", "counter-months": "12", "send": "0"}
    digest = text(boss.post(f"/staff/plans/{p.id}/counter", data=data)).split('name="digest" value="')[1].split('"')[0]
    assert boss.post(f"/staff/plans/{p.id}/counter", data=dict(data, send="1", digest=digest)).status_code == 302
    assert _states(ids)[ids["open"][1]] == "proposed"  # an offer alone changes no visit
    p = fresh(p)
    login(client, p.borrower)
    assert client.post(f"/plans/{p.id}/accept", data={"version": p.version}).status_code == 302
    assert fresh(p).state == "accepted"
    _assert_cancelled_for_the_plan(app, client, login, p, ids, "system")
