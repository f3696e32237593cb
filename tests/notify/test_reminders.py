"""Scheduled reminders on a frozen clock (the lender's time zone): a visit tomorrow from 18:00 the day before,
a payment due in 3 days, a payment missed the day after (and a week after); each exactly once however often the
task runs; and the daily deadline digest to staff."""
from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from portal.extensions import db
from portal.notify.reminders import run_reminders
from portal.plans.models import PlanLine, PlanProposal
from portal.visits.models import Visit

TZ = ZoneInfo("Asia/Shanghai")
_BADGES = itertools.count(1000)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ).astimezone(timezone.utc)


def run(app, now: datetime) -> dict:
    with app.test_request_context():
        result = run_reminders(now)
        db.session.commit()
    return result


@pytest.fixture
def visit_on(session, create_borrower, create_loan):
    from portal.visits.models import Visitor

    def factory(day: date, *, state="confirmed", locale="zh_Hans"):
        borrower = create_borrower(locale=locale)
        loan = create_loan(borrower)
        n = next(_BADGES)
        people = [Visitor(name="刘强", badge_number=f"BJ{n}A"), Visitor(name="周敏", badge_number=f"BJ{n}B")]
        start = datetime.combine(day, time(10), tzinfo=TZ)
        visit = Visit(loan_id=loan.id, address="北京市东城区", window_start=start, window_end=start + timedelta(hours=2),
                      purpose="核实地址", state=state, code="ABC234", visitors=people)
        session.add(visit)
        session.commit()
        return borrower, visit

    return factory


def test_visit_tomorrow_goes_out_from_18_00_the_day_before_and_once(app, visit_on, outbox):
    day = date(2026, 12, 3)
    borrower, visit = visit_on(day, locale="zh_Hant")
    _other, cancelled = visit_on(day, state="cancelled")
    assert run(app, at(day - timedelta(days=1), 17, 59))["visit_tomorrow"] == 0
    assert outbox() == []
    assert run(app, at(day - timedelta(days=1), 18, 0))["visit_tomorrow"] == 1
    assert run(app, at(day - timedelta(days=1), 18, 1))["visit_tomorrow"] == 0  # the next run sends nothing again
    assert run(app, at(day - timedelta(days=1), 21, 30))["visit_tomorrow"] == 0
    rows = outbox()  # 18:00 is not night: it went out at once
    assert len(rows) == 1 and rows[0]["template"] == "visit_tomorrow" and rows[0]["locale"] == "zh_Hant"
    assert rows[0]["to"] == borrower.phone and rows[0]["params"]["url"].endswith(f"/visits/{visit.id}")
    assert "明天" in rows[0]["text"] and "12月3日" in rows[0]["params"]["when"]
    assert run(app, at(day, 18, 0))["visit_tomorrow"] == 0  # the visit is today now: no "tomorrow" reminder


def test_a_moved_visit_is_reminded_again_for_its_new_day(app, visit_on, outbox):
    day = date(2026, 12, 3)
    _b, visit = visit_on(day)
    run(app, at(day - timedelta(days=1), 18))
    v = db.session.get(Visit, visit.id)
    v.window_start, v.window_end = v.window_start + timedelta(days=2), v.window_end + timedelta(days=2)
    db.session.commit()
    assert run(app, at(day + timedelta(days=1), 18))["visit_tomorrow"] == 1
    assert [r["template"] for r in outbox()] == ["visit_tomorrow", "visit_tomorrow"]


def _agreed_plan(session, borrower, loan, lines: list[tuple[date, int]], agreed: date) -> PlanProposal:
    when = datetime.combine(agreed, time(10), tzinfo=TZ)
    p = PlanProposal(borrower_id=borrower.id, loan_id=loan.id, state="approved", kind="instalments", months=len(lines),
                     income_fen=600000, submitted_at=when - timedelta(days=1), decided_at=when)
    p.lines = [PlanLine(which="proposed", seq=i, due_date=d, amount_fen=a) for i, (d, a) in enumerate(lines, 1)]
    session.add(p)
    session.commit()
    return p


