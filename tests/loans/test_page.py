"""``portal.loans.page``: the loan page computed once into typed values (plan steps, chart, timeline, panels)."""
from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from portal.loans import page as loan_page
from portal.loans import rules
from portal.loans.panels import AgreedPlan, LoanPanel, PlanPayment, panels_for, register_loan_panel

TODAY = date(2026, 4, 25)
ZERO = Decimal(0)


def test_plan_steps_mark_past_and_next_payments():
    lines = [(date(2026, 3, 1), 100), (date(2026, 4, 1), 100), (date(2026, 4, 25), 100), (date(2026, 5, 1), 100),
             (date(2026, 6, 1), 100)]
    status = rules.plan_status(lines, [rules.PaymentItem(date(2026, 3, 2), 150)], 0, TODAY)
    steps = loan_page.plan_steps(status)
    assert [s.due_date for s in steps] == [d for d, _a in lines[1:]]  # the first payment is paid in full
    assert [(s.unpaid_fen, s.paid_fen) for s in steps][0] == (50, 50)
    assert [s.past for s in steps] == [True, True, False, False]
    assert [s.date_passed for s in steps] == [True, False, False, False]  # today's payment: its date has not passed
    assert [s.is_next for s in steps] == [False, False, True, False]


def test_chart_geometry_adds_up_and_handles_nothing_charged():
    status = rules.compute_status([rules.ScheduleItem(1, date(2026, 3, 1), 30000, 0, 0),
                                   rules.ScheduleItem(2, date(2026, 5, 1), 30000, 0, 0)],
                                  [rules.PaymentItem(date(2026, 1, 1), 20000)], ZERO, TODAY)
    chart = loan_page.bar_chart(status)
    assert (chart.paid_fen, chart.due_fen, chart.owed_fen, chart.later_fen, chart.total_fen) == \
        (20000, 10000, 40000, 30000, 60000)
    assert (chart.paid, chart.due, chart.later, chart.later_x, chart.paid_pct) == (33.3, 16.7, 50.0, 50.0, 33)
    empty = loan_page.bar_chart(rules.compute_status([], [], ZERO, TODAY))
    assert (empty.paid, empty.due, empty.later, empty.paid_pct, empty.total_fen) == (0, 0, 0, 0, 0)


def test_timeline_names_its_due_date_and_the_next_step():
    status = rules.compute_status([rules.ScheduleItem(1, date(2026, 4, 20), 10000, 0, 0)], [], ZERO,
                                  TODAY)
    timeline = loan_page.timeline_of(status, rules.TimelineSettings())
    assert timeline.due_date == date(2026, 4, 20)
    first_open = timeline.steps[timeline.next_index]
    assert not first_open.done and all(s.done for s in timeline.steps[:timeline.next_index])
    settled = rules.compute_status([], [], ZERO, TODAY)
    assert loan_page.timeline_of(settled, rules.TimelineSettings()).next_index is None


def test_the_page_object_is_frozen_and_an_agreed_plan_replaces_the_figures(app, create_borrower, create_loan):
    borrower = create_borrower()
    loan = create_loan(borrower, start=date(2026, 1, 15))
    plan = AgreedPlan((PlanPayment(date(2026, 5, 1), 50000), PlanPayment(date(2026, 6, 1), 73000)), date(2026, 4, 1))

    def provider(_borrower, loans):
        return {x.id: [LoanPanel(badge="B", plan=plan), LoanPanel(panel_template="x.html")] for x in loans}

    register_loan_panel(app, provider)
    try:
        with app.test_request_context():
            page = loan_page.loan_page(borrower, loan, TODAY)
    finally:
        app.extensions["loan_panels"].remove(provider)
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.due_now_fen = 0
    assert page.plan is not None and page.schedule_panel.replaces_schedule
    assert (page.due_now_fen, page.outstanding_fen) == (0, 123000)  # under the plan: nothing due before May 1
    assert page.state.under_plan and page.state.due_now_fen == 0
    assert [p.panel_template for p in page.extra_panels] == ["x.html"] and [p.badge for p in page.badges] == ["B"]
    assert page.status.due_now_fen > 0  # the contract's arrears are still there, shown apart


def test_a_provider_must_return_typed_panels(app, create_borrower, create_loan):
    borrower = create_borrower()
    loan = create_loan(borrower)

    def provider(_borrower, loans):
        return {x.id: [{"badge": "untyped"}] for x in loans}

    register_loan_panel(app, provider)
    try:
        with app.test_request_context(), pytest.raises(TypeError, match="LoanPanel"):
            panels_for(borrower, [loan])
    finally:
        app.extensions["loan_panels"].remove(provider)
    with pytest.raises(ValueError):
        LoanPanel(tone="loud")
