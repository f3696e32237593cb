"""The lists of a loan page formatted once for the reader: ``tables(page)`` (``page`` from ``portal.loans.page``).

A loan page lists many amounts and days (the schedule alone has six amounts an instalment): here each is formatted
once, in the request's locale, an amount or a day that comes back on the page only once, and each state is put in
words once, so the templates (the borrower's loan page and the staff's) only lay the rows out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from markupsafe import Markup, escape

from portal.i18n import format_day, format_locale, money_format
from portal.loans import rules
from portal.loans.page import LoanPage, PlanStep
from portal.numbers import nowrap_plain


@dataclass(frozen=True)
class ScheduleLabels:
    """The schedule table's column names (also each cell's label where the rows are laid out as cards)."""
    seq: Markup
    due_date: Markup
    status: Markup
    principal: Markup
    interest: Markup
    fees: Markup
    penalty: Markup
    paid: Markup
    unpaid: Markup
    caption: Markup


@dataclass(frozen=True)
class ScheduleRow:
    """One instalment as the schedule table shows it, every figure formatted for the reader."""
    seq: int
    state: str          # paid | overdue | due | part_paid | upcoming (the row's style)
    due_date: str
    status: str         # the state in words
    principal: Markup
    interest: Markup
    fees: Markup
    penalty: Markup
    paid: Markup
    unpaid: Markup


@dataclass(frozen=True)
class PaymentRow:
    paid_on: str
    amount: Markup


@dataclass(frozen=True)
class PlanStepRow:
    """A plan payment as "what happens next" lists it."""
    due_date: str
    text: Markup
    past: bool
    date_passed: bool
    is_next: bool


@dataclass(frozen=True)
class StepRow:
    """A step of the lender's usual process, with its date."""
    kind: str
    on: str
    done: bool
    is_next: bool


@dataclass(frozen=True)
class LoanTables:
    """The lists of a loan page in the reader's locale, formatted once so the templates only lay them out: the
    contract schedule (every instalment in order, and the groups the borrower's page shows: due and unpaid, paid,
    not yet due), the payments, the plan's payments and the lender's steps."""
    labels: ScheduleLabels
    instalments: tuple[ScheduleRow, ...]
    due: tuple[ScheduleRow, ...]
    paid: tuple[ScheduleRow, ...]
    later: tuple[ScheduleRow, ...]
    received: tuple[PaymentRow, ...]
    received_later: tuple[PaymentRow, ...]
    plan_steps: tuple[PlanStepRow, ...]
    steps: tuple[StepRow, ...]


def schedule_labels() -> ScheduleLabels:
    # Translators: loan schedule table header: the instalment's number (1, 2, 3…)
    number = _("No.")
    # Translators: loan schedule: the amount already repaid for this instalment
    paid = _("Paid")
    return ScheduleLabels(*(escape(text) for text in (
        number, _("Due date"), _("Status"), _("Principal"), _("Interest"), _("Fees"), _("Penalty interest"), paid,
        _("Still unpaid"), _("Repayment schedule"))))


def _state_text(row: rules.InstalmentStatus, state: str) -> str:
    if state == "paid":
        return _("Paid")
    if state == "overdue":
        return _("Overdue %(days)d days", days=row.days_overdue)
    if state == "due":
        return _("Due today")
    if state == "part_paid":
        return _("Partly paid, not yet due")
    return _("Not yet due")


def _plan_step_text(step: PlanStep, money) -> Markup:
    # translated without variables, then formatted as markup: the amounts keep their no-wrap spans
    if step.paid_fen:
        return escape(_("Plan payment: %(amount)s still to pay (%(paid)s of it paid).")) % {
            "amount": money(step.unpaid_fen), "paid": money(step.paid_fen)}
    return escape(_("Plan payment: %(amount)s.")) % {"amount": money(step.unpaid_fen)}


def tables(page: LoanPage) -> LoanTables:
    """``page``'s lists for the loan pages (the borrower's and the staff's) in the request's locale: each amount,
    date and state in words formatted once (an amount or a day that comes back is formatted once)."""
    code = format_locale()
    to_money, amounts, days, words = money_format(code), {}, {}, {}

    def money(fen: int) -> Markup:
        text = amounts.get(fen)
        if text is None:
            text = amounts[fen] = nowrap_plain(to_money(fen))
        return text

    def day(value: date) -> str:
        text = days.get(value)
        if text is None:
            text = days[value] = format_day(value, code)
        return text

    rows = {}
    for r in page.status.instalments:
        state = r.state
        key = (state, r.days_overdue if state == "overdue" else 0)
        status = words.get(key)
        if status is None:
            status = words[key] = _state_text(r, state)
        rows[r.seq] = ScheduleRow(r.seq, state, day(r.due_date), status, money(r.principal_fen),
                                  money(r.interest_fen), money(r.fee_fen), money(r.penalty_accrued_fen),
                                  money(r.paid_fen), money(r.unpaid_fen))
    timeline = page.timeline
    return LoanTables(
        labels=schedule_labels(), instalments=tuple(rows.values()),
        due=tuple(rows[r.seq] for r in page.instalments_due), paid=tuple(rows[r.seq] for r in page.instalments_paid),
        later=tuple(rows[r.seq] for r in page.instalments_later),
        received=tuple(PaymentRow(day(p.paid_on), money(p.amount_fen)) for p in page.payments_received),
        received_later=tuple(PaymentRow(day(p.paid_on), money(p.amount_fen)) for p in page.payments_later),
        plan_steps=tuple(PlanStepRow(day(s.due_date), _plan_step_text(s, money), s.past, s.date_passed, s.is_next)
                         for s in (page.plan.steps if page.plan else ())),
        steps=tuple(StepRow(s.kind, day(s.on), s.done, i == timeline.next_index)
                    for i, s in enumerate(timeline.steps)),
    )