def test_plan_payment_reminders_before_and_after(app, session, create_borrower, create_loan, outbox):
    from portal.loans.models import Payment

    borrower = create_borrower(locale="zh_Hant")
    loan = create_loan(borrower, loan_ref="L2026PLAN01", start=date(2026, 1, 15))
    first, second = date(2026, 12, 10), date(2027, 1, 10)
    _agreed_plan(session, borrower, loan, [(first, 50000), (second, 50000)], date(2026, 12, 1))
    assert run(app, at(date(2026, 12, 7), 8, 59))["plan_payments"] == 0  # reminders go out from 09:00
    assert run(app, at(date(2026, 12, 7), 9, 0))["plan_payments"] == 1
    assert run(app, at(date(2026, 12, 7), 15, 0))["plan_payments"] == 0
    due = outbox()[-1]
    # a payment under the agreed plan has its own texts: it says so, and never invites her to propose a plan
    loan_page = app.config["BASE_URL"] + "/loans/L2026PLAN01"
    assert due["template"] == "plan_payment_due" and due["locale"] == "zh_Hant"
    assert due["params"] == {"ref": "L2026PLAN01", "amount": "¥500.00", "date": due["params"]["date"],
                             "url": loan_page}
    assert "12月10日" in due["params"]["date"] and "¥500.00" in due["text"] and "到期" in due["text"]
    assert "已達成的還款方案" in due["text"] and due["text"].endswith(loan_page)
    assert run(app, at(date(2026, 12, 11), 9, 30))["plan_payments"] == 1  # unpaid the day after
    missed = outbox()[-1]
    assert missed["template"] == "plan_payment_missed" and missed["text"].endswith(loan_page)
    assert "還款方案中" in missed["text"] and "未收到" in missed["text"]
    assert "提出還款方案" not in missed["text"] and "提出" not in missed["text"]
    # paid before the week-after reminder: nothing more for the first payment
    loan = db.session.merge(loan)
    loan.payments.append(Payment(seq=1, paid_on=date(2026, 12, 12), amount_fen=50000))
    db.session.commit()
    assert run(app, at(date(2026, 12, 17), 9, 30))["plan_payments"] == 0
    # the contract's instalments are replaced by the plan: no contract reminders for this loan
    assert [r["template"] for r in outbox()] == ["plan_payment_due", "plan_payment_missed"]


def test_contract_instalment_reminders_follow_the_loan_page_timeline(app, create_borrower, create_loan, outbox):
    """Every reminder the loan page lists is sent on its date, and on no other day."""
    from portal.loans import rules
    from portal.loans.queries import timeline_settings

    borrower = create_borrower()
    start = date(2026, 11, 20)
    loan = create_loan(borrower, loan_ref="L2026CONT01", start=start, months=3)  # due Dec 20, Jan 19, Feb 18
    first_due = start + timedelta(days=30)
    with app.test_request_context():
        status = rules.compute_status(rules.schedule_of(db.session.merge(loan)), [], loan.penalty_daily_rate,
                                      first_due - timedelta(days=10))
        promised = {s.on for s in rules.timeline(status, timeline_settings()) if s.kind.startswith("reminder")}
    assert promised == {first_due - timedelta(days=3), first_due + timedelta(days=1), first_due + timedelta(days=7)}
    day, sent_on = first_due - timedelta(days=5), set()
    while day <= first_due + timedelta(days=10):
        if run(app, at(day, 9, 5))["contract_instalments"]:
            sent_on.add(day)
        day += timedelta(days=1)
    assert sent_on == promised
    assert [r["template"] for r in outbox()] == ["instalment_due", "instalment_missed", "instalment_missed"]
    assert outbox()[0]["params"]["amount"] == "¥410.00"  # 400.00 principal + 10.00 interest
    assert all(r["params"]["url"] == app.config["BASE_URL"] + "/loans/L2026CONT01" for r in outbox())
    assert "提出还款方案" in outbox()[1]["text"]  # no plan yet: she can propose one


def test_digest_to_the_assignee_or_everyone_once_a_working_day(app, session, create_staff, make_complaint, mailbox):
    from portal.complaints.rules import is_working_day
    from portal.orm import utcnow

    agent = create_staff(email="agent@lender.example")
    other = create_staff(email="other@lender.example", locale="zh_Hant")
    create_staff()  # no address: no digest
    mine = make_complaint(now=utcnow() - timedelta(days=8))
    loose = make_complaint(now=utcnow() - timedelta(days=9))
    c = db.session.merge(mine)
    c.assignee_id = agent.id
    db.session.commit()
    today = datetime.now(TZ).date()
    while not is_working_day(today):
        today += timedelta(days=1)
    assert run(app, at(today, 7, 59))["staff_digest"] == 0
    assert run(app, at(today, 8, 0))["staff_digest"] == 2
    assert run(app, at(today, 12, 0))["staff_digest"] == 0  # once a day
    mails = {m["to"]: m for m in mailbox()}
    assert len(mailbox()) == 2 and set(mails) == {"agent@lender.example", "other@lender.example"}
    assert mine.reference in mails["agent@lender.example"]["text"]
    assert loose.reference in mails["agent@lender.example"]["text"]
    assert mine.reference not in mails["other@lender.example"]["text"]  # assigned to someone else
    assert loose.reference in mails["other@lender.example"]["text"]  # nobody's: everyone hears of it
    assert "須確認受理" in mails["other@lender.example"]["text"] and "投訴期限提醒" in mails["other@lender.example"]["subject"]
    assert "须确认受理" in mails["agent@lender.example"]["text"]


def test_send_reminders_command_runs_once_per_event(app, visit_on, outbox, monkeypatch):
    import portal.orm

    day = date(2026, 12, 3)
    visit_on(day)
    monkeypatch.setattr(portal.orm, "utcnow", lambda: at(day - timedelta(days=1), 18, 30))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0, first.output
    assert "visit_tomorrow: 1" in first.output
    assert "visit_tomorrow: 0" in runner.invoke(args=["send-reminders"]).output
    assert [r["template"] for r in outbox()] == ["visit_tomorrow"]
