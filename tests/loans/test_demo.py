"""``seed-demo`` covers every overdue stage, partly paid loans and a borrower with several loans."""
from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from portal.loans import demo, rules
from portal.loans.models import Loan


def test_demo_covers_every_stage(session):
    today = date(2026, 5, 10)
    demo.seed(session, today)
    loans = list(session.scalars(select(Loan)))
    statuses = {loan.loan_ref: rules.status_of(loan, today) for loan in loans}
    assert {s.stage for s in statuses.values()} == set(rules.STAGES)
    assert any(0 < i.paid_fen < i.scheduled_fen for s in statuses.values() for i in s.instalments)
    assert max(Counter(loan.borrower_id for loan in loans).values()) >= 2
    demo.seed(session, today)  # seeding twice changes nothing
    assert len(list(session.scalars(select(Loan)))) == len(loans)
