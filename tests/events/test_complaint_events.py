"""Complaints tell the lender that one was filed (by the borrower, a third party, or taken down by phone), decided
and asked to be reviewed, with reference, categories and dates only: never what anyone wrote (PIPL Art. 6)."""
from __future__ import annotations

import re

import pytest

from portal.complaints import services
from portal.complaints.models import Complaint
from portal.extensions import db
from portal.orm import utcnow
from tests.complaints.conftest import form_data, issued_token, make_complaint, report_data  # noqa: F401


def _one(events, type):
    assert [e.type for e in events] == [type]
    return events[0]


def test_a_borrower_files_a_complaint(client, login, create_borrower, create_loan, new_events):
    me = create_borrower()
    create_loan(me, loan_ref="L300")
    login(client, me)
    new_events()
    assert client.post("/complaints/new", data=form_data(loan="L300")).status_code == 302
    filed = _one(new_events(), "complaint.filed")
    assert filed.loan_ref == "L300" and filed.borrower_id == me.id
    assert filed.data["source"] == "borrower" and filed.data["categories"] == ["threats", "third_parties"]
    assert filed.data["channel"] == "phone" and re.fullmatch(r"TS-\d{8}-0001", filed.data["complaint"])
    for typed in ("半夜", "李某", "B-17", "5555", "停止"):
        assert typed not in str(filed.data)


def test_a_third_party_report_names_no_one(client, new_events):
    data = report_data(token=issued_token(client))
    new_events()
    assert client.post("/report", data=data).status_code in (200, 302)
    filed = _one(new_events(), "complaint.filed")
    assert filed.data["source"] == "third_party" and filed.loan_ref is None and filed.borrower_id is None
    for typed in ("王阿姨", "王小明", "13700137000"):
        assert typed not in str(filed.data)


def test_a_phone_in_complaint_taken_by_staff(client, create_staff, create_borrower, create_loan, login, new_events):
    zhang = create_borrower(name="张伟")
    create_loan(zhang, loan_ref="L2024000123")
    login(client, create_staff(role="agent"))
    form = client.get(f"/staff/borrowers/{zhang.id}/complaints/new?loan=L2024000123").get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', form).group(1)
    new_events()
    client.post(f"/staff/borrowers/{zhang.id}/complaints/new", data={
        "token": token, "categories": ["threats"], "channel": "phone", "what_happened": "催收员打电话给我同事",
        "loan": "L2024000123", "preferred_contact": "phone"})
    filed = _one(new_events(), "complaint.filed")
    assert filed.data["source"] == "phone" and filed.loan_ref == "L2024000123" and filed.borrower_id == zhang.id


def test_decided_then_review_requested(client, login, create_staff, create_borrower, make_complaint, new_events,
                                       session):
    me = create_borrower()
    complaint = make_complaint(me)
    staff = client
    login(staff, create_staff(role="agent"))
    url = f"/staff/complaints/{complaint.reference}"
    version = lambda: str(session.get(Complaint, complaint.id).version)  # noqa: E731
    session.expire_all()
    staff.post(url, data={"action": "state", "state-version": version(), "state-state": "acknowledged"})
    new_events()
    session.expire_all()
    staff.post(url, data={"action": "state", "state-version": version(), "state-state": "not_upheld",
                          "state-outcome": "not_upheld_lawful", "state-explanation": "经核实催收合规。"})
    decided = _one(new_events(), "complaint.decided")
    assert decided.data["state"] == "not_upheld" and decided.data["outcome"] == "not_upheld_lawful"
    assert "合规" not in str(decided.data)

    staff.post("/logout")
    login(client, me)
    client.get(f"/complaints/{complaint.reference}")  # the decision is shown: the review window starts
    client.post(f"/complaints/{complaint.reference}", data={"action": "respond", "response": "not_satisfied",
                                                            "reason": "没有听录音"})
    asked = _one(new_events(), "complaint.review_requested")
    assert set(asked.data) == {"complaint", "requested_at"} and "录音" not in str(asked.data)


def test_a_rolled_back_filing_emits_nothing(app, session, create_borrower, new_events):
    me = create_borrower()
    session.commit()
    new_events()
    with app.test_request_context():
        services.file_complaint(services.Filing(categories=["insults"], channel="phone", what_happened="骂人"),
                                borrower=me, now=utcnow())
        db.session.rollback()
    assert new_events() == []
