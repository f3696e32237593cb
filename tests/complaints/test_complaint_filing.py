"""Borrowers file and follow complaints: bad input, files, idempotency, ownership, export."""
from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.complaints.models import Complaint, ComplaintEvidence
from tests.complaints.conftest import form_data, in_memory_multipart, with_files
from tests.uploads.samples import html_disguised_as_jpeg, jpeg, pdf, png


def _count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def _files_on_disk(app) -> int:
    root = app.config["EVIDENCE_DIR"]
    return sum(len([f for f in fs if not f.startswith(".")]) for _d, _s, fs in os.walk(root)) if os.path.exists(root) else 0


def test_new_complaint_form_explains_deadlines_and_prefills_own_loan_only(client, login, create_borrower,
                                                                         create_loan):
    me, other = create_borrower(), create_borrower()
    mine, theirs = create_loan(me, loan_ref="L100"), create_loan(other, loan_ref="L200")
    login(client, me)
    page = client.get(f"/complaints/new?loan={mine.loan_ref}").get_data(as_text=True)
    assert "15" in page and "60" in page and "110" in page and "银行业保险业消费投诉处理管理办法" in page
    assert '<option selected value="L100">' in page
    page = client.get(f"/complaints/new?loan={theirs.loan_ref}").get_data(as_text=True)
    assert "<option selected value=\"L200\">" not in page and ">L200</option>" not in page


@pytest.mark.parametrize("raw", [str(2**31), str(2**63), "²", "0"])
def test_a_visit_id_no_visit_can_have_is_ignored(client, login, create_borrower, session, raw):
    """?visit= and the hidden visit_id name one of the borrower's visits; an id beyond the database's integers
    (PostgreSQL refused the query) or "²" (a digit to ``str.isdigit``, not to ``int``) names none: 500 before."""
    login(client, create_borrower())
    page = client.get("/complaints/new", query_string={"visit": raw})
    assert page.status_code == 200
    assert 'name="visit_id" type="hidden" value=""' in page.get_data(as_text=True)
    response = client.post("/complaints/new", data=form_data(visit_id=raw, contact_ids=f"{raw} 7"))
    assert response.status_code == 302
    assert session.scalar(select(Complaint.visit_id)) is None


