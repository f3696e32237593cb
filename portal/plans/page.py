"""What a sent proposal's page shows (``/plans/<id>``), computed once: both schedules, the day their amounts were
worked out, the waiver, the affordability of each, the proof files and what happens to penalty interest that
accrues after that day. The template formats and lays out; it does no arithmetic."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from flask_babel import gettext as _

from portal.i18n import fmt_date
from portal.plans import rules, services
from portal.plans.forms import limits
from portal.plans.models import PlanProposal


@dataclass(frozen=True)
class Side:
    """One set of terms on the page: the borrower's proposal or the lender's counter-offer."""
    schedule: rules.Schedule
    as_of: date                     # the amounts are what was owed on this day
    affordability: rules.Affordability
    asked: bool                     # only the borrower's request: a waiver is "asked for", not granted
    waiver_label: str | None        # the waiver line's label (None: the terms waive nothing)
    accrual: str | None = None      # what happens to penalty interest after ``as_of`` (on the side that counts)


@dataclass(frozen=True)
class PlanPage:
    p: PlanProposal
    proposed: Side
    counter: Side | None
    budget_left_fen: int
    proof_names: tuple[str, ...]    # the owner's own file names (escaped by the template)
    actions: tuple[str, ...]
    counter_late: bool              # the counter-offer's first date has passed


def accrual_text(state: str, as_of: date) -> str:
    """The truth of ``portal.loans.rules.plan_status``: an agreed plan replaces the contract's schedule, and
    nothing accrues on top of its payments; until then (or if it is not agreed) the contract applies."""
    day = fmt_date(as_of)
    if state in rules.AGREED_STATES:
        return _("This plan replaces the contract's schedule: you pay only its payments. Penalty interest after "
                 "%(date)s is not added.", date=day)
    if state == "countered":
        return _("If you accept the lender's terms, you pay only their payments: penalty interest after %(date)s "
                 "is not added. Until then the contract applies and penalty interest accrues on anything overdue; "
                 "your loan page shows it.", date=day)
    if state in rules.OPEN_STATES or state == "draft":
        return _("If the lender agrees to this plan, you pay only its payments: penalty interest after %(date)s "
                 "is not added. Until then the contract applies and penalty interest accrues on anything overdue; "
                 "your loan page shows it.", date=day)
    return _("This plan is not in force: the contract applies, and your loan page shows what you owe now.")


def _waiver_label(schedule: rules.Schedule, asked: bool, state: str) -> str | None:
    if not schedule.terms.waive:
        return None
    if not asked:
        return _("Waived (penalty interest and fees)")
    if state in rules.WAITING_FOR_STAFF:
        return _("Waived if the lender agrees (penalty interest and fees)")
    return _("You asked to waive (penalty interest and fees)")


def plan_page(p: PlanProposal) -> PlanPage:
    budget = services.budget_of(p)
    lim = limits()
    mine = services.saved_schedule(p)
    asked = p.state != "approved"  # the borrower's terms are in force only once approved
    proposed = Side(mine, p.start_date or mine.start, rules.affordability(budget, mine, lim), asked,
                    _waiver_label(mine, asked, p.state))
    counter = None
    if p.counter_kind:
        theirs = services.saved_schedule(p, "counter")
        counter = Side(theirs, p.counter_start_date or theirs.start, rules.affordability(budget, theirs, lim),
                       False, _waiver_label(theirs, False, p.state))
    names = tuple(x.original_name or _("File %(n)d", n=i) for i, x in enumerate(p.proofs, 1))
    # The note on penalty interest goes with the terms that count now: the lender's once offered, else the borrower's.
    if counter is not None and p.state in ("countered", "accepted"):
        counter = replace(counter, accrual=accrual_text(p.state, counter.as_of))
    else:
        proposed = replace(proposed, accrual=accrual_text(p.state, proposed.as_of))
    return PlanPage(p, proposed, counter, budget.left_fen, names, tuple(rules.actions_for(p.state, "borrower")),
                    p.state == "countered" and services.dates_passed(p, "counter"))
