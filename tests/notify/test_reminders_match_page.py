"""The reminders a long-overdue loan gets are the ones its page lists, and a missed-payment reminder states the
loan page's amount due now -- not one instalment's (李娜: "¥735.39 not received" while her page said ¥4,515.45)."""
from __future__ import annotations

import html
from datetime import date, timedelta

import pytest

import portal.loans.routes as loan_routes
from portal.extensions import db
from portal.i18n import money
from portal.loans import queries
from portal.loans.models import Loan
from tests.notify.test_reminders import at, run

START = date(2026, 1, 15)   # instalments due every 30 days from 2026-02-14
TODAY = date(2026, 7, 10)   # the first five are unpaid, the oldest 146 days; the next falls due on 2026-07-14


@pytest.fixture
def overdue(create_borrower, create_loan):
    borrower = create_borrower()
    return borrower, create_loan(borrower, loan_ref="L2026LATE01", principal="12000.00", months=12, start=START)


def _view(app, loan, day):
    with app.test_request_context():
        fresh = db.session.get(Loan, loan.id)
        return queries.loan_view(fresh.borrower, fresh, day)


def test_the_page_lists_the_reminders_that_will_be_sent(app, client, login, overdue, outbox, monkeypatch):
    borrower, loan = overdue
    view = _view(app, loan, TODAY)
    next_due = START + timedelta(days=30 * 6)
    assert view.status.oldest_unpaid_due == START + timedelta(days=30) and view.status.next_due.due_date == next_due
    listed = {s.on for s in view.timeline.steps if s.kind.startswith("reminder") and not s.done}
    assert listed == {next_due - timedelta(days=3), next_due + timedelta(days=1), next_due + timedelta(days=7)}
    assert any(s.kind == "next_due" and s.on == next_due for s in view.timeline.steps)
    monkeypatch.setattr(loan_routes, "local_today", lambda: TODAY)
    login(client, borrower)
    page = html.unescape(client.get(f"/loans/{loan.loan_ref}").get_data(as_text=True))
    section = page[page.index('id="next-title"'):]
    section = section[:section.index("</section>")]
    assert "下一期的到期日。" in section and "这里也列出之后各期（直到下一期到期）还会发送的短信提醒" in section
    sent_on = set()
    day = TODAY + timedelta(days=1)
    while day <= next_due + timedelta(days=7):
        if run(app, at(day, 9, 5))["contract_instalments"]:
            sent_on.add(day)
        day += timedelta(days=1)
    assert sent_on == listed


def test_a_missed_payment_reminder_states_the_pages_amount_due_now(app, overdue, outbox):
    _borrower, loan = overdue
    next_due = START + timedelta(days=30 * 6)
    day = next_due + timedelta(days=1)
    assert run(app, at(day, 9, 5))["contract_instalments"] == 1
    sms = outbox()[-1]
    assert sms["template"] == "instalment_missed"
    view = _view(app, loan, day)
    with app.test_request_context():
        due_now, one = money(view.state.due_now_fen), money(view.status.instalments[5].unpaid_fen)
    assert view.state.due_now_fen > view.status.instalments[5].unpaid_fen
    assert sms["params"]["amount"] == due_now and due_now in sms["text"] and one not in sms["text"]
