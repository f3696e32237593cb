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
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
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


# ---- an agreed repayment plan in place of the contract's schedule (design §5 "Repayment plans") ---------

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
    paid_fen: int             # payments made since the plan was agreed, applied to it
    days_overdue: int         # days since the oldest unpaid plan payment fell due
    next_line: PlanLineStatus | None

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0


def plan_status(lines: Sequence[tuple[date, int]], payments: Iterable[PaymentItem], since: date,
                as_of: date) -> PlanStatus:
    """An agreed plan replaces the contract schedule from ``since``: payments made on or after that day (up to
    ``as_of``) settle the plan's payments oldest first; nothing accrues on top of the agreed amounts."""
    left = sum(p.amount_fen for p in payments if since <= p.paid_on <= as_of)
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


# ---- annualised cost (design §6 "Interest") -------------------------------------------------------------

RATE_CEILING = Decimal("0.24")
_YEAR = Decimal(365)


def _npv(rate: Decimal, flows: list[tuple[int, int]]) -> Decimal:
    """Net present value; (1 + r)^(d/365) as exp(ln(1 + r) · d/365), with ln taken once, at 20 digits."""
    with localcontext() as ctx:
        ctx.prec = 20
        log_base = (1 + rate).ln()
        return sum((Decimal(amount) / (log_base * days / _YEAR).exp() for days, amount in flows), Decimal(0))


def annualised_cost(principal_fen: int, start: date, schedule: Iterable[ScheduleItem]) -> Decimal:
    """Effective annual rate (IRR, actual/365) of the contract: the principal received at ``start`` against
    every scheduled principal, interest and fee. Bisection in ``Decimal``; 6 decimal places."""
    flows = [(0, -principal_fen)] + [((s.due_date - start).days, s.principal_fen + s.interest_fen + s.fee_fen)
                                     for s in schedule]
    if principal_fen <= 0 or sum(a for _, a in flows) <= 0:
        return Decimal(0)
    low, high = Decimal(0), Decimal(1)
    while _npv(high, flows) > 0 and high < 10**6:  # npv falls as the rate rises; widen until it turns negative
        high *= 4
    step = Decimal("0.0000001")
    while high - low > step:
        mid = (low + high) / 2
        if _npv(mid, flows) > 0:
            low = mid
        else:
            high = mid
    return ((low + high) / 2).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def penalty_annual_rate(penalty_daily_rate: Decimal) -> Decimal:
    """The daily penalty rate over a year, simple (e.g. 0.05 % a day is 18.25 % a year)."""
    return Decimal(penalty_daily_rate) * _YEAR


@dataclass(frozen=True)
class CostCheck:
    contract_rate: Decimal       # annualised cost of the contract's schedule (interest and fees)
    penalty_rate: Decimal        # penalty interest on overdue principal, over a year (simple)
    ceiling: Decimal = RATE_CEILING

    @property
    def with_penalty_rate(self) -> Decimal:
        """What overdue principal costs a year: the contract's annualised cost plus penalty interest (simple)."""
        return self.contract_rate + self.penalty_rate

    @property
    def contract_exceeds(self) -> bool:
        return self.contract_rate > self.ceiling

    @property
    def penalty_exceeds(self) -> bool:
        return self.with_penalty_rate > self.ceiling

    @property
    def exceeds(self) -> bool:
        """Design §6: the 24 % note applies when the contract's cost, or the cost with penalty interest, is above it."""
        return self.contract_exceeds or self.penalty_exceeds


def cost_check(principal_fen: int, start: date, schedule: Iterable[ScheduleItem],
               penalty_daily_rate: Decimal, ceiling: Decimal = RATE_CEILING) -> CostCheck:
    return CostCheck(annualised_cost(principal_fen, start, list(schedule)), penalty_annual_rate(penalty_daily_rate),
                     ceiling)


# ---- what happens next ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineSettings:
    """Day offsets of the lender's process, counted from an instalment's due date (config keys in brackets)."""
    reminder_days_before: int = 3            # [REMINDER_DAYS_BEFORE]
    reminder_days_after: tuple[int, ...] = (1, 7)  # [REMINDER_DAYS_AFTER]
    credit_notice_day: int = 30              # [CREDIT_NOTICE_DAY]: notice before reporting (征信业管理条例 Art. 15)
    credit_report_day: int = 60              # [CREDIT_REPORT_DAY]: earliest day negative information may be reported
    visit_day: int = 60                      # [VISIT_PROPOSAL_DAY]: from when a verification visit may be proposed
    visit_min_notice_days: int = 3           # [VISIT_MIN_NOTICE_DAYS]


@dataclass(frozen=True)
class TimelineStep:
    kind: str   # "reminder_before" | "due" | "reminder" | "credit_notice" | "credit_report" | "visit"
    on: date
    done: bool  # the date has passed (or is today)


def timeline(status: LoanStatus, settings: TimelineSettings = TimelineSettings()) -> list[TimelineStep]:
    """The lender's next steps with dates, for the oldest unpaid instalment (or the next one to fall due).

    Nothing is listed for a settled loan. Steps whose day has passed are kept (``done``) so the borrower sees
    where in the process the loan is."""
    if status.oldest_unpaid_due is not None:
        due = status.oldest_unpaid_due
    elif status.next_due is not None:
        due = status.next_due.due_date
    else:
        return []
    day = timedelta(days=1)
    steps = [TimelineStep("reminder_before", due - settings.reminder_days_before * day, False),
             TimelineStep("due", due, False)]
    steps += [TimelineStep("reminder", due + n * day, False) for n in settings.reminder_days_after]
    notice = due + settings.credit_notice_day * day
    steps.append(TimelineStep("credit_notice", notice, False))
    steps.append(TimelineStep("credit_report", max(due + settings.credit_report_day * day, notice + day), False))
    steps.append(TimelineStep("visit", due + settings.visit_day * day, False))
    steps.sort(key=lambda s: s.on)
    return [TimelineStep(s.kind, s.on, s.on <= status.as_of) for s in steps]
