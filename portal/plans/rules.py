"""Repayment plans as pure functions (design §5 "Repayment plans"): schedules, cost, affordability, states.

Money is integer fen; nothing here touches Flask or a database session.

What a plan covers is everything still unpaid on the loan: the amount due now (split into principal, interest,
penalty interest and fees) plus the unpaid part of instalments that are not yet due (``Owed.later``).

- **instalments**: everything is spread over 2–``max_months`` monthly payments, the first one month after the
  start date. Each payment is the total divided by the months, rounded down to the fen; the remainder of that
  rounding goes to the last payment, so the payments sum exactly to what is owed.
- **deferral**: the amount due now moves to one payment ``deferral_days`` (1–``max_deferral_days``) after the
  start; instalments not yet due keep their dates.
- **waiver**: penalty interest and fees due now are waived; the rest of the amount due now is one payment a
  month after the start; instalments not yet due keep their dates. Principal (and contract interest) is never
  waived by request: asking for it is refused.
- **instalments_waiver**: the waiver, then the rest in instalments.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

KINDS = ("instalments", "deferral", "waiver", "instalments_waiver")
WAIVABLE = frozenset({"penalty", "fee"})
COMPONENTS = ("principal", "interest", "penalty", "fee")
HARDSHIP_REASONS = ("job_loss", "illness", "business_failure", "family_emergency", "other")
DECLINE_REASONS = ("budget_does_not_support", "missing_information", "outside_policy", "previous_plan_broken",
                   "other")


class PlanError(ValueError):
    """Terms the rules refuse; ``code`` says why (``kind``, ``months``, ``deferral_days``, ``principal_waiver``,
    ``not_waivable``, ``nothing_owed``, ``nothing_due`` (a deferral or waiver when nothing is due now, or a waiver
    when no penalty interest or fees are due), ``too_small``, ``reason_required``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Limits:
    max_months: int = 60          # [PLAN_MAX_MONTHS]
    max_deferral_days: int = 90   # [PLAN_MAX_DEFERRAL_DAYS]
    min_months: int = 2


@dataclass(frozen=True)
class Line:
    due_date: date
    amount_fen: int


@dataclass(frozen=True)
class Owed:
    principal_fen: int = 0
    interest_fen: int = 0
    penalty_fen: int = 0
    fee_fen: int = 0
    later: tuple[Line, ...] = ()  # unpaid parts of instalments not yet due

    def __post_init__(self) -> None:
        if min(self.principal_fen, self.interest_fen, self.penalty_fen, self.fee_fen) < 0 or \
                any(x.amount_fen < 0 for x in self.later):
            raise ValueError("amounts owed cannot be negative")

    @property
    def due_now_fen(self) -> int:
        return self.principal_fen + self.interest_fen + self.penalty_fen + self.fee_fen

    @property
    def later_fen(self) -> int:
        return sum(x.amount_fen for x in self.later)

    @property
    def total_fen(self) -> int:
        return self.due_now_fen + self.later_fen

    def component(self, name: str) -> int:
        return getattr(self, name + "_fen")


@dataclass(frozen=True)
class Terms:
    kind: str
    months: int = 0
    deferral_days: int = 0
    waive: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, kind: str, months: int | None = None, deferral_days: int | None = None) -> "Terms":
        """Terms as the forms ask for them: a waiver always asks for penalty interest and fees."""
        waive = WAIVABLE if kind in ("waiver", "instalments_waiver") else frozenset()
        return cls(kind, (months or 0) if kind in ("instalments", "instalments_waiver") else 0,
                   (deferral_days or 0) if kind == "deferral" else 0, frozenset(waive))

    @property
    def has_instalments(self) -> bool:
        return self.kind in ("instalments", "instalments_waiver")


def check_terms(terms: Terms, limits: Limits = Limits()) -> None:
    """Refuse terms outside the rules (raises ``PlanError``)."""
    if terms.kind not in KINDS:
        raise PlanError("kind")
    if "principal" in terms.waive:
        raise PlanError("principal_waiver")
    if terms.waive - WAIVABLE:
        raise PlanError("not_waivable")
    if terms.has_instalments and not limits.min_months <= terms.months <= limits.max_months:
        raise PlanError("months")
    if terms.kind == "deferral" and not 1 <= terms.deferral_days <= limits.max_deferral_days:
        raise PlanError("deferral_days")


def kinds_for(owed: Owed) -> tuple[str, ...]:
    """The kinds of plan that make sense for what is owed: a deferral only when something is due now, a waiver
    only when penalty interest or fees are due now; instalments whenever anything is unpaid."""
    if owed.total_fen <= 0:
        return ()
    waivable = owed.penalty_fen + owed.fee_fen > 0
    out = ["instalments"]
    if owed.due_now_fen > 0:
        out.append("deferral")
    if waivable:
        out += ["waiver", "instalments_waiver"]
    return tuple(k for k in KINDS if k in out)


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def split(total_fen: int, months: int) -> list[int]:
    """``months`` amounts rounded down to the fen, the remainder on the last: they sum exactly to the total."""
    per = total_fen // months
    return [per] * (months - 1) + [total_fen - per * (months - 1)]


