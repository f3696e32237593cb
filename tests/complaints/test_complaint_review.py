"""'Not satisfied' asks why and opens a review request: 30 days from when the decision was SHOWN (design §6)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.complaints import rules
from portal.complaints.models import Complaint
from portal.orm import utcnow


def test_the_review_window_is_30_days_from_the_day_the_decision_was_shown():
    shown = date(2026, 3, 1)
    assert rules.review_until(shown) == date(2026, 3, 31)
    assert rules.can_request_review(shown, shown)
    assert rules.can_request_review(shown, shown + timedelta(days=30))  # day 30: still on time
    assert not rules.can_request_review(shown, shown + timedelta(days=31))  # day 31: too late
    assert rules.can_request_review(None, date(2030, 1, 1))  # never shown: the 30 days have not started


def test_a_review_request_needs_a_reason_and_an_open_window():
    shown = date(2026, 3, 1)
    rules.check_review_request(rules.RESOLVED, None, shown, shown + timedelta(days=30), "理由")
    for args, code in (((rules.RESOLVED, None, shown, shown, "  "), "reason_required"),
                       ((rules.RESOLVED, None, shown, shown, "字" * 2001), "reason_too_long"),
                       ((rules.RESOLVED, None, shown, shown + timedelta(days=31), "理由"), "review_too_late"),
                       ((rules.INVESTIGATING, None, shown, shown, "理由"), "respond"),
                       ((rules.RESOLVED, rules.ACCEPTED, shown, shown, "理由"), "respond")):
        with pytest.raises(rules.RuleError) as error:
            rules.check_review_request(*args)
        assert error.value.code == code


def _decide(session, complaint, days_ago=0):
    stored = session.get(Complaint, complaint.id)
    stored.state, stored.outcome_category, stored.outcome_explanation = "not_upheld", "not_upheld_lawful", "合规"
    stored.decided_at = utcnow() - timedelta(days=days_ago)
    session.commit()
    return stored


def _reload(session, complaint) -> Complaint:
    session.expire_all()
    return session.get(Complaint, complaint.id)


def _actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_first_view_of_the_decision_starts_the_30_days(client, login, create_borrower, make_complaint, session):
    me = create_borrower()
    complaint = make_complaint(me)
    login(client, me)
    url = f"/complaints/{complaint.reference}"
    client.get(url)
    assert _reload(session, complaint).decision_seen_at is None  # no decision yet: nothing was shown
    _decide(session, complaint, days_ago=40)  # decided long ago, but never shown
    page = client.get(url).get_data(as_text=True)
    first = _reload(session, complaint).decision_seen_at
    assert first is not None and utcnow() - first < timedelta(minutes=1)
    assert 'name="reason"' in page  # 40 days after the decision, the review can still be asked for
    client.get(url)
    assert _reload(session, complaint).decision_seen_at == first  # the FIRST view counts


@pytest.mark.parametrize("seen_days_ago, allowed", [(30, True), (31, False)])
def test_not_satisfied_is_refused_after_30_days_from_when_it_was_shown(client, login, create_borrower, make_complaint,
                                                                       session, seen_days_ago, allowed):
    me = create_borrower()
    complaint = make_complaint(me)
    stored = _decide(session, complaint, days_ago=45)
    stored.decision_seen_at = utcnow() - timedelta(days=seen_days_ago)
    session.commit()
    login(client, me)
    url = f"/complaints/{complaint.reference}"
    page = client.get(url).get_data(as_text=True)
    assert ('name="reason"' in page) is allowed
    response = client.post(url, data={"action": "respond", "response": "not_satisfied", "reason": "没有听录音"})
    stored = _reload(session, complaint)
    if allowed:
        assert response.status_code == 302 and stored.response == "not_satisfied"
        assert stored.review_reason == "没有听录音" and "complaint.not_satisfied" in _actions(session)
    else:
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and stored.response is None and stored.review_requested_at is None
        assert 'id="reason-error"' in text and "没有听录音" in text  # the error next to the field, text kept


def test_a_too_long_reason_is_answered_next_to_the_field_keeping_it(client, login, create_borrower, make_complaint,
                                                                    session):
    me = create_borrower()
    complaint = make_complaint(me)
    _decide(session, complaint)
    login(client, me)
    url = f"/complaints/{complaint.reference}"
    client.get(url)
    typed = "长" * 2001
    response = client.post(url, data={"action": "respond", "response": "not_satisfied", "reason": typed})
    assert response.status_code == 200 and 'id="reason-error"' in response.get_data(as_text=True)
    assert typed in response.get_data(as_text=True) and _reload(session, complaint).response is None


def test_staff_answer_the_review_and_the_complainant_reads_it(app, client, login, create_borrower, create_staff,
                                                              make_complaint, session):
    me = create_borrower()
    complaint = make_complaint(me)
    _decide(session, complaint)
    login(client, me)
    url = f"/complaints/{complaint.reference}"
    client.get(url)
    client.post(url, data={"action": "respond", "response": "not_satisfied", "reason": "请重新听电话录音"})
    page = client.get(url).get_data(as_text=True)
    assert 'id="review-status"' in page and "请重新听电话录音" in page and 'name="reason"' not in page

    staff = app.test_client()
    login(staff, create_staff(role="agent"))
    home = staff.get("/staff/").get_data(as_text=True)
    assert complaint.reference in home
    staff_url = f"/staff/complaints/{complaint.reference}"
    detail = staff.get(staff_url).get_data(as_text=True)
    assert 'id="review-title"' in detail and "请重新听电话录音" in detail and 'value="review"' in detail
    # a reply is not an answer to the review: it still waits
    version = _reload(session, complaint).version
    staff.post(staff_url, data={"action": "reply", "reply-body": "收到", "reply-version": version})
    assert complaint.reference in staff.get("/staff/").get_data(as_text=True)
    # the answer is required
    version = _reload(session, complaint).version
    empty = staff.post(staff_url, data={"action": "review", "review-body": " ", "review-version": version})
    assert empty.status_code == 200 and _reload(session, complaint).review_answered_at is None
    answered = staff.post(staff_url, data={"action": "review", "review-body": "我们重听了录音，维持原决定。",
                                           "review-version": version})
    assert answered.status_code == 302
    stored = _reload(session, complaint)
    assert stored.review_answer == "我们重听了录音，维持原决定。" and stored.review_answered_by_id is not None
    assert "complaint.review_answered" in _actions(session)
    assert complaint.reference not in staff.get("/staff/").get_data(as_text=True)
    assert 'value="review"' not in staff.get(staff_url).get_data(as_text=True)  # answered once
    page = client.get(url).get_data(as_text=True)
    assert "我们重听了录音，维持原决定。" in page and 'id="review-answer"' in page


def test_another_borrower_cannot_see_or_answer(client, login, create_borrower, make_complaint, session):
    complaint = make_complaint(create_borrower())
    _decide(session, complaint)
    login(client, create_borrower())
    url = f"/complaints/{complaint.reference}"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"action": "respond", "response": "not_satisfied",
                                  "reason": "x"}).status_code == 404
    stored = _reload(session, complaint)
    assert stored.decision_seen_at is None and stored.response is None


def test_the_third_party_reporter_asks_for_a_review(client, make_complaint, session):
    complaint = make_complaint()
    _decide(session, complaint)
    client.post("/report/status", data={"action": "lookup", "reference": complaint.reference,
                                        "secret": complaint.secret})
    page = client.get("/report/status").get_data(as_text=True)
    assert _reload(session, complaint).decision_seen_at is not None and 'name="reason"' in page
    client.post("/report/status", data={"action": "respond", "response": "not_satisfied", "reason": "家人仍被骚扰"})
    stored = _reload(session, complaint)
    assert stored.response == "not_satisfied" and stored.review_reason == "家人仍被骚扰"
    assert 'id="review-status"' in client.get("/report/status").get_data(as_text=True)
