"""The evidence bundle (design §7; issue 13, point 6): a ZIP whose first file is a printable summary naming the
manifest's SHA-256, a manifest with every other file's SHA-256, the complaint with the time of day of every event,
the linked visit record (for the borrower and staff, not for a third party) and the evidence files themselves."""
from __future__ import annotations

import hashlib
import io
import re
import zipfile

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.complaints.models import Complaint
from portal.visits.models import Visit
from portal.i18n import local_today
from tests.hardening.crawl import seed_demo
from tests.uploads.samples import png


def unzip(response) -> tuple[list[str], dict[str, bytes]]:
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment")
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        names = archive.namelist()
        return names, {name.split("/", 1)[1]: archive.read(name) for name in names}


def check_manifest(files: dict[str, bytes]) -> dict[str, str]:
    """Every file but the summary and the manifest is listed with its true SHA-256 and size; the summary names the
    manifest's SHA-256."""
    listed = {}
    for line in files["manifest.txt"].decode().splitlines()[1:]:
        digest, size, name = line.split(None, 2)
        assert hashlib.sha256(files[name]).hexdigest() == digest and len(files[name]) == int(size), name
        listed[name] = digest
    assert set(listed) == set(files) - {"00-summary.html", "manifest.txt"}
    assert hashlib.sha256(files["manifest.txt"]).hexdigest() in files["00-summary.html"].decode()
    return listed


def test_the_borrower_downloads_a_checkable_bundle(client, login, create_borrower, make_complaint, app):
    me = create_borrower()
    image = png()
    with app.test_request_context():
        complaint = make_complaint(me, files=[(image, "night-call.png")])
    login(client, me)
    names, files = unzip(client.get(f"/complaints/{complaint.reference}/export"))
    assert names[0] == f"{complaint.reference}/00-summary.html"  # the summary is the first page
    listed = check_manifest(files)
    evidence = [n for n in listed if n.startswith("evidence/")]
    assert len(evidence) == 1 and files[evidence[0]] == image
    assert listed[evidence[0]] == complaint.evidence[0].sha256  # the fingerprint taken at upload
    record = files["complaint.txt"].decode()
    assert complaint.reference in record
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}  ", record)  # every event with its time of day
    summary = files["00-summary.html"].decode()
    assert "<!doctype html>" in summary and complaint.evidence[0].sha256 in summary


def test_a_linked_visit_record_is_in_the_borrowers_and_staffs_bundle(
        app, session, client, login, create_staff, make_complaint):
    with app.test_request_context():
        seed_demo(session, local_today())
    visit = next(v for v in session.scalars(select(Visit).order_by(Visit.id)) if v.visitors)
    from_visit = make_complaint(visit.loan.borrower, categories=["visit_conduct"], channel="visit",
                                loan_id=visit.loan_id, visit_id=visit.id)
    login(client, from_visit.borrower)
    _, files = unzip(client.get(f"/complaints/{from_visit.reference}/export"))
    check_manifest(files)
    record = files[f"visit-{visit.id}.txt"].decode()
    assert re.search(r"\d{2}:\d{2}", record) and visit.visitors[0].badge_number in record

    staff = app.test_client()
    login(staff, create_staff())
    _, staff_files = unzip(staff.get(f"/staff/complaints/{from_visit.reference}/export"))
    assert f"visit-{from_visit.visit_id}.txt" in staff_files
    exported = session.scalars(select(AuditEvent).where(AuditEvent.action == "complaint.exported")).all()
    assert [e.object_id for e in exported] == [from_visit.reference]  # staff downloads are audited


def test_a_third_partys_bundle_has_no_visit_record(app, session, client, make_complaint, create_borrower):
    reporter = make_complaint(None, visit_id=None)
    response = client.post("/report/status", data={"action": "lookup", "reference": reporter.reference,
                                                    "secret": reporter.secret})
    assert response.status_code == 302
    reference = reporter.reference
    _, files = unzip(client.get("/report/export"))
    check_manifest(files)
    assert not [n for n in files if n.startswith("visit-")]
    assert reference in files["complaint.txt"].decode()


def test_the_decision_reads_in_plain_words_and_fingerprints_are_technical_details(
        client, session, login, create_borrower, make_complaint, app):
    from portal.orm import utcnow

    me = create_borrower()
    with app.test_request_context():
        complaint = make_complaint(me, files=[(png(), "p.png")])
    complaint = session.get(Complaint, complaint.id)
    complaint.state, complaint.outcome_category = "resolved", "upheld_staff_action"
    complaint.outcome_explanation, complaint.decided_at = "已对催收公司处理。", utcnow()
    session.commit()
    for headers, plain in (({"Accept-Language": "zh-CN"}, "我们查明，催收人员违反了规定，我们已经对催收人员或催收公司"
                                                          "采取了处理措施。"),
                           ({"Accept-Language": "zh-TW"}, "我們查明，催收人員違反了規定，我們已經對催收人員或催收公司"
                                                          "採取了處理措施。")):
        login(client, me)
        client.set_cookie("portal_locale", "zh_Hant" if "TW" in headers["Accept-Language"] else "zh_Hans")
        page = client.get(f"/complaints/{complaint.reference}", headers=headers).get_data(as_text=True)
        assert plain in page
        assert "支持" not in page  # the staff's word for it
        details = page[page.index('<details class="technical">'):]
        details = details[:details.index("</details>")]
        assert complaint.evidence[0].sha256 in details and ("字节" in details or "位元組" in details)