@dataclass(frozen=True)
class Schedule:
    terms: Terms
    start: date
    lines: tuple[Line, ...]
    owed_fen: int     # everything owed before the plan
    waived_fen: int   # penalty interest and fees the plan asks to waive

    @property
    def total_fen(self) -> int:
        return sum(x.amount_fen for x in self.lines)

    @property
    def last_date(self) -> date:
        return max((x.due_date for x in self.lines), default=self.start)

    @property
    def monthly_max_fen(self) -> int:
        """The most the plan asks for in one calendar month."""
        months: dict[tuple[int, int], int] = {}
        for x in self.lines:
            key = (x.due_date.year, x.due_date.month)
            months[key] = months.get(key, 0) + x.amount_fen
        return max(months.values(), default=0)


def waived(owed: Owed, terms: Terms) -> int:
    return sum(owed.component(c) for c in sorted(terms.waive))


def build_schedule(owed: Owed, terms: Terms, start: date, limits: Limits = Limits()) -> Schedule:
    """The exact schedule of a plan starting on ``start``; its lines sum to ``owed.total_fen - waived``."""
    check_terms(terms, limits)
    if owed.total_fen <= 0:
        raise PlanError("nothing_owed")
    off = waived(owed, terms)
    if terms.has_instalments:
        to_pay = owed.total_fen - off
        if to_pay < terms.months:
            raise PlanError("too_small")
        lines = [Line(add_months(start, i), amount) for i, amount in enumerate(split(to_pay, terms.months), 1)]
    else:
        now = owed.due_now_fen - off
        if (terms.kind == "deferral" and now <= 0) or (terms.waive and off <= 0):
            raise PlanError("nothing_due")  # nothing to move to a later date, or nothing to waive
        when = start + timedelta(days=terms.deferral_days) if terms.kind == "deferral" else add_months(start, 1)
        lines = ([Line(when, now)] if now > 0 else []) + [x for x in owed.later if x.amount_fen > 0]
        lines.sort(key=lambda x: x.due_date)
        if not lines:
            raise PlanError("nothing_owed")
    return Schedule(terms, start, tuple(lines), owed.total_fen, off)


def kept_lines(terms: Terms, start: date, lines) -> list[bool]:
    """For each line (in order): True when it is a contract instalment that keeps its own date (a deferral or a
    waiver moves only the amount due now), False for a payment the plan itself sets."""
    if terms.has_instalments:
        return [False] * len(lines)
    own = start + timedelta(days=terms.deferral_days) if terms.kind == "deferral" else add_months(start, 1)
    out, found = [], False
    for line in lines:
        mine = not found and line.due_date == own
        found = found or mine
        out.append(not mine)
    return out


# ---- cost compared with paying as now ---------------------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """The plan against paying as now (design §5 "total cost compared with paying as now"): the amount due now
    plus the instalments not yet due on their own dates, as owed on the plan's start day. No penalty interest is
    guessed for a future date: the comparison is between two amounts owed on the same day."""
    plan_total_fen: int          # everything the plan asks for (its lines, to the fen)
    due_now_fen: int             # due now under the contract
    later_fen: int               # instalments not yet due, on their own dates
    saving_fen: int              # what the plan waives

    @property
    def now_total_fen(self) -> int:
        """Paying as now: what is due now and the instalments not yet due."""
        return self.due_now_fen + self.later_fen

    @property
    def difference_fen(self) -> int:
        """The plan's total minus paying as now (negative: the plan costs less)."""
        return self.plan_total_fen - self.now_total_fen

    @property
    def overdue(self) -> bool:
        """Something is due now: only then is there a "paying as now" to compare with."""
        return self.due_now_fen > 0


def compare(owed: Owed, schedule: Schedule) -> Comparison:
    return Comparison(schedule.total_fen, owed.due_now_fen, owed.later_fen, schedule.waived_fen)


# ---- affordability --------------------------------------------------------------------------------------

ESSENTIALS = ("housing", "food", "utilities", "transport", "medical", "education", "dependants")


