"""Plan rules: exact schedules, limits, cost, affordability and the state machine."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.plans import rules
from portal.plans.rules import Budget, Limits, Line, Owed, PlanError, Terms

START = date(2026, 3, 31)


def owed(principal=100_000, interest=5_000, penalty=3_000, fee=2_000, later=()):
    return Owed(principal, interest, penalty, fee, tuple(later))


amounts = st.integers(min_value=0, max_value=50_000_000)
later_lines = st.lists(st.tuples(st.dates(min_value=date(2026, 4, 1), max_value=date(2030, 1, 1)),
                                 st.integers(min_value=0, max_value=5_000_000)), max_size=12)
kinds = st.sampled_from(rules.KINDS)


@settings(max_examples=300, deadline=None)
@given(principal=amounts, interest=amounts, penalty=amounts, fee=amounts, later=later_lines, kind=kinds,
       months=st.integers(min_value=2, max_value=60), days=st.integers(min_value=1, max_value=90),
       start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
def test_schedules_sum_exactly_to_what_is_owed(principal, interest, penalty, fee, later, kind, months, days, start):
    o = Owed(principal, interest, penalty, fee, tuple(Line(d, a) for d, a in later))
    terms = Terms.of(kind, months, days)
    try:
        s = rules.build_schedule(o, terms, start)
    except PlanError as exc:
        if exc.code == "nothing_due":  # only a plan without instalments that has nothing to move or to waive
            assert not terms.has_instalments
            assert (kind == "deferral" and o.due_now_fen - rules.waived(o, terms) <= 0) or rules.waived(o, terms) <= 0
        else:
            assert exc.code in {"nothing_owed", "too_small"}
        return
    expected_waiver = (penalty + fee) if "waiver" in kind else 0
    assert s.waived_fen == expected_waiver
    assert s.total_fen == o.total_fen - expected_waiver
    assert all(x.amount_fen >= 0 for x in s.lines)
    assert all(x.due_date > start for x in s.lines if x not in o.later)
    if terms.has_instalments:
        assert len(s.lines) == months
        first = s.lines[0].amount_fen
        assert all(x.amount_fen == first for x in s.lines[:-1])
        assert 0 <= s.lines[-1].amount_fen - first < months  # the rounding remainder goes to the last one
        assert [x.due_date for x in s.lines] == sorted(x.due_date for x in s.lines)
    if kind == "deferral" and o.due_now_fen:
        assert Line(start + __import__("datetime").timedelta(days=days), o.due_now_fen) in s.lines


@pytest.mark.parametrize("months", [2, 60])
def test_instalment_term_limits_are_inclusive(months):
    s = rules.build_schedule(owed(), Terms.of("instalments", months), START)
    assert len(s.lines) == months and s.total_fen == owed().total_fen


@pytest.mark.parametrize("months", [0, 1, 61, 120])
def test_instalment_terms_outside_the_limits_are_refused(months):
    with pytest.raises(PlanError) as exc:
        rules.build_schedule(owed(), Terms.of("instalments", months), START)
    assert exc.value.code == "months"


def test_configured_month_limit():
    with pytest.raises(PlanError):
        rules.build_schedule(owed(), Terms.of("instalments", 13), START, Limits(max_months=12))
    assert len(rules.build_schedule(owed(), Terms.of("instalments", 12), START, Limits(max_months=12)).lines) == 12


def test_deferral_limit():
    s = rules.build_schedule(owed(), Terms.of("deferral", deferral_days=90), START)
    assert s.lines == (Line(date(2026, 6, 29), owed().due_now_fen),)
    for days in (0, 91):
        with pytest.raises(PlanError) as exc:
            rules.build_schedule(owed(), Terms.of("deferral", deferral_days=days), START)
        assert exc.value.code == "deferral_days"
    with pytest.raises(PlanError):
        rules.build_schedule(owed(), Terms.of("deferral", deferral_days=31), START, Limits(max_deferral_days=30))


def test_a_waiver_of_principal_is_refused():
    for waive in ({"principal"}, {"principal", "penalty", "fee"}):
        with pytest.raises(PlanError) as exc:
            rules.build_schedule(owed(), Terms("waiver", waive=frozenset(waive)), START)
        assert exc.value.code == "principal_waiver"
    with pytest.raises(PlanError) as exc:
        rules.check_terms(Terms("waiver", waive=frozenset({"interest"})))
    assert exc.value.code == "not_waivable"


def test_waiver_takes_off_penalty_and_fees_only():
    s = rules.build_schedule(owed(), Terms.of("waiver"), START)
    assert s.waived_fen == 5_000
    assert s.lines == (Line(date(2026, 4, 30), 105_000),)


def test_instalments_plus_waiver_and_later_instalments():
    o = owed(later=[Line(date(2026, 5, 15), 20_001)])
    s = rules.build_schedule(o, Terms.of("instalments_waiver", 3), START)
    assert [x.amount_fen for x in s.lines] == [41_667, 41_667, 41_667]
    assert sum(x.amount_fen for x in s.lines) == 125_001
    assert [x.due_date for x in s.lines] == [date(2026, 4, 30), date(2026, 5, 31), date(2026, 6, 30)]
    deferred = rules.build_schedule(o, Terms.of("deferral", deferral_days=60), START)
    assert deferred.lines == (Line(date(2026, 5, 15), 20_001), Line(date(2026, 5, 30), 110_000))


def test_month_ends_are_clamped():
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)


def test_nothing_owed_and_too_small():
    with pytest.raises(PlanError) as exc:
        rules.build_schedule(Owed(), Terms.of("instalments", 3), START)
    assert exc.value.code == "nothing_owed"
    with pytest.raises(PlanError) as exc:
        rules.build_schedule(Owed(principal_fen=5), Terms.of("instalments", 6), START)
    assert exc.value.code == "too_small"


def test_cost_comparison_is_with_paying_as_now():
    # 1,100.00 due now (1,000.00 principal) and one instalment of 410.00 not yet due; 6 months with the waiver.
    # Paying as now is what is owed today: no penalty interest is guessed for the plan's last date, however long.
    o = owed(later=[Line(date(2026, 5, 15), 41_000)])
    for terms in (Terms.of("instalments_waiver", 6), Terms.of("instalments_waiver", 60)):
        s = rules.build_schedule(o, terms, START)
        c = rules.compare(o, s)
        assert c.plan_total_fen == sum(x.amount_fen for x in s.lines) == 110_000 + 41_000 - 5_000
        assert c.due_now_fen == 110_000 and c.later_fen == 41_000  # the instalment keeps its date: not due today
        assert c.now_total_fen == o.total_fen == 151_000 and c.saving_fen == 5_000
        assert c.difference_fen == -5_000 == -c.saving_fen and c.overdue


def test_cost_comparison_of_a_deferral_costs_the_same_as_paying_as_now():
    o = owed(later=[Line(date(2026, 5, 15), 41_000)])
    c = rules.compare(o, rules.build_schedule(o, Terms.of("deferral", deferral_days=30), START))
    assert c.difference_fen == 0 and c.now_total_fen == c.plan_total_fen == 151_000


def test_cost_comparison_with_nothing_overdue_has_nothing_to_compare():
    o = Owed(later=(Line(date(2026, 4, 30), 41_000), Line(date(2026, 5, 30), 41_000)))
    s = rules.build_schedule(o, Terms.of("instalments", 4), START)
    c = rules.compare(o, s)
    assert c.due_now_fen == 0 and not c.overdue and c.now_total_fen == 82_000 == c.plan_total_fen


def test_affordability_and_the_shortest_term():
    budget = Budget(income_fen=500_000, housing_fen=200_000, food_fen=150_000, utilities_fen=30_000,
                    other_debts_fen=10_000)
    assert budget.available_fen == 120_000
    s = rules.build_schedule(owed(), Terms.of("deferral", deferral_days=30), START)
    a = rules.affordability(budget, s)
    # the whole 1,100.00 due now is paid once after 30 days: within the 1,100.00 a month left after other debts
    assert a.affordable and a.monthly_payment_fen == 110_000 and a.available_fen == 110_000
    tight = Budget(income_fen=300_000, housing_fen=280_000)  # 200 yuan a month
    a = rules.affordability(tight, s)
    assert not a.affordable and a.shortest_months == 6  # 110000 / 6 -> 18333 ... last 18335 <= 20000
    assert max(rules.split(110_000, 5)) > 20_000
    broke = Budget(income_fen=100_000, housing_fen=100_000)
    assert rules.affordability(broke, s).shortest_months is None
    fits = rules.affordability(tight, rules.build_schedule(owed(), Terms.of("instalments", 10), START))
    assert fits.affordable and fits.shortest_months is None


@given(total=st.integers(min_value=1, max_value=10_000_000), available=st.integers(min_value=1, max_value=1_000_000))
def test_shortest_term_is_the_shortest_that_fits(total, available):
    n = rules.shortest_affordable_months(total, available)
    if n is None:
        assert total < 60 or max(rules.split(total, 60)) > available
    else:
        assert max(rules.split(total, n)) <= available
        assert n == 2 or max(rules.split(total, n - 1)) > available


def test_state_machine():
    t = rules.transition
    assert t("draft", "submit", "borrower") == "submitted"
    assert t("submitted", "start_review", "agent") == "under_review"
    assert t("under_review", "approve", "supervisor") == "approved"
    assert t("under_review", "decline", "agent", reason="other") == "declined"
    assert t("under_review", "counter", "supervisor") == "countered"
    assert t("countered", "accept", "borrower") == "accepted"
    assert t("countered", "withdraw", "borrower") == "withdrawn"
    with pytest.raises(PlanError) as exc:
        t("under_review", "decline", "agent")
    assert exc.value.code == "reason_required"
    for state, action, actor in [("under_review", "approve", "agent"), ("under_review", "counter", "agent"),
                                 ("submitted", "approve", "supervisor"), ("approved", "withdraw", "borrower"),
                                 ("declined", "accept", "borrower"), ("countered", "accept", "supervisor"),
                                 ("under_review", "accept", "borrower"), ("accepted", "withdraw", "borrower"),
                                 ("withdrawn", "submit", "borrower"), ("submitted", "start_review", "borrower")]:
        with pytest.raises(rules.InvalidTransition):
            t(state, action, actor)
    assert rules.actions_for("under_review", "agent") == ["decline"]
    assert set(rules.actions_for("under_review", "supervisor")) == {"approve", "decline", "counter"}
    assert rules.actions_for("countered", "borrower") == ["accept", "withdraw"]


@given(state=st.sampled_from(rules.STATES), action=st.sampled_from(
    ["submit", "start_review", "approve", "decline", "counter", "accept", "withdraw"]),
    actor=st.sampled_from(["borrower", "agent", "supervisor"]))
def test_every_transition_goes_to_a_known_state(state, action, actor):
    try:
        new = rules.transition(state, action, actor, reason="other")
    except rules.InvalidTransition:
        assert not rules.allowed(state, action, actor)
        return
    assert new in rules.STATES and new != "draft"
    assert state not in ("approved", "declined", "accepted", "withdrawn")


def test_other_debts_count_in_the_affordability_check():
    """Issue 13: repayments of other debts come off what is left for the plan."""
    s = rules.build_schedule(owed(), Terms.of("deferral", deferral_days=30), START)  # 1,100.00 in one payment
    without = Budget(income_fen=500_000, housing_fen=380_000)
    assert rules.affordability(without, s).affordable
    with_debts = Budget(income_fen=500_000, housing_fen=380_000, other_debts_fen=20_000)
    a = rules.affordability(with_debts, s)
    assert not a.affordable and a.available_fen == 100_000 and a.other_debts_fen == 20_000


def test_only_the_kinds_that_make_sense_are_offered():
    assert rules.kinds_for(rules.Owed()) == ()
    nothing_due = rules.Owed(later=(rules.Line(START, 50_000),))
    assert rules.kinds_for(nothing_due) == ("instalments",)
    due_no_penalty = rules.Owed(principal_fen=40_000, interest_fen=1_000)
    assert rules.kinds_for(due_no_penalty) == ("instalments", "deferral")
    assert rules.kinds_for(owed()) == rules.KINDS
    with_penalty = rules.Owed(principal_fen=40_000, penalty_fen=500)
    assert rules.kinds_for(with_penalty) == ("instalments", "deferral", "waiver", "instalments_waiver")
    for kind in ("deferral", "waiver"):
        with pytest.raises(rules.PlanError) as refused:
            rules.build_schedule(nothing_due, Terms.of(kind, deferral_days=30), START)
        assert refused.value.code == "nothing_due"
