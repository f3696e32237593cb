"""Each borrower and staff action emits exactly its event, with the minimum data (PIPL Art. 6); a refused or
rolled-back action emits nothing."""
from __future__ import annotations

import re
from datetime import date

import pytest

from portal.extensions import db
from portal.plans import rules as plan_rules
from portal.plans import services as plan_services
from portal.plans.models import PlanProposal
from portal.visits.models import Visit, VisitRecord
from portal.orm import utcnow
from tests.plans.conftest import BUDGET, overdue_loan, propose  # noqa: F401 (fixtures)
from tests.visits.conftest import make_visit, roster  # noqa: F401 (fixtures)


def _one(events, type):
    assert [e.type for e in events] == [type]
    return events[0]


@pytest.fixture
def borrower(create_borrower, client, login):
    b = create_borrower(name="陈美玲")
    login(client, b)
    return b


def _staff(app, login, user):
    c = app.test_client()
    login(c, user)
    return c


def _plan(session, pid) -> PlanProposal:
    session.expire_all()
    return session.get(PlanProposal, pid)


def test_plan_submitted_then_approved(app, client, borrower, overdue_loan, propose, new_events, create_staff,
                                      login, session):
    loan = overdue_loan(borrower)
    new_events()
    p = propose(loan, budget=dict(BUDGET, hardship_detail="公司裁员"))
    sent = _one(new_events(), "plan.submitted")
    assert sent.loan_ref == loan.loan_ref and sent.borrower_id == borrower.id
    assert sent.data["plan"] == p.id and sent.data["state"] == "submitted" and sent.data["kind"] == "instalments"
    assert sent.data["months"] == 6 and sent.data["instalments"] == 6 and re.fullmatch(r"\d+\.\d\d", sent.data["total"])
    assert "公司裁员" not in str(sent.data) and "6000" not in str(sent.data)  # no budget, no hardship text

    boss = _staff(app, login, create_staff(role="supervisor"))
    p = _plan(session, p.id)
    boss.post(f"/staff/plans/{p.id}/approve", data={"approve-version": p.version})
    approved = _one(new_events(), "plan.approved")
    assert approved.data["in_force"] is True and approved.data["state"] == "approved"
    assert len(approved.data["schedule"]) == 6
    assert sum(int(x["amount"].replace(".", "")) for x in approved.data["schedule"]) == \
        int(approved.data["total"].replace(".", ""))


def test_plan_declined_carries_the_reason_code_not_the_note(app, client, borrower, overdue_loan, propose,
                                                            new_events, create_staff, login, session):
    p = propose(overdue_loan(borrower))
    new_events()
    agent = _staff(app, login, create_staff(role="agent"))
    agent.post(f"/staff/plans/{p.id}/decline", data={"decline-version": _plan(session, p.id).version,
                                                     "decline-reason": "outside_policy", "decline-note": "不符合"})
    declined = _one(new_events(), "plan.declined")
    assert declined.data == {"plan": p.id, "state": "declined", "reason": "outside_policy"}


def test_counter_offer_then_borrower_agrees(client, borrower, overdue_loan, propose, new_events, create_staff,
                                            session, app):
    loan = overdue_loan(borrower)
    p = propose(loan)
    boss = create_staff(role="supervisor")
    new_events()
    with app.test_request_context():
        p = _plan(session, p.id)
        terms = plan_rules.Terms.of("instalments", 12)
        plan_services.counter(p, boss, p.version, terms, plan_services.preview(loan, terms, None, date.today()))
        db.session.commit()
    countered = _one(new_events(), "plan.countered")
    assert countered.data["months"] == 12 and countered.data["in_force"] is False
    assert len(countered.data["schedule"]) == 12
    client.post(f"/plans/{p.id}/accept", data={"version": _plan(session, p.id).version})
    agreed = _one(new_events(), "plan.agreed")
    assert agreed.data["state"] == "accepted" and agreed.data["in_force"] is True
    assert agreed.data["schedule"] == countered.data["schedule"]


def test_withdrawn_and_a_stale_withdrawal_emits_nothing(client, borrower, overdue_loan, propose, new_events,
                                                        session):
    p = propose(overdue_loan(borrower))
    new_events()
    client.post(f"/plans/{p.id}/withdraw", data={"version": p.version + 5})  # stale: refused
    assert new_events() == []
    client.post(f"/plans/{p.id}/withdraw", data={"version": _plan(session, p.id).version})
    withdrawn = _one(new_events(), "plan.withdrawn")
    assert withdrawn.data["previous_state"] == "submitted" and withdrawn.data["state"] == "withdrawn"


# ---- visits ------------------------------------------------------------------------------------------------