def test_borrower_files_a_complaint_with_a_photo(client, login, create_borrower, create_loan, session, app):
    me = create_borrower()
    loan = create_loan(me, loan_ref="L300")
    login(client, me)
    before = _files_on_disk(app)
    response = client.post("/complaints/new", data=with_files(form_data(loan="L300"), (png(), "photo.png")),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    complaint = session.scalar(select(Complaint))
    assert re.fullmatch(r"TS-\d{8}-0001", complaint.reference)
    assert response.headers["Location"].endswith(f"/complaints/{complaint.reference}")
    assert complaint.borrower_id == me.id and complaint.loan_id == loan.id and complaint.state == "received"
    assert complaint.categories == ["threats", "third_parties"]
    item = complaint.evidence[0]
    assert item.mime == "image/png" and item.original_name == "photo.png" and len(item.sha256) == 64
    assert _files_on_disk(app) == before + 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert complaint.reference in page and item.sha256 in page
    download = client.get(f"/complaints/{complaint.reference}/evidence/{item.id}")
    assert download.status_code == 200 and download.data == png()
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()


def test_references_count_up_per_day(client, login, create_borrower, session):
    login(client, create_borrower())
    for token in ("a", "b"):
        client.post("/complaints/new", data=form_data(token=token))
    refs = sorted(session.scalars(select(Complaint.reference)))
    assert [r[-4:] for r in refs] == ["0001", "0002"] and refs[0][:11] == refs[1][:11]


def test_double_submission_creates_one_complaint(client, login, create_borrower, session, app):
    login(client, create_borrower())
    data = form_data(token="same-token")
    first = client.post("/complaints/new", data=with_files(data, (png(), "a.png")), content_type="multipart/form-data")
    files = _files_on_disk(app)
    second = client.post("/complaints/new", data=with_files(data, (png(), "a.png")), content_type="multipart/form-data")
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(session, Complaint) == 1 and _count(session, ComplaintEvidence) == 1
    assert _files_on_disk(app) == files  # the second request's file was not kept


@pytest.mark.parametrize(("over", "field"), [
    ({"categories": []}, "categories"),
    ({"channel": ""}, "channel"),
    ({"channel": "fax"}, "channel"),
    ({"categories": ["threats", "bogus"]}, "categories"),
    ({"what_happened": ""}, "what_happened"),
    ({"what_happened": "x" * 5001}, "what_happened"),
    ({"occurred_on": "2999-01-01"}, "occurred_on"),
    ({"occurred_on": "yesterday"}, "occurred_on"),
    ({"occurred_time": "25:99"}, "occurred_time"),
    ({"preferred_contact": "pigeon"}, "preferred_contact"),
    ({"loan": "L-NOT-MINE"}, "loan"),
    ({"collector_name": "bad\x01char"}, "collector_name"),
])
def test_bad_fields_are_refused_and_everything_typed_is_kept(client, login, create_borrower, session, over, field):
    login(client, create_borrower())
    response = client.post("/complaints/new", data=form_data(**over))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'href="#{field}"' in page and f'id="{field}-error"' in page
    if field != "what_happened":
        assert "他半夜打电话给我母亲" in page
    assert _count(session, Complaint) == 0


def test_a_file_whose_bytes_are_not_its_claimed_type_is_refused(client, login, create_borrower, session, app):
    login(client, create_borrower())
    before = _files_on_disk(app)
    response = client.post("/complaints/new", data=with_files(form_data(), (png(), "ok.png"),
                                                             (html_disguised_as_jpeg(), "photo.jpg")),
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "photo.jpg" in page and 'id="evidence-error"' in page
    assert "他半夜打电话给我母亲" in page  # typed text kept
    assert "请重新选择" in page or "choose your files again" in page  # files must be chosen again
    assert _count(session, Complaint) == 0 and _files_on_disk(app) == before


def test_too_many_files_are_refused(client, login, create_borrower, session):
    login(client, create_borrower())
    data = with_files(form_data(), *[(jpeg(), f"{i}.jpg") for i in range(6)])
    response = client.post("/complaints/new", data=data, content_type="multipart/form-data")
    assert 'id="evidence-error"' in response.get_data(as_text=True) and _count(session, Complaint) == 0


def test_a_file_over_the_limit_is_refused_with_the_typed_text_kept(client, login, create_borrower, session, app):
    login(client, create_borrower())
    big = pdf() + b"0" * (app.config["EVIDENCE_MAX_MB"] * 1024 * 1024)
    response = client.post("/complaints/new", **in_memory_multipart({**form_data(), "evidence": (big, "big.pdf")}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "big.pdf" in page and "MB" in page and _count(session, Complaint) == 0


def test_an_oversized_request_gets_the_localized_413_page(client, login, create_borrower, session, app):
    login(client, create_borrower())
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 200_000
    try:
        response = client.post("/complaints/new",
                               **in_memory_multipart({**form_data(), "evidence": (pdf() + b"0" * 300_000, "x.pdf")}))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    assert "文件太大" in response.get_data(as_text=True)
    assert _count(session, Complaint) == 0


def test_a_failure_after_the_files_were_written_leaves_no_rows_and_no_files(client, login, create_borrower, session,
                                                                           app, monkeypatch):
    from portal.complaints import services

    login(client, create_borrower())
    before = _files_on_disk(app)

    def boom(*a, **k):
        raise RuntimeError("database went away after the files were saved")

    monkeypatch.setattr(services, "record", boom)
    response = client.post("/complaints/new", data=with_files(form_data(), (png(), "a.png"), (pdf(), "b.pdf")),
                           content_type="multipart/form-data")
    assert response.status_code == 500
    assert _count(session, Complaint) == 0 and _count(session, ComplaintEvidence) == 0
    assert _files_on_disk(app) == before


def test_follow_up_reply_evidence_and_answer(client, login, create_borrower, make_complaint, create_staff, session):
    me = create_borrower()
    complaint = make_complaint(me)
    login(client, me)
    url = f"/complaints/{complaint.reference}"
    assert client.post(url, data={"action": "follow_up", "body": ""}).status_code == 200  # nothing to add
    response = client.post(url, data=with_files({"action": "follow_up", "body": "还有一段录音"}, (pdf(), "r.pdf")),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    session.expire_all()
    complaint = session.get(Complaint, complaint.id)
    assert complaint.messages[-1].body == "还有一段录音" and len(complaint.evidence) == 1
    # answering before a decision is refused
    client.post(url, data={"action": "respond", "response": "accepted"})
    session.expire_all()
    complaint = session.get(Complaint, complaint.id)
    assert complaint.response is None
    complaint.state, complaint.outcome_category, complaint.outcome_explanation = "not_upheld", "other", "理由"
    from portal.orm import utcnow
    complaint.decided_at = utcnow()
    session.commit()
    assert client.get(url).status_code == 200  # the decision is shown: the 30 days for a review start now
    # "not satisfied" without saying why is refused next to the field
    page = client.post(url, data={"action": "respond", "response": "not_satisfied", "reason": "  "})
    assert page.status_code == 200 and 'id="reason-error"' in page.get_data(as_text=True)
    session.expire_all()
    assert session.get(Complaint, complaint.id).response is None
    client.post(url, data={"action": "respond", "response": "not_satisfied", "reason": "催收员的电话录音没有被听"})
    session.expire_all()
    stored = session.get(Complaint, complaint.id)
    assert stored.response == "not_satisfied" and stored.review_reason == "催收员的电话录音没有被听"
    assert stored.review_requested_at is not None and stored.review_answered_at is None
    page = client.get(url).get_data(as_text=True)
    assert "12378" in page and "12363" in page and "110" in page
    assert "催收员的电话录音没有被听" in page and 'id="review-status"' in page


def test_export_lists_timeline_and_evidence_hashes(client, login, create_borrower, make_complaint, app):
    me = create_borrower()
    with app.test_request_context():
        complaint = make_complaint(me, files=[(png(), "p.png")])
    login(client, me)
    response = client.get(f"/complaints/{complaint.reference}/export")
    assert response.headers["Content-Disposition"].startswith("attachment")
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as bundle:
        text = bundle.read(f"{complaint.reference}/complaint.txt").decode()
    assert complaint.reference in text and complaint.evidence[0].sha256 in text


def test_index_lists_only_my_complaints(client, login, create_borrower, make_complaint):
    me, other = create_borrower(), create_borrower()
    mine, theirs = make_complaint(me), make_complaint(other)
    login(client, me)
    page = client.get("/complaints").get_data(as_text=True)
    assert mine.reference in page and theirs.reference not in page


def test_another_borrowers_complaint_and_evidence_are_404(client, login, create_borrower, make_complaint, app):
    me, other = create_borrower(), create_borrower()
    theirs = make_complaint(other, files=[(png(), "p.png")])
    mine = make_complaint(me)
    login(client, me)
    item = theirs.evidence[0].id
    for url in (f"/complaints/{theirs.reference}", f"/complaints/{theirs.reference}/export",
                f"/complaints/{theirs.reference}/evidence/{item}", f"/complaints/{mine.reference}/evidence/{item}",
                "/complaints/TS-20990101-0001"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/complaints/{theirs.reference}", data={"action": "follow_up", "body": "x"}).status_code == 404


@pytest.mark.parametrize("url", ["/complaints", "/complaints/new", "/complaints/TS-20260101-0001",
                                 "/complaints/TS-20260101-0001/export"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_visit_dispute_hook_opens_a_linked_complaint(app, session, create_borrower, create_loan):
    from datetime import timedelta

    from portal.complaints.services import create_complaint_from_visit_dispute
    from portal.orm import utcnow
    from portal.visits.models import Visit

    me = create_borrower()
    loan = create_loan(me)
    start = utcnow() - timedelta(days=1)
    visit = Visit(loan_id=loan.id, address="北京市东城区", window_start=start, window_end=start + timedelta(hours=2),
                  purpose="核实地址", state="completed", code="ABC234")
    session.add(visit)
    session.commit()
    with app.test_request_context():
        complaint = create_complaint_from_visit_dispute(me, visit, "记录不实")
        session.commit()
    assert complaint.visit_id == visit.id and complaint.loan_id == loan.id and complaint.channel == "visit"
    assert complaint.categories == ["visit_conduct"] and complaint.what_happened == "记录不实"
    assert complaint.contact_phone and complaint.contact_phone == me.phone  # staff can call back about the visit
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "complaint.filed")) is not None


def test_loan_page_links_to_a_complaint_about_that_loan(client, create_borrower, create_loan, login):
    me = create_borrower()
    loan = create_loan(me)
    login(client, me)
    assert f'href="/complaints/new?loan={loan.loan_ref}"' in client.get(f"/loans/{loan.loan_ref}").get_data(as_text=True)
    page = client.get(f"/complaints/new?loan={loan.loan_ref}").get_data(as_text=True)
    assert f'value="{loan.loan_ref}" selected' in page or f'<option selected value="{loan.loan_ref}"' in page
