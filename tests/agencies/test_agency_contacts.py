"""/contacts with the published list: agency names instead of codes, and contacts by an unlisted agency flagged."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from portal.contacts.models import Contact
from portal.orm import utcnow


def test_unlisted_and_past_agencies_are_flagged_listed_ones_named(client, login, session, create_borrower,
                                                                  create_loan, listed):
    borrower = create_borrower()
    loan = create_loan(borrower)
    noon = datetime.combine(utcnow().date(), datetime.min.time(), utcnow().tzinfo) + timedelta(hours=4)  # 12:00 +8
    for ref, code in (("C-OK", "AG-GZ02"), ("C-PAST", "AG-SZ01"), ("C-NEW", "AG-XX99")):
        session.add(Contact(contact_ref=ref, loan_id=loan.id, at=noon, channel="call", answered=True,
                            to_number="13800138000", to_party="borrower", from_number="02061234567", agent="A1",
                            agency_code=code, source_digest="t"))
    session.commit()
    login(client, borrower)
    html = client.get("/contacts").get_data(as_text=True)
    assert "广州示例信息咨询有限公司" in html and "深圳示例商务服务有限公司" in html and "AG-XX99" in html
    assert html.count("当天不在贷款机构公布的催收机构名单上") == 2  # the past agency and the unknown one
    assert html.count("contact-flagged") == 2
    assert 'href="/agencies"' in html
    # One tap: the complaint is pre-filled with the agency's name and the rule.
    contact = session.scalars(select(Contact).where(Contact.contact_ref == "C-PAST")).one()
    form = client.get(f"/complaints/new?contact={contact.id}").get_data(as_text=True)
    assert "深圳示例商务服务有限公司" in form and "当天不在贷款机构公布的催收机构名单上" in form


def test_staff_report_counts_breaches_by_agency_and_rule_with_csv(client, login, session, create_borrower,
                                                                   create_loan, create_staff, listed):
    from portal.audit.models import AuditEvent

    borrower = create_borrower()
    loan = create_loan(borrower)
    day = datetime(2026, 11, 10, 12, 0, tzinfo=utcnow().tzinfo) - timedelta(hours=8)  # 12:00 in Shanghai
    rows = [("A1", "AG-GZ02", 0, "borrower"), ("A2", "AG-GZ02", 14, "borrower"),   # 22:00 local: night
            ("A3", "AG-SZ01", 1, "family"),                                        # past agency, a third party
            ("A4", "", 2, "borrower")]
    for ref, code, hours, party in rows:
        session.add(Contact(contact_ref=ref, loan_id=loan.id, at=day + timedelta(hours=hours), channel="call",
                            answered=True, to_number="13800138000", to_party=party, from_number="02061234567",
                            agency_code=code, source_digest="t"))
    session.add(Contact(contact_ref="OUT", loan_id=loan.id, at=day + timedelta(days=40), channel="call",
                        answered=True, to_number="13800138000", to_party="family", agency_code="AG-XX",
                        source_digest="t"))  # outside the range
    session.commit()
    login(client, create_staff(role="supervisor"))
    html = client.get("/staff/reports?since=2026-11-01&until=2026-11-30").get_data(as_text=True)
    section = html[html.index('id="h-breaches"'):]
    assert "广州示例信息咨询有限公司 (AG-GZ02)" in section and "深圳示例商务服务有限公司 (AG-SZ01)" in section
    assert "AG-XX" not in section
    assert "<svg" in section and "breaches-chart-title" in section
    csv = client.get("/staff/reports/breaches.csv?since=2026-11-01&until=2026-11-30").get_data(as_text=True)
    lines = set(csv.lstrip("\ufeff").splitlines())
    assert "2026-11-01,2026-11-30,AG-GZ02,all_contacts,2" in lines
    assert "2026-11-01,2026-11-30,AG-GZ02,night,1" in lines
    assert "2026-11-01,2026-11-30,AG-SZ01,agency,1" in lines and "2026-11-01,2026-11-30,AG-SZ01,third_party,1" in lines
    assert "2026-11-01,2026-11-30,,any_rule,0" in lines and "2026-11-01,2026-11-30,,all_contacts,1" in lines
    session.expire_all()
    exported = session.scalars(select(AuditEvent).where(AuditEvent.action == "report.exported")).all()
    assert [e.object_id for e in exported] == ["breaches"]


def test_staff_complaint_page_names_the_agency_of_a_linked_contact(client, login, session, create_borrower,
                                                                   create_loan, create_staff, listed):
    from sqlalchemy import insert

    from portal.complaints import services
    from portal.contacts.models import complaint_contacts

    borrower = create_borrower()
    loan = create_loan(borrower)
    contact = Contact(contact_ref="LINKED-1", loan_id=loan.id, at=utcnow() - timedelta(hours=1), channel="call",
                      answered=True, to_number="13800138000", to_party="borrower", agency_code="AG-GZ02",
                      source_digest="t")
    session.add(contact)
    session.commit()
    with client.application.test_request_context():
        complaint, _ = services.file_complaint(services.Filing(categories=["other"], channel="phone",
                                                               what_happened="x"), borrower=borrower)
        session.execute(insert(complaint_contacts).values(complaint_id=complaint.id, contact_id=contact.id))
        session.commit()
        reference = complaint.reference
    login(client, create_staff(role="supervisor"))
    html = client.get(f"/staff/complaints/{reference}").get_data(as_text=True)
    assert "广州示例信息咨询有限公司 (AG-GZ02)" in html and "LINKED-1" in html