@pytest.fixture
def visit_setup(create_loan, borrower, make_visit, roster):
    loan = create_loan(borrower)
    return loan, make_visit(loan)


def _visit(session, vid) -> Visit:
    session.expire_all()
    return session.get(Visit, vid)


def test_visit_confirmed(client, visit_setup, new_events):
    loan, visit = visit_setup
    new_events()
    client.post(f"/visits/{visit.id}/confirm", data={"confirm-version": str(visit.version)})
    confirmed = _one(new_events(), "visit.confirmed")
    assert confirmed.loan_ref == loan.loan_ref and confirmed.data["visit"] == visit.id
    assert confirmed.data["state"] == "confirmed" and "北京" not in str(confirmed.data)  # no address


def test_visit_reschedule_requested(client, visit_setup, new_events, session):
    _, visit = visit_setup
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    day = re.findall(r'<option value="(\d{8})"', page)[0]
    slot = re.findall(r'name="resched-slot"[^>]*value="([^"]+)"',
                      client.get(f"/visits/{visit.id}?day={day}").get_data(as_text=True))[0]
    new_events()
    client.post(f"/visits/{visit.id}/reschedule", data={"resched-version": str(visit.version), "resched-slot": slot})
    asked = _one(new_events(), "visit.reschedule_requested")
    fresh = _visit(session, visit.id)
    assert asked.data["requested_start"] == fresh.requested_start.isoformat()


def test_visit_remote_requested_without_the_reason(client, visit_setup, new_events):
    _, visit = visit_setup
    new_events()
    client.post(f"/visits/{visit.id}/remote", data={"remote-version": str(visit.version),
                                                    "remote-reason": "白天在外地上班"})
    asked = _one(new_events(), "visit.remote_requested")
    assert asked.data["state"] == "remote_requested" and "外地" not in str(asked.data)


def test_family_consent_for_a_visit_emits_once_per_change(client, visit_setup, new_events, session):
    _, visit = visit_setup
    new_events()
    client.post(f"/visits/{visit.id}/family", data={"family-version": str(visit.version), "family-allowed": "no"})
    changed = _one(new_events(), "consent.changed")
    assert changed.data == {"consent": "family_contact", "scope": "visit", "visit": visit.id, "given": False}
    client.post(f"/visits/{visit.id}/family", data={"family-version": str(_visit(session, visit.id).version),
                                                    "family-allowed": "no"})
    assert new_events() == []  # the same answer again changes nothing


def _recorded(session, visit, staff):
    visit = _visit(session, visit.id)
    now = utcnow()
    visit.record = VisitRecord(held=True, arrived_at=now, departed_at=now, met="borrower", identity_shown=True,
                               outcome="核实完毕", next_step="提交方案", recorded_by_id=staff.id)
    visit.state = "completed"
    session.commit()
    return visit


def test_visit_record_confirmed(client, visit_setup, new_events, session, create_staff):
    _, visit = visit_setup
    visit = _recorded(session, visit, create_staff())
    new_events()
    client.post(f"/visits/{visit.id}/record/confirm", data={"record-version": str(visit.version)})
    answer = _one(new_events(), "visit.record_confirmed")
    assert answer.data == {"visit": visit.id, "held": True, "answer": "confirmed", "complaint": None}


def test_visit_record_disputed_opens_a_complaint_and_sends_no_text(client, visit_setup, new_events, session,
                                                                   create_staff):
    loan, visit = visit_setup
    visit = _recorded(session, visit, create_staff())
    new_events()
    client.post(f"/visits/{visit.id}/record/dispute", data={"dispute-version": str(visit.version),
                                                            "dispute-text": "没有人来过"})
    events = new_events()
    assert [e.type for e in events] == ["complaint.filed", "visit.record_disputed"]
    filed, disputed = events
    assert disputed.data["complaint"] == filed.data["complaint"] and filed.data["visit"] == visit.id
    assert filed.loan_ref == disputed.loan_ref == loan.loan_ref
    assert "没有人来过" not in str(filed.data) + str(disputed.data)


# ---- the account's consent ---------------------------------------------------------------------------------

def test_account_family_consent_emits_one_event_per_loan(client, borrower, create_loan, new_events):
    refs = sorted(create_loan(borrower).loan_ref for _ in range(2))
    new_events()
    form = {"prefs-locale": "zh_Hans", "prefs-preferred_contact": "sms", "prefs-family_contact_consent": "y",
            "prefs-submit": "1"}
    client.post("/settings", data=form)
    events = new_events()
    assert [e.type for e in events] == ["consent.changed"] * 2
    assert sorted(e.loan_ref for e in events) == refs
    assert events[0].data == {"consent": "family_contact", "scope": "account", "visit": None, "given": True}
    client.post("/settings", data=form)
    assert new_events() == []  # nothing changed
