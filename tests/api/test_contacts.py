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
    ({"duration_s": 2**63}, "duration_s", "from 0 to 2147483647"),  # SQLite overflowed: 500
    ({"duration_s": 2**31}, "duration_s", "from 0 to 2147483647"),  # PostgreSQL refused it: 500
    ({"at": "0001-01-01T00:00:00+14:00"}, "at", "no UTC time"),  # before year 1 in UTC: 500
    ({"at": "9999-12-31T23:00:00-14:00"}, "at", "no UTC time"),
    ({"summary": "催收\u0000电话"}, "summary", "no text column can store"),  # PostgreSQL refused it: 500
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
