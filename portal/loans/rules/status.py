"""Overdue status as pure functions over a loan's schedule and payments, as of a date (design §5).

Money is integer fen; rates are ``Decimal``; nothing here touches Flask or a database session.

How a loan is settled, day by day:
- An instalment is overdue from the day after its due date. Each overdue day accrues penalty interest on the
  principal of that instalment still unpaid that day: principal × daily penalty rate, simple interest.
- A payment is applied at the end of its ``paid_on`` day (so paying the day after the due date costs one day of
  penalty). It settles instalments oldest first, each in the contract's order (default fee → penalty → interest
  → principal); a payment before a due date settles that instalment early. Money beyond everything owed is kept
  as ``credit_fen``.
- Penalty is computed per period between payment dates on the principal unpaid in that period and rounded half
  up to the fen once per instalment per period.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Iterable, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from portal.loans.models import Loan

DEFAULT_ORDER = ("fee", "penalty", "interest", "principal")
COMPONENTS = frozenset(DEFAULT_ORDER)
STAGES = ("current", "M1", "M2", "M3", "M4+")


@dataclass(frozen=True)
class ScheduleItem:
    seq: int
    due_date: date
    principal_fen: int
    interest_fen: int
    fee_fen: int


@dataclass(frozen=True)
class PaymentItem:
    paid_on: date
    amount_fen: int


@dataclass(frozen=True)
class InstalmentStatus:
    seq: int
    due_date: date
    principal_fen: int
    interest_fen: int
    fee_fen: int
    paid_principal_fen: int
    paid_interest_fen: int
    paid_fee_fen: int
    paid_penalty_fen: int
    penalty_accrued_fen: int
    unpaid_principal_fen: int
    unpaid_interest_fen: int
    unpaid_fee_fen: int
    unpaid_penalty_fen: int
    days_overdue: int
    is_due: bool

    @property
    def scheduled_fen(self) -> int:
        return self.principal_fen + self.interest_fen + self.fee_fen

    @property
    def paid_fen(self) -> int:
        return self.paid_principal_fen + self.paid_interest_fen + self.paid_fee_fen + self.paid_penalty_fen

    @property
    def unpaid_fen(self) -> int:
        return self.unpaid_principal_fen + self.unpaid_interest_fen + self.unpaid_fee_fen + self.unpaid_penalty_fen

    @property
    def state(self) -> str:
        """``paid`` | ``overdue`` | ``due`` (today) | ``part_paid`` (not yet due) | ``upcoming``."""
        if self.unpaid_fen == 0:
            return "paid"
        if self.days_overdue > 0:
            return "overdue"
        if self.is_due:
            return "due"
        return "part_paid" if self.paid_fen else "upcoming"


@dataclass(frozen=True)
class LoanStatus:
    as_of: date
    instalments: tuple[InstalmentStatus, ...]
    due_now_fen: int
    due_principal_fen: int
    due_interest_fen: int
    due_penalty_fen: int
    due_fee_fen: int
    outstanding_fen: int
    paid_total_fen: int
    days_overdue: int
    stage: str
    credit_fen: int = 0
    penalty_accrued_fen: int = 0
    scheduled_fen: int = 0
    oldest_unpaid_due: date | None = None
    next_due: InstalmentStatus | None = None

    @property
    def paid_applied_fen(self) -> int:
        return self.paid_total_fen - self.credit_fen

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def is_settled(self) -> bool:
        return self.outstanding_fen == 0


def stage_for(days_overdue: int) -> str:
    if days_overdue <= 0:
        return "current"
    if days_overdue <= 30:
        return "M1"
    if days_overdue <= 60:
        return "M2"
    if days_overdue <= 90:
        return "M3"
    return "M4+"


def round_fen(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def check_order(order: Sequence[str]) -> tuple[str, ...]:
    order = tuple(x.strip() for x in order)
    if len(order) != len(COMPONENTS) or set(order) != COMPONENTS:
        raise ValueError(f"payment order must list each of {sorted(COMPONENTS)} once, got {order!r}")
    return order


@dataclass
class _Running:
    item: ScheduleItem
    paid: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COMPONENTS, 0))
    penalty_accrued: int = 0
    accrued_until: date | None = None  # penalty counted through this day (inclusive)

    def unpaid(self, component: str) -> int:
        if component == "penalty":
            return self.penalty_accrued - self.paid["penalty"]
        return getattr(self.item, component + "_fen") - self.paid[component]

    def accrue(self, through: date, rate: Decimal) -> None:
        """Accrue penalty for the overdue days after ``accrued_until`` up to and including ``through``."""
        start = max(self.accrued_until or self.item.due_date, self.item.due_date)
        days = (through - start).days
        if days <= 0:
            return
        principal = self.unpaid("principal")
        if principal > 0:
            self.penalty_accrued += round_fen(Decimal(principal) * rate * days)
        self.accrued_until = through


def compute_status(schedule: Iterable[ScheduleItem], payments: Iterable[PaymentItem], penalty_daily_rate: Decimal,
                   as_of: date, order: Sequence[str] = DEFAULT_ORDER) -> LoanStatus:
    """Everything owed and paid on one loan as of the end of ``as_of`` (payments after it are ignored)."""
    order = check_order(order)
    rate = Decimal(penalty_daily_rate)
    items = [_Running(i) for i in sorted(schedule, key=lambda s: (s.due_date, s.seq))]
    paid_total = credit = 0
    for pay in sorted((p for p in payments if p.paid_on <= as_of), key=lambda p: p.paid_on):
        for run in items:
            run.accrue(pay.paid_on, rate)
        left = pay.amount_fen
        paid_total += pay.amount_fen
        for run in items:
            for component in order:
                take = min(left, run.unpaid(component))
                run.paid[component] += take
                left -= take
            if left == 0:
                break
        credit += left
    for run in items:
        run.accrue(as_of, rate)
    return _summarise(items, as_of, paid_total, credit)


def _summarise(items: list[_Running], as_of: date, paid_total: int, credit: int) -> LoanStatus:
    rows = []
    for run in items:
        unpaid = {c: run.unpaid(c) for c in COMPONENTS}
        owing = any(unpaid.values())
        overdue = (as_of - run.item.due_date).days if owing and as_of > run.item.due_date else 0
        rows.append(InstalmentStatus(
            seq=run.item.seq, due_date=run.item.due_date, principal_fen=run.item.principal_fen,
            interest_fen=run.item.interest_fen, fee_fen=run.item.fee_fen,
            paid_principal_fen=run.paid["principal"], paid_interest_fen=run.paid["interest"],
            paid_fee_fen=run.paid["fee"], paid_penalty_fen=run.paid["penalty"],
            penalty_accrued_fen=run.penalty_accrued, unpaid_principal_fen=unpaid["principal"],
            unpaid_interest_fen=unpaid["interest"], unpaid_fee_fen=unpaid["fee"],
            unpaid_penalty_fen=unpaid["penalty"], days_overdue=overdue, is_due=run.item.due_date <= as_of,
        ))
    due = [r for r in rows if r.is_due]
    due_parts = {c: sum(getattr(r, f"unpaid_{c}_fen") for r in due) for c in COMPONENTS}
    days = max((r.days_overdue for r in rows), default=0)
    oldest = next((r.due_date for r in rows if r.unpaid_fen and r.is_due), None)
    return LoanStatus(
        as_of=as_of, instalments=tuple(rows), due_now_fen=sum(due_parts.values()),
        due_principal_fen=due_parts["principal"], due_interest_fen=due_parts["interest"],
        due_penalty_fen=due_parts["penalty"], due_fee_fen=due_parts["fee"],
        outstanding_fen=sum(r.unpaid_fen for r in rows), paid_total_fen=paid_total, days_overdue=days,
        stage=stage_for(days), credit_fen=credit, penalty_accrued_fen=sum(r.penalty_accrued_fen for r in rows),
        scheduled_fen=sum(r.scheduled_fen for r in rows), oldest_unpaid_due=oldest,
        next_due=next((r for r in rows if r.unpaid_fen and not r.is_due), None),
    )


def schedule_of(loan: "Loan") -> list[ScheduleItem]:
    return [ScheduleItem(i.seq, i.due_date, i.principal_fen, i.interest_fen, i.fee_fen) for i in loan.instalments]


def payments_of(loan: "Loan") -> list[PaymentItem]:
    return [PaymentItem(p.paid_on, p.amount_fen) for p in loan.payments]


def status_of(loan: "Loan", as_of: date, order: Sequence[str] = DEFAULT_ORDER) -> LoanStatus:
    """``compute_status`` over the ORM object (its instalments and payments should be loaded already)."""
    return compute_status(schedule_of(loan), payments_of(loan), loan.penalty_daily_rate, as_of, order)
