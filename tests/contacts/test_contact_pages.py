"""/contacts: the borrower's own contact log, flagged contacts, key-set pages and the one-tap complaint."""
from __future__ import annotations

import re
import time as clock
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select

from portal.complaints.models import Complaint
from portal.contacts.models import Contact, complaint_contacts
from portal.orm import utcnow


@pytest.fixture
def owner(create_borrower, create_loan):
    borrower = create_borrower(name="张伟")
    return borrower, create_loan(borrower, loan_ref="L2026000777")


def add(session, loan, ref, at, **kw) -> Contact:
    values = dict(contact_ref=ref, loan_id=loan.id, at=at, channel="call", answered=True, to_number="13800138000",
                  to_party="borrower", from_number="075588886666", agent="A017", agency_code="AG-SZ01",
                  source_digest="t")
    values.update(kw)
    contact = Contact(**values)
    session.add(contact)
    session.commit()
    return contact


def recent(hours_ago: float) -> datetime:
    return utcnow() - timedelta(hours=hours_ago)


def night_this_month() -> datetime:
    """00:30 Shanghai time today: at night, and in the current month."""
    today = utcnow().astimezone(timezone(timedelta(hours=8))).date()
    return datetime(today.year, today.month, today.day, 0, 30, tzinfo=timezone(timedelta(hours=8)))


def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/contacts")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_flagged_contacts_say_which_rule_and_its_source(client, login, session, owner):
    borrower, loan = owner
    add(session, loan, "N-1", night_this_month())
    add(session, loan, "F-1", night_this_month() + timedelta(hours=9), to_party="family", to_number="13900139000")
    login(client, borrower)
    html = client.get("/contacts").get_data(as_text=True)
    assert "本月有 2 次联系不符合规则" in html
    assert "国家标准 GB/T 45251-2025" in html and "中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》" in html
    assert "违法" not in html and "非法" not in html
    assert html.count("contact-flagged") == 2
    assert 'href="tel:075588886666"' in html
    assert "/complaints/new?contact=" in html


def test_other_borrowers_contacts_are_never_shown(client, login, session, owner, create_borrower, create_loan):
    borrower, loan = owner
    other = create_borrower(name="李四")
    add(session, create_loan(other), "THEIRS-1", recent(2), agency_code="SECRET-AGENCY")
    add(session, loan, "MINE-1", recent(1))
    login(client, borrower)
    html = client.get("/contacts").get_data(as_text=True)
    assert "SECRET-AGENCY" not in html and "AG-SZ01" in html
    theirs = session.scalar(select(Contact.id).where(Contact.contact_ref == "THEIRS-1"))
    form = client.get(f"/complaints/new?contact={theirs}").get_data(as_text=True)
    assert "SECRET-AGENCY" not in form and f'value="{theirs}"' not in form


def test_keyset_pages_show_every_contact_once_newest_first(client, login, session, owner):
    borrower, loan = owner
    base = utcnow() - timedelta(days=3)
    session.execute(insert(Contact), [dict(contact_ref=f"K-{i:03d}", loan_id=loan.id, at=base + timedelta(minutes=i),
                                           channel="sms", to_number="13800138000", to_party="borrower",
                                           from_number="", agent="", agency_code="", summary=f"S{i:03d}X",
                                           source_digest="t", imported_at=base) for i in range(120)])
    session.commit()
    login(client, borrower)
    seen, url = [], "/contacts"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += re.findall(r"S(\d{3})X", html)
        found = re.search(r'href="(/contacts\?after=[^"]+)"', html)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert seen == [f"{i:03d}" for i in reversed(range(120))]


def test_a_bad_page_key_shows_the_first_page(client, login, session, owner):
    borrower, loan = owner
    add(session, loan, "A-1", recent(1))
    login(client, borrower)
    assert client.get("/contacts?after=nonsense").status_code == 200


@pytest.mark.parametrize("key", [
    f"2026-01-01T00:00:00+00:00_{2**31}",  # beyond PostgreSQL's INTEGER (the database refused the query: 500)
    f"2026-01-01T00:00:00_{2**63}",  # beyond SQLite's integer too
    "0001-01-01T00:00:00+14:00_1",  # year 1 east of Greenwich has no UTC time (OverflowError: 500)
    "9999-12-31T23:59:59-14:00_1",
])
def test_a_page_key_no_page_wrote_shows_the_first_page(client, login, session, owner, key):
    borrower, loan = owner
    add(session, loan, "A-1", recent(1))
    login(client, borrower)
    response = client.get("/contacts", query_string={"after": key})
    assert response.status_code == 200
    assert "AG-SZ01" in response.get_data(as_text=True)  # the newest contact: the first page


@pytest.mark.parametrize("raw", [str(2**31), str(2**63), "²", "-1"])
def test_a_contact_id_no_contact_can_have_leaves_the_complaint_form_empty(client, login, session, owner, raw):
    borrower, loan = owner
    contact = add(session, loan, "N-9", night_this_month())
    login(client, borrower)
    response = client.get("/complaints/new", query_string=[("contact", raw), ("contact", str(contact.id))])
    assert response.status_code == 200  # "²" passed str.isdigit and int() refused it; big ids PostgreSQL refused
    assert re.search(rf'name="contact_ids"[^>]*value="{contact.id}"', response.get_data(as_text=True))


