"""``seed-demo`` has proposals in every state, with schedules that sum to what was owed."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.accounts.services import create_staff
from portal.loans import demo as loan_demo
from portal.plans import demo, rules
from portal.plans.models import PlanProposal


def test_demo_has_every_state(session):
    today = date(2026, 5, 10)
    create_staff("demo-boss", "supervisor", "x" * 12)
    loan_demo.seed(session, today)
    demo.seed(session, today)
    session.commit()
    plans = list(session.scalars(select(PlanProposal)))
    assert {p.state for p in plans} == set(rules.STATES) - {"draft"}
    for p in plans:
        owed = p.owed_principal_fen + p.owed_interest_fen + p.owed_penalty_fen + p.owed_fee_fen + p.owed_later_fen
        waived = p.owed_penalty_fen + p.owed_fee_fen if "waiver" in p.kind else 0
        assert sum(x.amount_fen for x in p.lines_of("proposed")) == owed - waived
    demo.seed(session, today)  # seeding twice changes nothing
    assert len(list(session.scalars(select(PlanProposal)))) == len(plans)
