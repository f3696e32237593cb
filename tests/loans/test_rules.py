"""Overdue status rules: hand-computed examples to the fen, and properties (hypothesis)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.loans.rules import (
    DEFAULT_ORDER, PaymentItem, ScheduleItem, TimelineSettings, annualised_cost, check_order, compute_status,
    cost_check, stage_for, timeline,
)

RATE = Decimal("0.0005")
SCHEDULE = [
    ScheduleItem(1, date(2026, 2, 14), 40000, 1000, 0),
    ScheduleItem(2, date(2026, 3, 16), 40000, 1000, 0),
    ScheduleItem(3, date(2026, 4, 15), 40000, 1000, 500),
]
PAYMENTS = [PaymentItem(date(2026, 2, 20), 20000), PaymentItem(date(2026, 3, 20), 50000)]


def test_hand_example_several_partly_paid_instalments():
    s = compute_status(SCHEDULE, PAYMENTS, RATE, date(2026, 4, 25))
    one, two, three = s.instalments
    # Instalment 1: 6 days on 400.00 = 1.20 penalty; the 200.00 pays 1.20 + 10.00 interest + 188.80 principal.
    # Then 28 days (Feb 20 -> Mar 20) on 211.20 = 2.9568 -> 2.96; the 500.00 clears it (2.96 + 211.20).
    assert (one.penalty_accrued_fen, one.unpaid_fen, one.paid_principal_fen) == (120 + 296, 0, 40000)
    # Instalment 2: 4 days on 400.00 = 0.80; 500.00 - 214.16 = 285.84 pays 0.80 + 10.00 + 275.04 principal.
    # Then 36 days (Mar 20 -> Apr 25) on 124.96 = 2.24928 -> 2.25.
    assert two.paid_principal_fen == 27504 and two.penalty_accrued_fen == 80 + 225
    assert (two.unpaid_principal_fen, two.unpaid_penalty_fen, two.unpaid_interest_fen) == (12496, 225, 0)
    # Instalment 3: 10 days on 400.00 = 2.00.
    assert (three.unpaid_principal_fen, three.unpaid_interest_fen, three.unpaid_fee_fen,
            three.unpaid_penalty_fen) == (40000, 1000, 500, 200)
    assert s.due_now_fen == s.outstanding_fen == 54421
    assert (s.due_principal_fen, s.due_interest_fen, s.due_penalty_fen, s.due_fee_fen) == (52496, 1000, 425, 500)
    assert (s.days_overdue, s.stage) == (40, "M2")  # from the day after Mar 16, the oldest unpaid due date
    assert s.paid_total_fen == 70000 and s.credit_fen == 0 and s.penalty_accrued_fen == 921


def test_not_yet_due_and_due_today():
    s = compute_status(SCHEDULE, [], RATE, date(2026, 2, 14))
    assert s.due_now_fen == 41000 and s.days_overdue == 0 and s.stage == "current"
    assert s.outstanding_fen == 123500 and s.instalments[0].state == "due"
    s = compute_status(SCHEDULE, [], RATE, date(2026, 2, 1))
    assert s.due_now_fen == 0 and s.next_due.seq == 1 and s.instalments[0].state == "upcoming"


def test_first_overdue_day_costs_one_day_of_penalty():
    s = compute_status(SCHEDULE, [PaymentItem(date(2026, 2, 15), 41020)], RATE, date(2026, 2, 15))
    assert s.instalments[0].penalty_accrued_fen == 20 and s.instalments[0].unpaid_fen == 0
    assert s.days_overdue == 0 and s.due_now_fen == 0


def test_early_payment_settles_the_oldest_instalment_and_overpayment_is_credit():
    s = compute_status(SCHEDULE, [PaymentItem(date(2026, 1, 20), 50000)], RATE, date(2026, 1, 31))
    assert s.instalments[0].unpaid_fen == 0 and s.instalments[1].paid_principal_fen == 8000
    assert s.instalments[1].state == "part_paid"
    s = compute_status(SCHEDULE, [PaymentItem(date(2026, 1, 20), 130000)], RATE, date(2026, 6, 1))
    assert s.outstanding_fen == 0 and s.credit_fen == 130000 - 123500 and s.stage == "current"


def test_payments_after_as_of_are_ignored():
    s = compute_status(SCHEDULE, PAYMENTS, RATE, date(2026, 3, 1))
    assert s.paid_total_fen == 20000


def test_other_payment_order():
    order = ("principal", "interest", "fee", "penalty")
    s = compute_status(SCHEDULE, [PaymentItem(date(2026, 2, 20), 20000)], RATE, date(2026, 2, 20), order)
    assert s.instalments[0].paid_principal_fen == 20000 and s.instalments[0].unpaid_penalty_fen == 120
    with pytest.raises(ValueError):
        check_order(("fee", "fee", "interest", "principal"))


@pytest.mark.parametrize("days,stage", [(0, "current"), (1, "M1"), (30, "M1"), (31, "M2"), (60, "M2"),
                                        (61, "M3"), (90, "M3"), (91, "M4+"), (400, "M4+")])
def test_stages(days, stage):
    assert stage_for(days) == stage


def test_annualised_cost():
    start = date(2025, 1, 1)
    # One payment of 1,100.00 a year after borrowing 1,000.00 is 10 % a year.
    assert annualised_cost(100000, start, [ScheduleItem(1, date(2026, 1, 1), 100000, 10000, 0)]) == Decimal("0.1")
    assert annualised_cost(100000, start, [ScheduleItem(1, date(2026, 1, 1), 100000, 0, 0)]) == 0
    # 12 monthly instalments at 3 % a month on the declining balance: far above 24 %.
    check = cost_check(120000, start, [ScheduleItem(i, date(2025, 1, 1) + timedelta(days=30 * i), 10000,
                                                    (120000 - 10000 * (i - 1)) * 3 // 100, 0) for i in range(1, 13)],
                       RATE)
    assert check.exceeds and check.contract_rate > Decimal("0.40")
    assert check.penalty_rate == Decimal("0.1825")


def test_timeline_dates():
    s = compute_status(SCHEDULE, PAYMENTS, RATE, date(2026, 4, 25))
    steps = {step.kind: step for step in timeline(s, TimelineSettings())}
    assert steps["due"].on == date(2026, 3, 16)
    assert steps["credit_notice"].on == date(2026, 4, 15) and steps["credit_notice"].done
    assert steps["credit_report"].on == date(2026, 5, 15) and not steps["credit_report"].done
    assert steps["visit"].on == date(2026, 5, 15)
    settled = compute_status(SCHEDULE, [PaymentItem(date(2026, 1, 20), 200000)], RATE, date(2026, 6, 1))
    assert timeline(settled) == []


# ---- properties -----------------------------------------------------------------------------------------

START = date(2025, 1, 1)


@st.composite
def loans(draw):
    n = draw(st.integers(1, 8))
    gaps = draw(st.lists(st.integers(1, 40), min_size=n, max_size=n))
    due, schedule = START, []
    for i, gap in enumerate(gaps, 1):
        due += timedelta(days=gap)
        schedule.append(ScheduleItem(i, due, draw(st.integers(0, 500_000)), draw(st.integers(0, 20_000)),
                                     draw(st.integers(0, 5_000))))
    payments = [PaymentItem(START + timedelta(days=d), a) for d, a in draw(st.lists(
        st.tuples(st.integers(0, 400), st.integers(1, 300_000)), max_size=8))]
    rate = Decimal(draw(st.integers(0, 100))) / Decimal(100_000)
    order = draw(st.permutations(DEFAULT_ORDER))
    return schedule, payments, rate, tuple(order)


@settings(max_examples=150, deadline=None)
@given(loans(), st.integers(0, 500))
def test_conservation(loan, offset):
    schedule, payments, rate, order = loan
    s = compute_status(schedule, payments, rate, START + timedelta(days=offset), order)
    scheduled = sum(i.principal_fen + i.interest_fen + i.fee_fen for i in schedule)
    assert scheduled + s.penalty_accrued_fen == s.paid_applied_fen + s.outstanding_fen
    assert s.paid_total_fen == s.paid_applied_fen + s.credit_fen
    assert s.due_now_fen <= s.outstanding_fen and s.credit_fen >= 0
    assert all(min(i.unpaid_principal_fen, i.unpaid_interest_fen, i.unpaid_fee_fen, i.unpaid_penalty_fen) >= 0
               for i in s.instalments)
    assert s.due_now_fen == s.due_principal_fen + s.due_interest_fen + s.due_penalty_fen + s.due_fee_fen
    assert stage_for(s.days_overdue) == s.stage


@settings(max_examples=150, deadline=None)
@given(loans(), st.integers(0, 400), st.integers(1, 200))
def test_outstanding_never_falls_without_new_payments(loan, offset, later):
    schedule, payments, rate, order = loan
    first = START + timedelta(days=offset)
    paid = [p for p in payments if p.paid_on <= first]
    a = compute_status(schedule, paid, rate, first, order)
    b = compute_status(schedule, paid, rate, first + timedelta(days=later), order)
    assert b.outstanding_fen >= a.outstanding_fen
    assert b.due_now_fen >= a.due_now_fen
    assert b.penalty_accrued_fen >= a.penalty_accrued_fen
    assert b.days_overdue == 0 or b.days_overdue >= a.days_overdue


@settings(max_examples=60, deadline=None)
@given(loans())
def test_paying_everything_due_clears_the_overdue(loan):
    schedule, payments, rate, order = loan
    as_of = schedule[-1].due_date + timedelta(days=10)
    s = compute_status(schedule, payments, rate, as_of, order)
    top_up = s.due_now_fen
    if top_up:
        s = compute_status(schedule, payments + [PaymentItem(as_of, top_up)], rate, as_of, order)
    assert s.due_now_fen == 0 and s.days_overdue == 0 and s.stage == "current"


def test_a_payment_recorded_late_for_a_day_before_the_plan_goes_to_the_plan():
    """The plan's amounts were worked out on 1 February from the 99,999 then known; a payment dated 31 January that
    the lender recorded later was not in them: it goes to the plan, never lost."""
    from portal.loans.rules import plan_status

    lines = [(date(2026, 3, 1), 50000), (date(2026, 4, 1), 50000)]
    payments = [PaymentItem(date(2026, 1, 10), 99999), PaymentItem(date(2026, 1, 31), 20000)]
    s = plan_status(lines, payments, 99999, as_of=date(2026, 2, 10))
    assert s.paid_fen == 20000 and s.outstanding_fen == 80000
    assert plan_status(lines, payments[:1], 119999, date(2026, 2, 10)).paid_fen == 0  # a payment taken back: no credit


def test_plan_status_applies_payments_beyond_those_its_amounts_count_to_plan_payments_oldest_first():
    from portal.loans.rules import paid_up_to, plan_status

    lines = [(date(2026, 3, 1), 50000), (date(2026, 4, 1), 50000), (date(2026, 5, 1), 50001)]
    payments = [PaymentItem(date(2026, 1, 10), 99999),  # before the plan: counted in its amounts already
                PaymentItem(date(2026, 2, 20), 30000), PaymentItem(date(2026, 3, 5), 30000)]
    counted = paid_up_to(payments, date(2026, 2, 1))  # the day the plan's amounts were worked out
    assert counted == 99999
    s = plan_status(lines, payments, counted, as_of=date(2026, 4, 10))
    assert s.paid_fen == 60000 and [r.paid_fen for r in s.lines] == [50000, 10000, 0]
    assert s.due_now_fen == 40000 and s.outstanding_fen == 90001 and s.days_overdue == 9
    assert s.next_line.due_date == date(2026, 4, 1) and s.next_line.unpaid_fen == 40000
    on_track = plan_status(lines, payments + [PaymentItem(date(2026, 4, 2), 40000)], counted, date(2026, 4, 10))
    assert on_track.due_now_fen == 0 and not on_track.is_overdue and on_track.next_line.due_date == date(2026, 5, 1)
