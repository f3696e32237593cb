"""An agreed repayment plan in place of the contract's schedule (design §5 "Repayment plans"): pure functions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence

from portal.loans.rules.status import PaymentItem


@dataclass(frozen=True)
class PlanLineStatus:
    due_date: date
    amount_fen: int
    paid_fen: int

    @property
    def unpaid_fen(self) -> int:
        return self.amount_fen - self.paid_fen


@dataclass(frozen=True)
class PlanStatus:
    as_of: date
    lines: tuple[PlanLineStatus, ...]
    due_now_fen: int          # plan payments due on or before ``as_of`` and not yet paid
    outstanding_fen: int      # everything left to pay under the plan
    paid_fen: int             # payments the plan's amounts did not count yet, applied to it
    days_overdue: int         # days since the oldest unpaid plan payment fell due
    next_line: PlanLineStatus | None

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0


def paid_up_to(payments: Iterable[PaymentItem], as_of: date) -> int:
    """What was paid on or before ``as_of``: the payments a plan's amounts, worked out that day, already count."""
    return sum(p.amount_fen for p in payments if p.paid_on <= as_of)


def plan_status(lines: Sequence[tuple[date, int]], payments: Iterable[PaymentItem], counted_fen: int,
                as_of: date) -> PlanStatus:
    """An agreed plan replaces the contract schedule. Its amounts are what was owed on the day they were worked
    out, after the ``counted_fen`` paid by then (``paid_up_to``); every payment beyond those (up to ``as_of``) —
    made after that day, while the lender was deciding, or recorded late — settles the plan's payments oldest
    first; nothing accrues on top of the agreed amounts."""
    left = max(0, paid_up_to(payments, as_of) - counted_fen)
    paid_total = 0
    rows = []
    for due, amount in sorted(lines):
        take = min(left, amount)
        left -= take
        paid_total += take
        rows.append(PlanLineStatus(due, amount, take))
    unpaid_due = [r for r in rows if r.unpaid_fen and r.due_date <= as_of]
    upcoming = [r for r in rows if r.unpaid_fen]
    oldest = unpaid_due[0].due_date if unpaid_due else None
    return PlanStatus(
        as_of=as_of, lines=tuple(rows), due_now_fen=sum(r.unpaid_fen for r in unpaid_due),
        outstanding_fen=sum(r.unpaid_fen for r in rows), paid_fen=paid_total,
        days_overdue=(as_of - oldest).days if oldest and as_of > oldest else 0,
        next_line=upcoming[0] if upcoming else None,
    )
