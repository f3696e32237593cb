"""The borrower's home is "what needs you now" (issue 13, point 2): money due and by when, a visit waiting for an
answer (today / tomorrow), a counter-offer to answer, a staff reply on a complaint — each with one button."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from portal.i18n import lender_tz, local_today
from portal.visits.models import Visit, Visitor


def home(client, raw: bool = False) -> str:
    from tests.test_consistency import main, plain

    text = main(client.get("/").get_data(as_text=True))
    return text if raw else plain(text)


def test_money_due_now_and_since_when(client, create_borrower, create_loan, login):
    me = create_borrower()
    loan = create_loan(me)  # three instalments from 2026-02-14, nothing paid
    login(client, me)
    from portal.loans.rules import status_of

    due = status_of(loan, local_today()).due_now_fen
    page = home(client)
    assert f"借款 {loan.loan_ref} 现在应还 ¥{due / 100:,.2f} 最早一期 2026年2月14日 到期" in page
    assert "如何还款" in page and f'href="/loans/{loan.loan_ref}"' in home(client, raw=True)
    assert 'href="/rights"' not in home(client, raw=True)  # the home does not repeat the navigation


def test_nothing_due_says_so_and_shows_the_next_payment(client, create_borrower, create_loan, login):
    me = create_borrower(locale="zh_Hant")
    start = local_today() - timedelta(days=10)
    loan = create_loan(me, start=start)
    login(client, me)
    page = home(client)
    assert "現在沒有需要您處理的事情" in page
    assert f"借款 {loan.loan_ref}：下一筆還款 ¥410.00" in page


def _visit(session, loan, day, state="proposed"):
    people = [Visitor(name="刘强", badge_number="BJ1024"), Visitor(name="周敏", badge_number="BJ1025")]
    start = datetime.combine(day, time(19), tzinfo=lender_tz())
    visit = Visit(loan_id=loan.id, address="北京市东城区", window_start=start,
                  window_end=start + timedelta(hours=1),
                  purpose="核实地址", state=state, code="ABC234", visitors=people)
    session.add(visit)
    session.commit()
    return visit


def test_a_visit_waiting_for_an_answer_is_marked_today_or_tomorrow(client, session, create_borrower, create_loan,
                                                                   login):
    me = create_borrower()
    loan = create_loan(me)
    visit = _visit(session, loan, local_today() + timedelta(days=1))
    login(client, me)
    page = home(client)
    assert "明天" in page and "回复上门核实安排" in page
    assert f'href="/visits/{visit.id}"' in home(client, raw=True)
    session.get(Visit, visit.id).state = "confirmed"  # (the object was detached by the request)
    session.commit()
    assert "回复上门核实安排" not in home(client)
    assert "明天" in home(client)  # a confirmed visit tomorrow still shows, as news


def test_a_counter_offer_to_answer(client, session, create_borrower, create_loan, login):
    from portal.plans.models import PlanProposal

    me = create_borrower()
    loan = create_loan(me)
    now = datetime.now(lender_tz())
    p = PlanProposal(borrower_id=me.id, loan_id=loan.id, state="countered", kind="instalments", months=6,
                     income_fen=500000, submitted_at=now, decided_at=now, counter_kind="instalments",
                     counter_months=8, counter_start_date=local_today())
    session.add(p)
    session.commit()
    login(client, me)
    page = home(client)
    assert f"借款 {loan.loan_ref}：贷款机构提出了其他条件：请您答复" in page
    assert f'href="/plans/{p.id}"' in home(client, raw=True) and "查看贷款机构的条件并答复" in page


def test_a_staff_reply_on_a_complaint(client, session, create_borrower, create_staff, login):
    from portal.complaints import services
    from portal.complaints.models import ComplaintMessage

    me = create_borrower()
    staff = create_staff()
    complaint, _secret = services.file_complaint(
        services.Filing(categories=["insults"], channel="phone", what_happened="骂人", locale="zh_Hans",
                        preferred_contact="portal"), borrower=me, now=datetime.now(lender_tz()))
    session.commit()
    cid, ref, staff_id = complaint.id, complaint.reference, staff.id
    login(client, me)
    assert "查看回复" not in home(client)
    session.add(ComplaintMessage(complaint_id=cid, author_kind="staff", staff_id=staff_id, body="正在核实",
                                 at=datetime.now(lender_tz())))
    session.commit()
    page = home(client)
    assert f"投诉 {ref}：工作人员已于" in page and "查看回复" in page
    session.add(ComplaintMessage(complaint_id=cid, author_kind="complainant", body="谢谢",
                                 at=datetime.now(lender_tz()) + timedelta(seconds=1)))
    session.commit()
    assert "查看回复" not in home(client)
