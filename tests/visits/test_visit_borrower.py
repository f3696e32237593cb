"""Borrower pages: list, detail, confirm, reschedule, remote, family consent, record answers; 404s and replays."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.orm import utcnow
from portal.visits.models import Visit, VisitAnswer, VisitDispute, VisitRecord
from tests.addresses import assert_no_dead_end
from tests.visits.conftest import local_today, window, workday

ACTIONS = [("confirm", {"confirm-version": "1"}),
           ("reschedule", {"resched-version": "1", "resched-slot": "x"}),
           ("remote", {"remote-version": "1", "remote-reason": "I work away"}),
           ("family", {"family-version": "1", "family-allowed": "no"}),
           ("record/confirm", {"record-version": "1"}),
           ("record/dispute", {"dispute-version": "1", "dispute-text": "wrong"})]


@pytest.fixture
def setup(create_borrower, create_loan, make_visit, login, client):
    borrower = create_borrower()
    loan = create_loan(borrower)
    visit = make_visit(loan)
    login(client, borrower)
    return borrower, loan, visit


def _get(session, visit_id):
    session.expire_all()
    return session.get(Visit, visit_id)


def test_list_and_detail_show_who_when_why_and_the_rules(client, setup):
    _, loan, visit = setup
    listing = client.get("/visits").get_data(as_text=True)
    assert f"/visits/{visit.id}" in listing and loan.loan_ref in listing
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    for text in ("刘强", "BJ1024", "周敏", "BJ1025", "核实地址", "ABC234", "北京市东城区"):
        assert text in page
    assert "赵磊" not in page  # not assigned
    assert "第39条" in page and "第1033条" in page and "GB/T 45251-2025" in page and "110" in page
    assert page.count("<h1") == 1


def test_confirm_then_replay_changes_nothing(client, setup, session):
    _, _, visit = setup
    first = client.post(f"/visits/{visit.id}/confirm", data={"confirm-version": str(visit.version)})
    assert first.status_code == 302
    assert _get(session, visit.id).state == "confirmed"
    version = _get(session, visit.id).version
    replay = client.post(f"/visits/{visit.id}/confirm", data={"confirm-version": str(visit.version)})
    assert replay.status_code == 302
    assert _get(session, visit.id).version == version
    assert session.scalar(select(func.count()).select_from(VisitAnswer)) == 1
    assert session.scalar(select(func.count()).where(AuditEvent.action == "visit.answer.confirm")) == 1


def _day_slots(page):
    import re

    return re.findall(r'name="resched-slot"[^>]*value="(\d{12})"', page) or \
        re.findall(r'value="(\d{12})"[^>]*name="resched-slot"', page)


def _first_slot(client, visit_id):
    """Every slot offered, day by day: the page first offers the days, then the slots of the chosen day."""
    import re

    page = client.get(f"/visits/{visit_id}").get_data(as_text=True)
    days = re.findall(r'<option value="(\d{8})"', page)
    return [key for day in days for key in _day_slots(client.get(f"/visits/{visit_id}?day={day}").get_data(
        as_text=True))]


def test_moving_a_visit_picks_a_day_then_a_time_of_that_day(client, setup):
    """Issue 13: no list of 42 radio buttons; without JavaScript a GET step picks the day."""
    import re

    _, _, visit = setup
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    days = re.findall(r'<option value="(\d{8})"', page)
    assert 10 <= len(days) <= 14 and _day_slots(page) == []
    chosen = client.get(f"/visits/{visit.id}?day={days[2]}").get_data(as_text=True)
    slots = _day_slots(chosen)
    assert 1 <= len(slots) <= 4 and all(key.startswith(days[2]) for key in slots)
    assert f'<option value="{days[2]}" selected>' in chosen and '<details class="answer-box" id="move" open>' in chosen
    assert _day_slots(client.get(f"/visits/{visit.id}?day=20000101").get_data(as_text=True)) == []


def test_reschedule_offers_slots_and_a_replay_counts_once(client, setup, session):
    _, _, visit = setup
    slots = _first_slot(client, visit.id)
    assert len(slots) > 10
    data = {"resched-version": str(visit.version), "resched-slot": slots[0]}
    assert client.post(f"/visits/{visit.id}/reschedule", data=data).status_code == 302
    client.post(f"/visits/{visit.id}/reschedule", data=data)
    fresh = _get(session, visit.id)
    assert fresh.state == "reschedule_requested" and fresh.reschedule_count == 1
    assert fresh.requested_start is not None


def test_reschedule_refuses_a_typed_time_and_keeps_the_page(client, setup, session):
    _, _, visit = setup
    response = client.post(f"/visits/{visit.id}/reschedule",
                           data={"resched-version": str(visit.version), "resched-slot": "202601010300"})
    assert response.status_code == 200
    assert "error-summary" in response.get_data(as_text=True)
    assert _get(session, visit.id).state == "proposed"


def test_reschedule_limit_is_enforced(app, client, setup, session):
    borrower, _, visit = setup
    offered = _first_slot(client, visit.id)
    assert offered  # slots are offered while reschedules are left
    stored = _get(session, visit.id)
    stored.reschedule_count = 2
    session.commit()
    assert _first_slot(client, visit.id) == []  # the page offers none once the limit is reached
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "视频" in page  # and points to a video check instead
    # The service refuses it too, even with a slot that was valid a moment ago (a stale page).
    from portal.visits import services

    with app.test_request_context():
        stored = _get(session, visit.id)
        try:
            services.request_reschedule(borrower, stored, stored.version, offered[0])
        except services.VisitError as refused:
            assert refused.codes == ["reschedule_limit"]
        else:
            raise AssertionError("a reschedule beyond the limit was accepted")
    session.rollback()
    assert _get(session, visit.id).reschedule_count == 2 and _get(session, visit.id).state == "proposed"


def test_remote_request_needs_a_reason(client, setup, session):
    _, _, visit = setup
    empty = client.post(f"/visits/{visit.id}/remote", data={"remote-version": str(visit.version),
                                                            "remote-reason": "  "})
    assert empty.status_code == 200 and "error-summary" in empty.get_data(as_text=True)
    ok = client.post(f"/visits/{visit.id}/remote", data={"remote-version": str(visit.version),
                                                         "remote-reason": "白天在外地上班"})
    assert ok.status_code == 302
    fresh = _get(session, visit.id)
    assert fresh.state == "remote_requested" and fresh.remote_reason == "白天在外地上班"


def test_family_consent_choice_is_saved_and_needs_a_choice(client, setup, session):
    _, _, visit = setup
    bad = client.post(f"/visits/{visit.id}/family", data={"family-version": str(visit.version)})
    assert bad.status_code == 200 and "error-summary" in bad.get_data(as_text=True)
    client.post(f"/visits/{visit.id}/family", data={"family-version": str(visit.version), "family-allowed": "yes"})
    assert _get(session, visit.id).family_contact_allowed is True


def test_a_cancelled_visit_cannot_be_confirmed(client, setup, session):
    _, _, visit = setup
    visit.state = "cancelled"
    session.commit()
    client.post(f"/visits/{visit.id}/confirm", data={"confirm-version": str(visit.version)})
    assert _get(session, visit.id).state == "cancelled"


def test_a_cancelled_visit_does_not_show_its_code(client, setup, session):
    """Nobody comes for a cancelled visit: its page does not show the code someone at the door could name."""
    _, _, visit = setup
    assert 'class="visit-code">ABC234<' in client.get(f"/visits/{visit.id}").get_data(as_text=True)
    _get(session, visit.id).state = "cancelled"
    session.commit()
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "ABC234" not in page and "核实码" not in page


def _with_record(session, visit, staff):
    session.add(VisitRecord(visit_id=visit.id, held=True, arrived_at=utcnow() - timedelta(hours=2),
                            departed_at=utcnow() - timedelta(hours=1), met="本人", identity_shown=True,
                            outcome="核实完毕", next_step="提交方案", recorded_by_id=staff.id))
    visit.state = "completed"
    session.commit()


def test_borrower_confirms_the_record(client, setup, session, create_staff):
    _, _, visit = setup
    _with_record(session, visit, create_staff())
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "核实完毕" in page and "提交方案" in page
    version = _get(session, visit.id).version
    client.post(f"/visits/{visit.id}/record/confirm", data={"record-version": str(version)})
    assert _get(session, visit.id).record_answer == "confirmed"


def test_borrower_disputes_the_record_once(client, setup, session, create_staff):
    _, _, visit = setup
    _with_record(session, visit, create_staff())
    version = _get(session, visit.id).version
    empty = client.post(f"/visits/{visit.id}/record/dispute", data={"dispute-version": str(version)})
    assert empty.status_code == 200 and "error-summary" in empty.get_data(as_text=True)
    data = {"dispute-version": str(version), "dispute-text": "没有人来过"}
    assert client.post(f"/visits/{visit.id}/record/dispute", data=data).status_code == 302
    client.post(f"/visits/{visit.id}/record/dispute", data=data)
    assert _get(session, visit.id).record_answer == "disputed"
    assert session.scalars(select(VisitDispute.text)).all() == ["没有人来过"]
    dispute = session.scalars(select(VisitDispute)).one()
    assert dispute.complaint_ref  # the complaints domain opened a linked complaint
    assert dispute.complaint_ref in client.get(f"/visits/{visit.id}").get_data(as_text=True)


@pytest.mark.parametrize(("path", "data"), ACTIONS)
def test_another_borrowers_visit_is_404(client, create_borrower, create_loan, make_visit, login, path, data):
    owner = create_borrower()
    visit = make_visit(create_loan(owner))
    login(client, create_borrower())
    assert client.get(f"/visits/{visit.id}").status_code == 404
    assert client.post(f"/visits/{visit.id}/{path}", data=data).status_code == 404


@pytest.mark.parametrize("path", ["/visits", "/visits/1"] + [f"/visits/1/{p}" for p, _ in ACTIONS])
def test_anonymous_is_sent_to_login(client, path):
    response = client.post(path) if path.count("/") > 2 else client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_staff_cannot_use_borrower_pages(client, create_staff, login):
    login(client, create_staff())
    assert "/login" in client.get("/visits").headers["Location"]


def test_csrf_is_required(client, setup, csrf_on, session):
    _, _, visit = setup
    assert client.post(f"/visits/{visit.id}/confirm", data={"confirm-version": "1"}).status_code == 400
    assert _get(session, visit.id).state == "proposed"


def test_the_visits_own_time_is_not_offered_as_a_new_time(client, create_borrower, create_loan, make_visit, login,
                                                          session):
    from portal.visits import rules

    me = create_borrower()
    login(client, me)
    start = window(workday(2), 9, 3)  # a visit in one of the slots the borrower could otherwise pick
    visit = make_visit(create_loan(me), when=start)
    keys = _first_slot(client, visit.id)
    assert keys and rules.slot_key(start[0], start[0].tzinfo) not in keys


def test_after_a_reschedule_or_a_video_request_the_headline_says_what_was_asked_and_what_next(client, setup,
                                                                                          session):
    _, _, visit = setup
    slot = _first_slot(client, visit.id)[0]
    client.post(f"/visits/{visit.id}/reschedule", data={"resched-version": str(visit.version), "resched-slot": slot})
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    headline = page.split('id="visit-headline"', 1)[1].split("</p>", 1)[0]
    assert "您已申请把上门核实改到" in headline and f"{int(slot[10:12]):02d}" in headline
    assert "工作人员会通过短信和本页面确认新的时间。在此之前，原定时间" in page
    fresh = _get(session, visit.id)
    client.post(f"/visits/{visit.id}/remote", data={"remote-version": str(fresh.version), "remote-reason": "上班"})
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "您已申请以视频核实代替" in page and "贷款机构也可能不同意" in page


def test_a_past_visit_no_longer_says_who_will_come(client, create_borrower, create_loan, make_visit, login):
    from datetime import timedelta

    me = create_borrower()
    login(client, me)
    when = window(local_today() - timedelta(days=3), 10)
    visit = make_visit(create_loan(me), state="completed", when=when)
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "上门核实已于" in page and "核实人员" in page
    assert "说不出来的，请不要开门" not in page and "谁会上门" not in page
    upcoming = make_visit(create_loan(me), when=window(workday(5), 10), code="XYZ789")
    page = client.get(f"/visits/{upcoming.id}").get_data(as_text=True)
    assert "说不出来的，请不要开门" in page


def test_a_refused_answer_leaves_no_dead_end(client, setup):
    """A video-call request without a reason or a family choice left empty are shown at their POST-only
    addresses: the language switch, a reload from the address bar or the history lead to the visit's page."""
    _, _, visit = setup
    page = f"/visits/{visit.id}"
    for action, data in [("remote", {"remote-version": str(visit.version), "remote-reason": "  "}),
                         ("family", {"family-version": str(visit.version)})]:
        refused = client.post(f"{page}/{action}", data=data)
        assert refused.status_code == 200 and "error-summary" in refused.get_data(as_text=True), action
        assert_no_dead_end(client, refused, f"{page}/{action}", page)
    for action in ("confirm", "reschedule", "record/confirm", "record/dispute"):
        assert client.get(f"{page}/{action}").headers["Location"] == page
