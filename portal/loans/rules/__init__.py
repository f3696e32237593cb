"""A loan's rules as pure functions (no Flask, no session), one module per purpose:

- ``status``: what is owed, paid and overdue on the contract's schedule as of a date;
- ``plan``: what is due under an agreed repayment plan that replaces the schedule;
- ``cost``: the contract's annualised cost and the 24 % verdict;
- ``steps``: the timeline, the lender's next steps with their dates (``timeline``).

Everything is also importable from ``portal.loans.rules`` itself.
"""
from portal.loans.rules.cost import RATE_CEILING, CostCheck, annualised_cost, cost_check, penalty_annual_rate
from portal.loans.rules.plan import PlanLineStatus, PlanStatus, paid_up_to, plan_status
from portal.loans.rules.status import (
    COMPONENTS, DEFAULT_ORDER, STAGES, InstalmentStatus, LoanStatus, PaymentItem, ScheduleItem, check_order,
    compute_status, payments_of, round_fen, schedule_of, stage_for, status_of,
)
from portal.loans.rules.steps import TimelineSettings, TimelineStep, timeline

__all__ = [
    "COMPONENTS", "DEFAULT_ORDER", "RATE_CEILING", "STAGES", "CostCheck", "InstalmentStatus", "LoanStatus",
    "PaymentItem", "PlanLineStatus", "PlanStatus", "ScheduleItem", "TimelineSettings", "TimelineStep",
    "annualised_cost", "check_order", "paid_up_to", "compute_status", "cost_check", "payments_of", "penalty_annual_rate",
    "plan_status", "round_fen", "schedule_of", "stage_for", "status_of", "timeline",
]