@dataclass(frozen=True)
class Budget:
    income_fen: int
    housing_fen: int = 0
    food_fen: int = 0
    utilities_fen: int = 0
    transport_fen: int = 0
    medical_fen: int = 0
    education_fen: int = 0
    dependants_fen: int = 0       # support of dependants, a month
    other_debts_fen: int = 0      # repayments of other debts, a month (counted in the check)
    dependants: int = 0           # number of people

    @property
    def essentials_fen(self) -> int:
        return sum(getattr(self, name + "_fen") for name in ESSENTIALS)

    @property
    def available_fen(self) -> int:
        """Income − essential spending (design §5); may be negative."""
        return self.income_fen - self.essentials_fen

    @property
    def left_fen(self) -> int:
        """What is left for this plan each month: income − essential spending − repayments of other debts."""
        return self.available_fen - self.other_debts_fen


@dataclass(frozen=True)
class Affordability:
    monthly_payment_fen: int
    available_fen: int           # income − essential spending − other debts: what the plan may take a month
    affordable: bool
    shortest_months: int | None  # when not affordable: the shortest instalment term that fits, if any
    other_debts_fen: int = 0     # already taken off ``available_fen``


def shortest_affordable_months(total_fen: int, available_fen: int, limits: Limits = Limits()) -> int | None:
    """The fewest months (within the limits) whose largest payment is at most ``available_fen``."""
    if available_fen <= 0 or total_fen <= 0:
        return None
    for months in range(limits.min_months, limits.max_months + 1):
        if months <= total_fen and max(split(total_fen, months)) <= available_fen:
            return months
    return None


def affordability(budget: Budget, schedule: Schedule, limits: Limits = Limits()) -> Affordability:
    """The plan's largest monthly payment against income − essential spending − repayments of other debts."""
    monthly = schedule.monthly_max_fen
    left = budget.left_fen
    ok = monthly <= left
    shortest = None if ok else shortest_affordable_months(schedule.total_fen, left, limits)
    return Affordability(monthly, left, ok, shortest, budget.other_debts_fen)


# ---- states: the one place that says what may happen next ----------------------------------------------

STATES = ("draft", "submitted", "under_review", "approved", "declined", "countered", "accepted", "withdrawn")
OPEN_STATES = ("submitted", "under_review", "countered")   # one at a time per loan
AGREED_STATES = ("approved", "accepted")                   # the plan replaces the loan's schedule
WAITING_FOR_STAFF = ("submitted", "under_review")

# (state, action) -> (new state, who may act). Staff roles: approving and countering commit the lender to new
# terms, so they need the supervisor role; agents start reviews and decline (with a reason).
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("draft", "submit"): ("submitted", "borrower"),
    ("submitted", "start_review"): ("under_review", "agent"),
    ("submitted", "withdraw"): ("withdrawn", "borrower"),
    ("under_review", "approve"): ("approved", "supervisor"),
    ("under_review", "decline"): ("declined", "agent"),
    ("under_review", "counter"): ("countered", "supervisor"),
    ("under_review", "withdraw"): ("withdrawn", "borrower"),
    ("countered", "accept"): ("accepted", "borrower"),
    ("countered", "withdraw"): ("withdrawn", "borrower"),
}
ROLE_RANK = {"agent": 1, "supervisor": 2}


class InvalidTransition(PlanError):
    def __init__(self, state: str, action: str) -> None:
        super().__init__("transition")
        self.state, self.action = state, action


def allowed(state: str, action: str, actor: str) -> bool:
    """May ``actor`` (``borrower``, ``agent`` or ``supervisor``) do ``action`` now?"""
    step = TRANSITIONS.get((state, action))
    if step is None:
        return False
    need = step[1]
    if need == "borrower":
        return actor == "borrower"
    return actor in ROLE_RANK and ROLE_RANK[actor] >= ROLE_RANK[need]


def transition(state: str, action: str, actor: str, *, reason: str | None = None) -> str:
    """The next state, or ``InvalidTransition``; a decline needs a reason from ``DECLINE_REASONS``."""
    if not allowed(state, action, actor):
        raise InvalidTransition(state, action)
    if action == "decline" and reason not in DECLINE_REASONS:
        raise PlanError("reason_required")
    return TRANSITIONS[(state, action)][0]


def actions_for(state: str, actor: str) -> list[str]:
    return [action for (s, action) in TRANSITIONS if s == state and allowed(state, action, actor)]


# Staff decide a sent proposal straight away: a decision on a "submitted" one starts the review on the way.
DECISIONS = ("approve", "decline", "counter")


def decisions_for(state: str, actor: str) -> list[str]:
    """The decisions staff may take now; for a proposal not yet under review, those of one under review."""
    if state == "submitted" and allowed(state, "start_review", actor):
        state = "under_review"
    return [a for a in actions_for(state, actor) if a in DECISIONS]


def decide(state: str, action: str, actor: str, *, reason: str | None = None) -> str:
    """The state after a decision, passing through "under_review" when the proposal was only submitted."""
    if state == "submitted" and action in DECISIONS:
        state = transition(state, "start_review", actor)
    return transition(state, action, actor, reason=reason)