def test_one_tap_complaint_is_prefilled_and_linked(client, login, session, owner):
    borrower, loan = owner
    contact = add(session, loan, "N-9", night_this_month(), to_party="family", to_number="13900139000")
    login(client, borrower)
    form = client.get(f"/complaints/new?contact={contact.id}").get_data(as_text=True)
    assert re.search(r'value="night_or_frequent"[^>]*checked|checked[^>]*value="night_or_frequent"', form)
    assert re.search(r'value="third_parties"[^>]*checked|checked[^>]*value="third_parties"', form)
    assert "075588886666" in form and "AG-SZ01" in form
    assert re.search(rf'name="contact_ids"[^>]*value="{contact.id}"', form)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', form).group(1)
    response = client.post("/complaints/new", data={
        "token": token, "contact_ids": str(contact.id), "categories": ["night_or_frequent", "third_parties"],
        "channel": "phone", "what_happened": "他们半夜打给我妈妈", "preferred_contact": "portal", "loan": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    complaint = session.scalar(select(Complaint))
    linked = session.execute(select(complaint_contacts.c.contact_id)
                             .where(complaint_contacts.c.complaint_id == complaint.id)).scalars().all()
    assert linked == [contact.id]


def test_staff_see_the_contacts_on_the_complaint(client, login, session, owner, create_staff):
    borrower, loan = owner
    contact = add(session, loan, "STAFF-SEE-1", recent(1))
    from portal.complaints import services
    from portal.extensions import db

    with client.application.test_request_context():
        complaint, _ = services.file_complaint(services.Filing(categories=["night_or_frequent"], channel="phone",
                                                               what_happened="x"), borrower=borrower)
        db.session.execute(insert(complaint_contacts).values(complaint_id=complaint.id, contact_id=contact.id))
        db.session.commit()
        reference = complaint.reference
    login(client, create_staff(role="supervisor"))
    html = client.get(f"/staff/complaints/{reference}").get_data(as_text=True)
    assert "STAFF-SEE-1" in html


def test_ten_thousand_contacts_one_page_is_fast(client, login, session, owner):
    borrower, loan = owner
    base = utcnow() - timedelta(days=400)
    session.execute(insert(Contact), [dict(contact_ref=f"B-{i}", loan_id=loan.id, at=base + timedelta(minutes=57 * i),
                                           channel="call", answered=i % 4 == 0, to_number="13800138000",
                                           to_party="borrower", from_number="075588886666", agent="", agency_code="",
                                           summary="", source_digest="t", imported_at=base) for i in range(10_000)])
    session.commit()
    login(client, borrower)
    client.get("/contacts")
    started = clock.perf_counter()
    response = client.get("/contacts")
    elapsed = clock.perf_counter() - started
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('id="contact-') == 50
    print(f"\n/contacts with 10,000 contacts: {elapsed * 1000:.0f} ms")
    assert elapsed < 2.0


def test_the_log_runs_the_same_statements_for_3_and_for_53_contacts(app, client, login, session, owner,
                                                                   create_loan):
    """The page's contacts with their loans' products, the agency list and the agreed plans once, this month's and
    the page's days in one query: no statement per contact, per loan or per judgement. A card loan's contact
    shows the card rule's source (the loan's product comes with the row)."""
    from tests.statements import statements_of

    borrower, loan = owner
    card = create_loan(borrower, loan_ref="L2026000778")
    card.product = "信用卡分期"
    session.commit()

    def make(n, start):
        for i in range(start, start + n):
            add(session, card if i % 2 else loan, f"Q-{i}", recent(1 + i * 0.3),
                to_party="family" if i % 3 == 0 else "borrower")

    login(client, borrower)
    make(3, 0)
    few = statements_of(app, client, "/contacts")
    make(50, 3)
    many = statements_of(app, client, "/contacts")
    assert len(many) == len(few) <= 7
    html = client.get("/contacts").get_data(as_text=True)
    assert html.count('<li class="card contact') == 50
    assert "《商业银行信用卡业务监督管理办法》" in html  # a family member contacted about the card loan
    older = re.search(r'href="/contacts\?after=([^"]+)"', html).group(1)
    assert len(statements_of(app, client, f"/contacts?after={older}")) <= len(many) + 1  # two periods apart


def test_staff_read_who_was_contacted_as_the_borrower_and_the_borrower_reads_you(client, login, session, owner,
                                                                                 create_staff):
    borrower, loan = owner
    add(session, loan, "WHO-1", recent(1), to_party="family", to_number="13900139000")
    add(session, loan, "WHO-2", recent(2))
    from portal.complaints import services
    from portal.extensions import db

    with client.application.test_request_context():
        complaint, _ = services.file_complaint(services.Filing(categories=["third_parties"], channel="phone",
                                                               what_happened="x"), borrower=borrower)
        db.session.execute(insert(complaint_contacts).values(
            complaint_id=complaint.id, contact_id=session.scalar(select(Contact.id).where(
                Contact.contact_ref == "WHO-1"))))
        db.session.commit()
        reference = complaint.reference
    login(client, borrower)
    own = client.get("/contacts").get_data(as_text=True)
    assert "您的家人" in own and "借款人的家人" not in own
    login(client, create_staff(role="supervisor"))
    for url in (f"/staff/borrowers/{borrower.id}", f"/staff/borrowers/{borrower.id}/contacts",
                f"/staff/complaints/{reference}"):
        for accept, family, themselves in (("zh-CN", "借款人的家人", "借款人"), ("zh-TW", "借款人的家人", "借款人")):
            page = client.get(url, headers={"Accept-Language": accept}).get_data(as_text=True)
            assert family in page and "您的家人" not in page, (url, accept)
            if url != f"/staff/complaints/{reference}":
                assert re.search(f"<td[^>]*>{themselves}<br>13800138000</td>", page), (url, accept)
            assert not re.search("<td[^>]*>您", page), (url, accept)
