"""The console's borrower page shows the newest contacts with their flags; the whole log is key-set paged and each
view of it is audited; other borrowers' contacts never appear; a complaint made from contacts shows them."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.contacts.models import Contact
from portal.orm import utcnow


def _add(session, loan, n, start, **kw):
    for i in range(n):
        session.add(Contact(contact_ref=f"{loan.loan_ref}-{i}", loan_id=loan.id, at=start - timedelta(minutes=i),
                            channel="call", answered=False, to_number="13800138000", to_party="borrower",
                            from_number="02061234567", agent="GZ-1", agency_code="AG-GZ02", source_digest="t", **kw))
    session.commit()


def test_borrower_page_shows_the_newest_ten_and_links_the_whole_log(client, login, session, create_borrower,
                                                                     create_loan, create_staff, listed):
    borrower, other = create_borrower(name="张伟"), create_borrower(name="李四")
    loan, other_loan = create_loan(borrower), create_loan(other)
    noon = utcnow().replace(hour=4, minute=0, second=0, microsecond=0)  # 12:00 in Shanghai
    _add(session, loan, 60, noon)
    session.add(Contact(contact_ref="FAM", loan_id=loan.id, at=noon + timedelta(minutes=5), channel="call",
                        answered=True, to_number="13900139000", to_party="family", agency_code="AG-SZ01",
                        source_digest="t"))
    _add(session, other_loan, 1, noon, summary="别人的记录")
    login(client, create_staff(role="agent"))
    page = client.get(f"/staff/borrowers/{borrower.id}").get_data(as_text=True)
    section = page[page.index('id="contacts-title"'):page.index('id="messages-title"')]
    assert section.count("<tr>") == 11  # the heading row and ten contacts
    assert "第三方被联系" in section and "机构不在名单上" in section  # the family call by a past agency
    assert "别人的记录" not in page
    link = f"/staff/borrowers/{borrower.id}/contacts"
    assert f'href="{link}"' in section
    first = client.get(link).get_data(as_text=True)
    assert first.count("<tr>") == 51 and "别人的记录" not in first
    after = first.split(f'{link}?after=')[1].split('"')[0]
    second = client.get(f"{link}?after={after}").get_data(as_text=True)
    assert second.count("<tr>") == 12  # 61 contacts: 50, then 11
    session.expire_all()
    views = session.scalars(select(AuditEvent).where(AuditEvent.action == "borrower.contacts_viewed")).all()
    assert [e.object_id for e in views] == [str(borrower.id)] * 2 and json.loads(views[1].detail)["after"]
    assert client.get("/staff/borrowers/99999/contacts").status_code == 404


def test_borrowers_cannot_reach_the_staff_log(client, login, create_borrower):
    borrower = create_borrower()
    login(client, borrower)
    response = client.get(f"/staff/borrowers/{borrower.id}/contacts")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
