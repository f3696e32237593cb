"""POST /api/v1/contacts: collection contacts for the contact log, by import-contacts' rules, one result each."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.contacts.models import Contact
from tests.contacts.test_contact_import import record


def test_contacts_one_result_each_in_order(api, session, create_borrower, create_loan):
    create_loan(create_borrower(), loan_ref="L2026000001")
    items = [record(contact_ref="C-1"), record(contact_ref="C-2", to_number="12345"),
             record(contact_ref="C-3", loan_ref="L-UNKNOWN"), record(contact_ref="C-4", answered="yes"),
             record(contact_ref="C-5", at="2026-02-30T10:00:00+08:00"), record(contact_ref="C-6", colour=1),
             record(contact_ref="C-1")]
    response = api.post("/contacts", {"contacts": items})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [(r["ref"], r["result"]) for r in results] == [
        ("C-1", "created"), ("C-2", "rejected"), ("C-3", "rejected"), ("C-4", "rejected"), ("C-5", "rejected"),
        ("C-6", "rejected"), ("C-1", "unchanged")]
    assert [next(iter(r["errors"])) for r in results[1:6]] == ["to_number", "loan_ref", "answered", "at", "colour"]
    session.expire_all()
    assert session.scalars(select(Contact.contact_ref)).all() == ["C-1"]
    changed = api.post("/contacts", {"contacts": [record(contact_ref="C-1", summary="再次致电")]})
    assert changed.get_json()["results"][0]["result"] == "updated"
    session.expire_all()
    assert session.scalar(select(Contact.summary)) == "再次致电"


@pytest.mark.parametrize(("over", "field", "reason"), [
    ({"summary": "催收\u0000电话"}, "summary", "no text column can store"),  # PostgreSQL refused it: 500
    ({"agent": "A\u0000"}, "agent", "no text column can store"),
])
def test_contacts_the_database_cannot_hold_are_rejected_by_name(api, session, create_borrower, create_loan, over,
                                                                field, reason):
    create_loan(create_borrower(), loan_ref="L2026000001")
    response = api.post("/contacts", {"contacts": [record(**over)]})
    assert response.status_code == 200
    result = response.get_json()["results"][0]
    assert result["result"] == "rejected" and reason in result["errors"][field][0], result
    assert session.scalars(select(Contact.contact_ref)).all() == []


def test_contacts_body_errors(api, session):
    assert api.post("/contacts", {"contacts": [{}] * 1001}).status_code == 422
    response = api.post("/contacts", {"items": []})
    assert response.status_code == 422 and {"items", "contacts"} <= set(response.get_json()["errors"])


def test_a_contact_finds_its_loan_in_any_case(api, session, create_borrower, create_loan):
    create_loan(create_borrower(), loan_ref="L2024000201")
    body = api.post("/contacts", {"contacts": [record(contact_ref="C-1", loan_ref="l2024000201")]}).get_json()
    assert body["results"][0]["result"] == "created", body
    session.expire_all()
    assert session.scalar(select(Contact.loan_id)) is not None


def test_a_contact_ref_never_moves_to_another_loan(api, session, create_borrower, create_loan):
    a = create_loan(create_borrower(), loan_ref="L-A")
    create_loan(create_borrower(), loan_ref="L-B")
    assert api.post("/contacts", {"contacts": [record(contact_ref="C-RV-1", loan_ref="L-A")]}).status_code == 200
    body = api.post("/contacts", {"contacts": [record(contact_ref="C-RV-1", loan_ref="L-B",
                                                      summary="另一笔")]}).get_json()
    assert body["results"][0]["result"] == "rejected"
    assert "already recorded for another loan" in body["results"][0]["errors"]["contact_ref"][0]
    session.expire_all()
    assert session.execute(select(Contact.loan_id, Contact.summary)).all() == [(a.id, "催收电话")]


@pytest.mark.parametrize("over, field", [
    ({"at": "9999-12-31T23:00:00-05:00"}, "at"),
    ({"at": "0001-01-01T00:00:00+01:00"}, "at"),
    ({"at": "1969-12-31T23:00:00+00:00"}, "at"),
    ({"at": "2099-01-01T10:00:00+08:00"}, "at"),  # in the future
    ({"at": "20261130T233000+0000"}, "at"),
    ({"duration_s": 10**20}, "duration_s"),
    ({"duration_s": 86401}, "duration_s"),
    ({"channel": "visit", "collectors_count": 10**19}, "collectors_count"),
], ids=["year-9999-west", "year-1-east", "before-1970", "future", "basic-format", "huge-duration", "over-a-day",
        "huge-collectors"])
def test_out_of_range_contacts_are_refused_and_the_rest_stored(api, session, create_borrower, create_loan, over,
                                                                field):
    create_loan(create_borrower(), loan_ref="L2026000001")
    response = api.post("/contacts", {"contacts": [record(contact_ref="C-OK"), record(contact_ref="C-BAD", **over)]})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["result"] for r in results] == ["created", "rejected"]
    assert list(results[1]["errors"]) == [field]
    session.expire_all()
    assert session.scalars(select(Contact.contact_ref)).all() == ["C-OK"]


def test_lender_service_numbers_are_caller_numbers(api, session, create_borrower, create_loan):
    create_loan(create_borrower(), loan_ref="L2026000001")
    items = [record(contact_ref="C-95", from_number="95555"), record(contact_ref="C-106", channel="sms",
                                                                     from_number="106980095555"),
             record(contact_ref="C-JUNK", from_number="95555-1")]
    body = api.post("/contacts", {"contacts": items}).get_json()
    assert [r["result"] for r in body["results"]] == ["created", "created", "rejected"]
    assert "from_number is not a phone number" in body["results"][2]["errors"]["from_number"][0]
    session.expire_all()
    assert sorted(session.scalars(select(Contact.from_number))) == ["106980095555", "95555"]
