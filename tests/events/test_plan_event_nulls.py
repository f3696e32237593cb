"""A plan event sends null, not 0, for terms its kind does not have: an instalments plan has no deferral_days, a
deferral no months (a receiver reading 0 would take it for a deferral of no days)."""
from __future__ import annotations

from datetime import date

from portal.extensions import db
from portal.plans import rules as plan_rules
from portal.plans import services as plan_services
from portal.plans.models import PlanProposal
from tests.events.test_actions import borrower  # noqa: F401 (fixture)
from tests.plans.conftest import overdue_loan, propose  # noqa: F401 (fixtures)


def test_an_instalments_plan_has_no_deferral_days_and_a_deferral_no_months(app, client, borrower, overdue_loan,
                                                                           propose, new_events, create_staff,
                                                                           session):
    loan = overdue_loan(borrower)
    new_events()
    p = propose(loan)
    sent = new_events()[0]
    assert sent.type == "plan.submitted" and sent.data["kind"] == "instalments"
    assert sent.data["months"] == 6 and sent.data["deferral_days"] is None
    boss = create_staff(role="supervisor")
    with app.test_request_context():
        p = session.get(PlanProposal, p.id)
        terms = plan_rules.Terms.of("deferral", deferral_days=30)
        plan_services.counter(p, boss, p.version, terms, plan_services.preview(loan, terms, None, date.today()))
        db.session.commit()
    countered = new_events()[0]
    assert countered.type == "plan.countered" and countered.data["kind"] == "deferral"
    assert countered.data["deferral_days"] == 30 and countered.data["months"] is None
