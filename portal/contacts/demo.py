"""Demo contact log for 张伟 (13800138000): ordinary contacts and some that do not follow the rules (a night call,
seven unanswered calls in one day, a call to his family, a visit by one collector, a call by an agency no longer on
the published list), so /contacts is not empty."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal.accounts.models import Borrower
from portal.contacts.models import Contact
from portal.loans.models import Loan


def seed(session, today: date) -> None:
    from portal.i18n import lender_tz

    if session.scalar(select(Contact.id).limit(1)) is not None:
        return
    loan = session.scalar(select(Loan).join(Borrower).where(Borrower.phone == "13800138000").order_by(Loan.loan_ref))
    if loan is None:
        return
    tz = lender_tz()

    def at(days_ago: int, hh: int, mm: int) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(hh, mm), tz)

    rows = [
        ("DEMO-C-01", at(6, 10, 15), "call", True, 180, "13800138000", "borrower", "075588886666", "A017", "", "提醒还款"),
        ("DEMO-C-02", at(5, 14, 0), "sms", None, None, "13800138000", "borrower", "075588886666", "", "", "还款提醒短信"),
        ("DEMO-C-03", at(4, 22, 40), "call", True, 60, "13800138000", "borrower", "02061234567", "GZ-208", "AG-GZ02",
         "夜间来电"),
        ("DEMO-C-04", at(3, 11, 5), "call", True, 45, "13912345678", "family", "02061234567", "GZ-208", "AG-GZ02",
         "联系家人"),
    ]
    rows += [(f"DEMO-C-1{i}", at(2, 9 + i, 10), "call", False, 0, "13800138000", "borrower", "02061234567", "GZ-211",
              "AG-GZ02", "") for i in range(7)]
    contacts = [Contact(contact_ref=ref, loan_id=loan.id, at=when, channel=channel, answered=answered,
                        duration_s=duration, to_number=to, to_party=party, from_number=caller, agent=agent,
                        agency_code=agency, summary=summary, source_digest="demo")
                for ref, when, channel, answered, duration, to, party, caller, agent, agency, summary in rows]
    contacts.append(Contact(contact_ref="DEMO-C-20", loan_id=loan.id, at=at(1, 15, 30), channel="visit",
                            to_party="borrower", agent="GZ-208", agency_code="AG-GZ02", summary="上门",
                            collectors_count=1, source_digest="demo"))
    # An agency that stopped collecting for the lender last year (on the published list as past): its call is
    # flagged as "not on the published list".
    contacts.append(Contact(contact_ref="DEMO-C-21", loan_id=loan.id, at=at(1, 10, 0), channel="call", answered=True,
                            duration_s=90, to_number="13800138000", to_party="borrower", from_number="075566667777",
                            agent="SZ-031", agency_code="AG-SZ01", summary="催收电话", source_digest="demo"))
    session.add_all(contacts)
    session.flush()
