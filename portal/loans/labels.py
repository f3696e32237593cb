"""``describe(status, plan, panels, pending)``: the one description of a loan's state (what is due, how late, what
to do next) that the loan cards, the loan page and the borrower's home use."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _

from portal.i18n import fmt_date, money
from portal.loans.panels import LoanPanel
from portal.loans.rules import LoanStatus, PlanStatus


def stage_text(stage: str) -> str:
    if stage == "current":
        return _("Not overdue")
    if stage == "M1":
        return _("Overdue for up to 30 days (stage M1)")
    if stage == "M2":
        return _("Overdue for 31 to 60 days (stage M2)")
    if stage == "M3":
        return _("Overdue for 61 to 90 days (stage M3)")
    return _("Overdue for more than 90 days (stage M4+)")


@dataclass(frozen=True)
class LoanState:
    under_plan: bool        # an agreed repayment plan replaces the contract's figures
    due_label: str          # "Due now" or "Due now under your repayment plan"
    due_now_fen: int
    overdue: bool
    standing: str           # "12 days overdue" / "Not overdue" / "On track with your repayment plan" …
    stage: str | None       # the overdue stage in words (contract figures only)
    outstanding_text: str
    next_steps: tuple[str, ...]
    pay_by: date | None     # the date the amount due now fell due (or the next payment's date when none is due)
    next_fen: int           # the next amount to pay when nothing is due now
    invite_plan: bool       # the page may offer "propose a repayment plan"
    due_from: str = ""      # when the amount due now started falling due: "earliest instalment due on …"
    days_overdue: int = 0   # of the plan when there is one (its oldest unpaid payment), else of the contract
    stage_code: str | None = None  # the contract's stage ("current", "M1" …); None under a plan, which has none


@dataclass(frozen=True)
class Standing:
    """The figures of a loan's state that the home shows too (``describe`` builds on them)."""
    under_plan: bool
    due_now_fen: int
    overdue: bool
    standing: str
    pay_by: date | None
    next_fen: int
    due_from: str = ""
    days_overdue: int = 0           # the plan's when there is one, else the contract's
    stage_code: str | None = None   # the contract's stage; None under a plan (the page shows no stage then)


def due_from_text(due_now_fen: int, oldest: date | None, as_of: date) -> str:
    """When the amount due now began to fall due, in the same words on the home, /loans and the loan page: the
    amount may hold several instalments, so the date is the earliest one's, said so ("earliest instalment due on
    …"), never "due since" as if the whole sum had been due that long."""
    if not due_now_fen or oldest is None:
        return ""
    if oldest >= as_of:
        return _("Due today, %(date)s", date=fmt_date(oldest))
    return _("Earliest instalment due on %(date)s", date=fmt_date(oldest))


def standing_of(status: LoanStatus, plan: PlanStatus | None) -> Standing:
    """What is due now, how late, by when and the next amount: from the ``plan`` when there is one, else from the
    contract's ``status``. The loan cards, the loan page and the home all read these."""
    if plan is not None:
        late = plan.is_overdue
        oldest = next((x.due_date for x in plan.lines if x.unpaid_fen and x.due_date <= plan.as_of), None)
        return Standing(
            True, plan.due_now_fen, late,
            _("A plan payment is %(days)d days late", days=plan.days_overdue) if late
            else _("On track with your repayment plan"),
            oldest or (plan.next_line.due_date if plan.next_line else None),
            0 if plan.due_now_fen or not plan.next_line else plan.next_line.unpaid_fen,
            due_from_text(plan.due_now_fen, oldest, plan.as_of), plan.days_overdue, None)
    overdue = status.is_overdue
    next_due = status.next_due
    return Standing(
        False, status.due_now_fen, overdue,
        _("%(days)d days overdue", days=status.days_overdue) if overdue else stage_text(status.stage),
        status.oldest_unpaid_due or (next_due.due_date if next_due else None),
        0 if status.due_now_fen or next_due is None else next_due.unpaid_fen,
        due_from_text(status.due_now_fen, status.oldest_unpaid_due, status.as_of), status.days_overdue, status.stage)


def describe(status: LoanStatus, plan: PlanStatus | None, panels: Sequence[LoanPanel], pending: bool) -> LoanState:
    """The words for a loan: its contract ``status``, the ``plan`` that replaces it (if any), the other domains'
    ``panels`` and whether a plan proposal is ``pending``. ``portal.loans.page`` calls it once per loan."""
    hotline = current_app.config["LENDER_HOTLINE"]
    answer_steps = tuple(p.next_step for p in panels if p.next_step)
    steps: list[str] = []
    told = standing_of(status, plan)
    if plan is not None:
        if plan.due_now_fen:
            steps.append(_("Next step: pay %(amount)s due under your repayment plan, through one of the official "
                           "channels shown on the loan page.", amount=money(plan.due_now_fen)))
        elif plan.next_line:
            steps.append(_("Next plan payment: %(amount)s, due on %(date)s.", amount=money(plan.next_line.unpaid_fen),
                           date=fmt_date(plan.next_line.due_date)))
        else:
            steps.append(_("Every payment of your repayment plan is made. There is nothing more to do."))
        return LoanState(
            True, _("Due now under your repayment plan"), told.due_now_fen, told.overdue, told.standing, None,
            _("Still to pay under your plan: %(amount)s", amount=money(plan.outstanding_fen)), tuple(steps),
            told.pay_by, told.next_fen, False, told.due_from, told.days_overdue, told.stage_code)
    if status.is_settled and not status.credit_fen:
        steps.append(_("This loan is fully paid. There is nothing more to do."))
    elif status.due_now_fen and answer_steps:
        steps.append(_("Next step: pay %(amount)s through one of the official channels shown on the loan page.",
                       amount=money(status.due_now_fen)))
    elif status.due_now_fen and pending:
        steps.append(_("Next step: pay %(amount)s through one of the official channels shown on the loan page. Your "
                       "repayment plan proposal is with the lender; you will see the answer here and by SMS.",
                       amount=money(status.due_now_fen)))
    elif status.due_now_fen:
        steps.append(_("Next step: pay %(amount)s through one of the official channels shown on the loan page. If "
                       "you cannot pay it all, you can propose a repayment plan.", amount=money(status.due_now_fen)))
    elif status.next_due:
        steps.append(_("Next payment: %(amount)s, due on %(date)s.", amount=money(status.next_due.unpaid_fen),
                       date=fmt_date(status.next_due.due_date)))
    steps.extend(answer_steps)
    if status.credit_fen:
        steps.append(_("You have paid %(amount)s more than you owe. Call our official number %(hotline)s to have it "
                       "refunded.", amount=money(status.credit_fen), hotline=hotline))
    return LoanState(
        False, _("Due now"), told.due_now_fen, told.overdue, told.standing,
        stage_text(status.stage) if told.overdue else None,
        _("Still owed in total: %(amount)s", amount=money(status.outstanding_fen)), tuple(steps),
        told.pay_by, told.next_fen, bool(status.due_now_fen) and not pending, told.due_from, told.days_overdue,
        told.stage_code)
