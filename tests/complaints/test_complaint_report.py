"""Third-party reports: no account, reference + secret shown once, status reveals nothing without the secret."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.complaints.models import Complaint
from tests.complaints.conftest import issued_token, report_data, with_files
from tests.uploads.samples import png


def test_family_member_reports_and_sees_the_secret_once(client, session):
    response = client.post("/report", data=with_files(report_data(token=issued_token(client)), (png(), "wechat.png")),
                           content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith("/report/done")
    page = client.get("/report/done").get_data(as_text=True)
    reference = re.search(r'id="reference">([^<]+)<', page).group(1)
    secret = re.search(r'id="secret">([^<]+)<', page).group(1)
    complaint = session.scalar(select(Complaint))
    assert complaint.reference == reference and complaint.borrower_id is None
    assert complaint.reporter_relation == "parent" and complaint.contact_phone == "13700137000"
    assert secret not in (complaint.secret_hash or "")
    assert client.get("/report/done").status_code == 302  # shown once only
    assert 'id="secret"' not in client.get("/report/done").get_data(as_text=True)  # never again

    other = client.application.test_client()
    assert "lookup" in other.get("/report/status").get_data(as_text=True)
    response = other.post("/report/status", data={"action": "lookup", "reference": reference.lower(),
                                                    "secret": secret.lower().replace("-", " ")})
    assert response.status_code == 302
    page = other.get("/report/status").get_data(as_text=True)
    complaint = session.scalar(select(Complaint))
    assert reference in page and "他半夜打电话给我母亲" in page and complaint.evidence[0].sha256 in page
    assert other.get("/report/export").status_code == 200
    other.post("/report/status", data={"action": "follow_up", "body": "他今天又来了"})
    session.expire_all()
    assert session.get(Complaint, complaint.id).messages[-1].body == "他今天又来了"


def test_wrong_secret_and_unknown_reference_answer_the_same(client, make_complaint, session):
    complaint = make_complaint()
    wrong = client.post("/report/status", data={"action": "lookup", "reference": complaint.reference,
                                                "secret": "AAAA-BBBB-CCCC-DDDD"})
    unknown = client.post("/report/status", data={"action": "lookup", "reference": "TS-20990101-0001",
                                                  "secret": "AAAA-BBBB-CCCC-DDDD"})
    assert wrong.status_code == unknown.status_code == 200
    strip = lambda r: re.sub(r'name="csrf_token"[^>]*>|value="[^"]*"', "", r.get_data(as_text=True))  # noqa: E731
    assert strip(wrong) == strip(unknown)
    assert complaint.what_happened not in wrong.get_data(as_text=True)
    assert client.get("/report/export").status_code == 404


def test_a_borrowers_complaint_cannot_be_opened_as_a_report(client, make_complaint, create_borrower, session):
    from portal.complaints import services

    complaint = make_complaint(create_borrower())
    # Even a hash that matched could not open it: give the borrower's complaint a known secret hash.
    stored = session.get(Complaint, complaint.id)
    stored.secret_hash = services._secret_hash("ABCD-EFGH-JKLM-NPQR")
    session.commit()
    response = client.post("/report/status", data={"action": "lookup", "reference": complaint.reference,
                                                   "secret": "ABCD-EFGH-JKLM-NPQR"})
    assert response.status_code == 200 and complaint.what_happened not in response.get_data(as_text=True)
    assert client.get("/report/export").status_code == 404


def test_status_lookups_are_rate_limited(client, make_complaint):
    complaint = make_complaint()
    codes = [client.post("/report/status", data={"action": "lookup", "reference": complaint.reference,
                                                 "secret": f"WRONG-{i}"}).status_code for i in range(12)]
    assert codes[-1] == 429 and 200 in codes


def test_report_bad_input_keeps_what_was_typed(client, session):
    for over, field in [({"contact_phone": "12345"}, "contact_phone"), ({"reporter_relation": ""}, "reporter_relation"),
                        ({"reporter_name": ""}, "reporter_name"), ({"preferred_contact": "portal"}, "preferred_contact")]:
        page = client.post("/report", data=report_data(token=issued_token(client), **over)).get_data(as_text=True)
        assert f'id="{field}-error"' in page and "他半夜打电话给我母亲" in page, field
    assert session.scalar(select(func.count()).select_from(Complaint)) == 0


def test_double_report_creates_one(client, session):
    data = report_data(token=issued_token(client))
    client.post("/report", data=data)
    client.post("/report", data=data)
    assert session.scalar(select(func.count()).select_from(Complaint)) == 1
    page = client.get("/report/done").get_data(as_text=True)
    assert 'id="secret"' in page  # the first confirmation page was never seen: the secret is shown now
    secret = re.search(r'id="secret">([^<]+)<', page).group(1)
    again = client.post("/report", data=data)  # the Back button and send again, after the secret was shown
    assert session.scalar(select(func.count()).select_from(Complaint)) == 1
    assert 'id="secret"' not in client.get(again.headers["Location"], follow_redirects=True).get_data(as_text=True)
    client.post("/report/status", data={"action": "leave"})  # even after closing it on this device:
    again = client.post("/report", data=data)
    page = client.get(again.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "已经提交" in page and secret not in page and 'name="secret"' in page  # told; the lookup form
    assert session.scalar(select(func.count()).select_from(Complaint)) == 1


def test_a_token_from_another_session_files_nothing_and_reveals_nothing(app, client, session):
    token = issued_token(client)
    other = app.test_client()
    other.get("/report")
    page = other.post("/report", data=report_data(token=token)).get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Complaint)) == 0
    assert 'role="alert"' in page and "他半夜打电话给我母亲" in page  # told plainly, what was typed is kept
    assert other.get("/report/done").status_code == 302
    client.post("/report", data=report_data(token=token))  # the session the token was given to can still send
    assert 'id="secret"' in client.get("/report/done").get_data(as_text=True)


def test_a_replayed_token_in_another_session_gets_the_reference_but_never_the_secret(app, client, session):
    data = report_data(token=issued_token(client))
    client.post("/report", data=data)
    page = client.get("/report/done").get_data(as_text=True)
    reference = re.search(r'id="reference">([^<]+)<', page).group(1)
    secret = re.search(r'id="secret">([^<]+)<', page).group(1)
    other = app.test_client()  # another phone, or the shared phone's other browser, holding the same form
    other.get("/report")
    response = other.post("/report", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/report/status")
    page = other.get("/report/status").get_data(as_text=True)
    assert reference in page and "在另一个浏览器或设备上提交过了" in page
    assert 'name="secret"' in page  # the lookup form, not the report
    assert secret not in page and "他半夜打电话给我母亲" not in page
    assert other.get("/report/done").status_code == 302 and other.get("/report/export").status_code == 404
    assert session.scalar(select(func.count()).select_from(Complaint)) == 1


def test_the_reporter_downloads_their_own_evidence_and_nobody_else_can(app, client, session):
    from portal.complaints.models import ComplaintEvidence

    client.post("/report", data=with_files(report_data(token=issued_token(client)), (png(), "wechat.png")),
                content_type="multipart/form-data")
    client.get("/report/done")  # shows the secret and gives this browser session access
    item = session.scalar(select(ComplaintEvidence))
    reference = item.complaint.reference
    page = client.get("/report/status").get_data(as_text=True)
    assert f"/report/evidence/{item.id}" in page
    with client.get(f"/report/evidence/{item.id}") as download:
        assert download.status_code == 200 and download.data.startswith(b"\x89PNG")
        assert download.headers["Content-Disposition"].startswith("attachment")
    session.expire_all()
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "complaint.evidence_downloaded")).all()
    assert [(a.actor_kind, a.object_id) for a in audit] == [("public", reference)]
    assert app.test_client().get(f"/report/evidence/{item.id}").status_code == 404


def test_a_reporters_bad_number_is_not_called_the_number_they_gave_the_lender(client, session):
    """A family member never borrowed: their own number's message does not speak of "the number you left when you
    borrowed", in either script."""
    for locale, expected in [("zh_Hans", "请输入11位中国大陆手机号码"), ("zh_Hant", "請輸入11位數中國大陸手機號碼")]:
        client.set_cookie("portal_locale", locale)
        page = client.post("/report", data=report_data(token=issued_token(client), contact_phone="12345")) \
            .get_data(as_text=True)
        error = re.sub(r"<[^>]+>", "", re.search(r'id="contact_phone-error"[^>]*>(.*?)</p>', page, re.S).group(1))
        assert expected in error, error
        assert "借款" not in error
