"""Staff answer a request for remote verification: record the video check, or keep the visit and say why."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.orm import utcnow
from portal.visits.models import Visit
from tests.addresses import assert_no_dead_end
from tests.visits.conftest import window


def _staff_page(client, visit_id):
    return client.get(f"/staff/visits/{visit_id}").get_data(as_text=True)


def test_staff_keep_the_visit_with_a_reason_the_borrower_reads(client, app, create_borrower, create_loan,
                                                                create_staff, login, make_visit, session, outbox):
    me = create_borrower()
    visit = make_visit(create_loan(me), state="remote_requested", remote_reason="白天要上班")
    login(client, create_staff())
    assert "decline-remote" in _staff_page(client, visit.id)
    client.post(f"/staff/visits/{visit.id}/decline-remote",
                data={"decline-version": str(visit.version), "decline-reason": "需要核实住址，无法视频完成"})
    stored = session.get(Visit, visit.id)
    session.refresh(stored)
    assert stored.state == "proposed"
    assert outbox() and outbox()[-1]["to"] == me.phone
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "visit.remote_declined"))
    borrower = app.test_client()
    login(borrower, me)
    assert "需要核实住址，无法视频完成" in borrower.get(f"/visits/{visit.id}").get_data(as_text=True)


def test_a_reason_is_required_and_a_replay_changes_nothing(client, create_borrower, create_loan, create_staff,
                                                           login, make_visit, session, outbox):
    visit = make_visit(create_loan(create_borrower()), state="remote_requested", remote_reason="白天要上班")
    login(client, create_staff())
    url = f"/staff/visits/{visit.id}/decline-remote"
    page = client.post(url, data={"decline-version": str(visit.version), "decline-reason": ""})
    assert 'id="decline-reason-error"' in page.get_data(as_text=True)
    data = {"decline-version": str(visit.version), "decline-reason": "无法视频"}
    client.post(url, data=data)
    client.post(url, data=data)
    assert len(outbox()) == 1


def test_the_video_check_is_recorded_as_the_visit_with_method_video(client, create_borrower, create_loan,
                                                                   create_staff, login, make_visit, session):
    start, end = window(utcnow().date() - timedelta(days=1), 10)
    visit = make_visit(create_loan(create_borrower()), state="remote_requested", remote_reason="白天要上班",
                       when=(start, end))
    login(client, create_staff())
    assert "record-held" in _staff_page(client, visit.id)
    client.post(f"/staff/visits/{visit.id}/record", data={
        "record-version": str(visit.version), "record-held": "yes", "record-arrived": "10:00",
        "record-departed": "10:20", "record-met": "借款人本人（视频）", "record-identity_shown": "yes",
        "record-outcome": "已视频核实住址", "record-next_step": "无"})
    stored = session.get(Visit, visit.id)
    session.refresh(stored)
    assert stored.state == "completed" and stored.record is not None
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "visit.recorded"))
    assert '"method": "video"' in event.detail


def test_a_departure_in_the_future_is_refused(app, create_borrower, create_loan, create_staff, make_visit, session):
    import pytest

    from portal.visits import services

    now = utcnow()
    visit = make_visit(create_loan(create_borrower()), state="confirmed",
                       when=(now - timedelta(hours=1), now + timedelta(hours=1)))
    staff = create_staff()
    with app.test_request_context():
        with pytest.raises(services.VisitError) as refused:
            services.record_visit(staff, session.get(Visit, visit.id), visit.version, held=True,
                                  arrived_at=now - timedelta(minutes=30), departed_at=now + timedelta(hours=1),
                                  met="本人", identity_shown=True, outcome="x", next_step="y")
    assert refused.value.codes == ["departure"]
    session.rollback()


def test_refused_staff_answers_leave_no_dead_end(client, create_borrower, create_loan, create_staff, login,
                                                  make_visit):
    """A "decline video call" without a reason, a note without text, a cancellation without a reason and a record
    left empty are shown at their POST-only addresses: the language switch, a reload from the address bar or the
    history lead to the visit's page, not to a 405."""
    visit = make_visit(create_loan(create_borrower()), state="remote_requested", remote_reason="白天要上班")
    login(client, create_staff())
    page = f"/staff/visits/{visit.id}"
    for action, data in [("decline-remote", {"decline-version": str(visit.version), "decline-reason": ""}),
                         ("note", {"note-text": ""}),
                         ("cancel", {"cancel-version": str(visit.version)}),
                         ("record", {"record-version": str(visit.version)})]:
        refused = client.post(f"{page}/{action}", data=data)
        assert refused.status_code == 200 and "error-summary" in refused.get_data(as_text=True), action
        assert_no_dead_end(client, refused, f"{page}/{action}", page)
    assert client.get(f"{page}/schedule").headers["Location"] == page
