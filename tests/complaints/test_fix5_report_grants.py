"""Fix 5: access to a third-party report is a server-side grant: "leave" revokes it (a copied cookie stops
working) and it expires."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from portal.complaints.models import ReportGrant
from portal.orm import utcnow


def _open(client, complaint):
    response = client.post("/report/status", data={"action": "lookup", "reference": complaint.reference,
                                                   "secret": complaint.secret})
    assert response.status_code == 302
    return complaint


def _copy_cookie(source, target) -> None:
    cookie = source.get_cookie("portal_session")
    target.set_cookie("portal_session", cookie.value)


def test_fix5_leave_revokes_the_grant_so_a_copied_cookie_stops_working(app, client, make_complaint, session):
    complaint = _open(client, make_complaint())
    thief = app.test_client()
    _copy_cookie(client, thief)  # the session cookie copied before leaving
    assert complaint.what_happened in thief.get("/report/status").get_data(as_text=True)
    client.post("/report/status", data={"action": "leave"})
    assert complaint.what_happened not in thief.get("/report/status").get_data(as_text=True)
    assert thief.get("/report/export").status_code == 404
    assert session.scalar(select(func.count()).select_from(ReportGrant)) == 0


def test_fix5_the_cookie_holds_no_reference(client, make_complaint):
    complaint = _open(client, make_complaint())
    with client.session_transaction() as s:
        assert complaint.reference not in str(dict(s))


def test_fix5_a_grant_expires(app, client, make_complaint, session):
    complaint = _open(client, make_complaint())
    assert app.config["REPORT_GRANT_MINUTES"] == 60
    session.execute(update(ReportGrant).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert complaint.what_happened not in client.get("/report/status").get_data(as_text=True)
    assert client.get("/report/export").status_code == 404


def test_fix5_a_forged_session_value_opens_nothing(client, make_complaint):
    complaint = make_complaint()
    with client.session_transaction() as s:
        s["report_grant"] = complaint.reference  # what the cookie used to hold
    assert complaint.what_happened not in client.get("/report/status").get_data(as_text=True)


def test_fix5_expired_grants_are_deleted(app, client, make_complaint, session):
    from portal.complaints import grants

    _open(client, make_complaint())
    session.execute(update(ReportGrant).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    with app.test_request_context():
        assert grants.delete_expired() == 1
        session.commit()
    assert session.scalar(select(func.count()).select_from(ReportGrant)) == 0
