"""The loan page as one typed object, computed once: ``loan_page(borrower, loan, as_of)``.

Everything a loan page shows — the contract's status, an agreed plan and its payments, the cost and the 24 %
verdict, the timeline, the chart's geometry, the repayment channels and the words of ``labels.describe`` — is
computed here, in one pass, into frozen dataclasses. The loan page, the staff loan page and the API read these
objects; ``/loans`` and the staff borrower page read ``LoanCard`` (the part the cards show, by the same code).
Templates only format and lay them out (no arithmetic, no rules).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app

from portal.i18n import current_locale
from portal.loans import rules
from portal.loans.labels import LoanState, describe
from portal.loans.models import Loan
from portal.loans.panels import LoanPanel, panels_for


@dataclass(frozen=True)
class PlanStep:
    """One payment of an agreed plan still to pay, as the timeline lists it."""
    due_date: date
    unpaid_fen: int
    paid_fen: int
    past: bool          # its date has come (today or earlier)
    date_passed: bool   # its date is before today
    is_next: bool       # the first one whose date is still ahead


@dataclass(frozen=True)
class PlanView:
    """An agreed plan in place of the contract's schedule: its panel, its status as of the day and its steps."""
    panel: LoanPanel
    status: rules.PlanStatus
    steps: tuple[PlanStep, ...]


@dataclass(frozen=True)
class Chart:
    """The paid-vs-owed bar: widths in percent of everything charged so far, and the amounts it shows."""
    paid: float
    due: float
    later: float
    later_x: float      # where the "not yet due" part starts
    paid_pct: int
    paid_fen: int
    due_fen: int
    owed_fen: int
    later_fen: int
    total_fen: int


@dataclass(frozen=True)
class Timeline:
    """The lender's next steps for the oldest unpaid instalment (empty for a settled loan)."""
    steps: tuple[rules.TimelineStep, ...]
    next_index: int | None      # the first step not yet done
    due_date: date | None       # the due date the steps count from
    settings: rules.TimelineSettings
    later: bool = False         # it lists reminders of later instalments too (their own are past)


@dataclass(frozen=True)
class Channel:
    name: str
    account_name: str
    detail: str
    account_number: str


@dataclass(frozen=True)
class LoanPage:
    """Everything one loan's pages show, as of the end of ``as_of``."""
    loan_id: int
    ref: str
    product: str
    principal_fen: int
    start_date: date
    penalty_daily_rate: Decimal
    as_of: date
    status: rules.LoanStatus
    panels: tuple[LoanPanel, ...]
    badges: tuple[LoanPanel, ...]
    extra_panels: tuple[LoanPanel, ...]    # panels with a template, other than the plan's
    schedule_panel: LoanPanel | None       # the panel shown in place of the contract schedule
    plan: PlanView | None
    plan_pending: bool
    state: LoanState
    due_now_fen: int                       # under the plan when there is one, else the contract's
    outstanding_fen: int
    penalty_paid_fen: int
    instalments_due: tuple[rules.InstalmentStatus, ...]
    instalments_paid: tuple[rules.InstalmentStatus, ...]
    instalments_later: tuple[rules.InstalmentStatus, ...]
    payments_received: tuple[rules.PaymentItem, ...]   # counted in the figures, newest first
    payments_later: tuple[rules.PaymentItem, ...]      # recorded with a later date, oldest first
    chart: Chart
    cost: rules.CostCheck
    timeline: Timeline
    channels: tuple[Channel, ...]


@dataclass(frozen=True)
class LoanCard:
    """The part of a loan's page that its card on ``/loans`` (and on the staff borrower page) shows: the same
    figures and words as the page (``_standing`` is shared), without the cost, timeline, chart or lists."""
    loan_id: int
    ref: str
    product: str
    badges: tuple[LoanPanel, ...]
    state: LoanState
    due_now_fen: int                       # under the plan when there is one, else the contract's
    outstanding_fen: int


@dataclass(frozen=True)
class Dashboard:
    """Every loan of one borrower as a card and the totals ``/loans`` shows."""
    loans: tuple[LoanCard, ...]
    due_now_fen: int
    outstanding_fen: int
    as_of: date


def payment_order() -> tuple[str, ...]:
    return rules.check_order(current_app.config.get("PAYMENT_ORDER") or rules.DEFAULT_ORDER)


def timeline_settings() -> rules.TimelineSettings:
    cfg = current_app.config
    defaults = rules.TimelineSettings()
    return rules.TimelineSettings(
        reminder_days_before=cfg.get("REMINDER_DAYS_BEFORE", defaults.reminder_days_before),
        reminder_days_after=tuple(cfg.get("REMINDER_DAYS_AFTER", defaults.reminder_days_after)),
        credit_notice_day=cfg.get("CREDIT_NOTICE_DAY", defaults.credit_notice_day),
        credit_report_day=cfg.get("CREDIT_REPORT_DAY", defaults.credit_report_day),
        visit_day=cfg.get("VISIT_PROPOSAL_DAY", defaults.visit_day),
        visit_min_notice_days=cfg.get("VISIT_MIN_NOTICE_DAYS", defaults.visit_min_notice_days),
    )


def channels() -> tuple[Channel, ...]:
    """The official repayment channels (``REPAYMENT_CHANNELS``): their name and detail in the reader's script; the
    payee's name and account number exactly as registered, in both scripts, since a bank app needs them so (an
    ``account_name_hant`` in the settings is never shown)."""
    hant = current_locale() == "zh_Hant"
    out = []
    for ch in current_app.config.get("REPAYMENT_CHANNELS", []):
        def pick(key: str, ch=ch) -> str:
            return (ch.get(key + "_hant") or ch.get(key, "")) if hant else ch.get(key, "")
        out.append(Channel(pick("name"), ch.get("account_name", ""), pick("detail"),
                           "".join(str(ch.get("account_number", "")).split())))
    return tuple(out)


def bar_chart(status: rules.LoanStatus) -> Chart:
    paid, due, owed = status.paid_applied_fen, status.due_now_fen, status.outstanding_fen
    total = paid + owed
    if total <= 0:
        return Chart(0, 0, 0, 0, 0, paid, due, owed, owed - due, total)
    paid_w = round(paid * 1000 / total) / 10
    due_w = round(due * 1000 / total) / 10
    return Chart(paid_w, due_w, max(0.0, round(100 - paid_w - due_w, 1)), paid_w + due_w, int(paid * 100 // total),
                 paid, due, owed, owed - due, total)


def plan_steps(plan: rules.PlanStatus) -> tuple[PlanStep, ...]:
    to_pay = [line for line in plan.lines if line.unpaid_fen]
    steps, before_past = [], True  # "next": the first line ahead whose predecessor (if any) has come
    for line in to_pay:
        past = line.due_date <= plan.as_of
        steps.append(PlanStep(line.due_date, line.unpaid_fen, line.paid_fen, past, line.due_date < plan.as_of,
                              not past and before_past))
        before_past = past
    return tuple(steps)


def timeline_of(status: rules.LoanStatus, settings: rules.TimelineSettings) -> Timeline:
    steps = tuple(rules.timeline(status, settings))
    return Timeline(steps, next((i for i, s in enumerate(steps) if not s.done), None),
                    next((s.on for s in steps if s.kind == "due"), None), settings, any(s.later for s in steps))


def cost_of(loan: Loan) -> rules.CostCheck:
    return rules.cost_check(loan.principal_fen, loan.start_date, rules.schedule_of(loan), loan.penalty_daily_rate)


def _standing(status: rules.LoanStatus, payments: list[rules.PaymentItem], panels: list[LoanPanel], as_of: date):
    """What the card and the page both show, from the contract's status and the payments: the panel replacing the
    schedule, the agreed plan's status, whether a proposal is pending and the words (``describe``)."""
    schedule_panel = next((p for p in panels if p.replaces_schedule), None)
    plan_status = None
    if schedule_panel is not None and schedule_panel.plan is not None:
        agreed = schedule_panel.plan
        plan_status = rules.plan_status(agreed.lines, payments, agreed.paid_fen, as_of)
    pending = any(p.plan_pending for p in panels)
    return status, payments, schedule_panel, plan_status, pending, describe(status, plan_status, panels, pending)


def card(loan: Loan, schedule: list[rules.ScheduleItem], payments: list[rules.PaymentItem], panels: list[LoanPanel],
         as_of: date, order: tuple[str, ...]) -> LoanCard:
    """The card of a loan from its schedule and payments (``rules.schedule_of``/``payments_of`` items), with the
    panels other domains gave it."""
    status = rules.compute_status(schedule, payments, loan.penalty_daily_rate, as_of, order)
    status, _payments, _panel, plan, _pending, state = _standing(status, payments, panels, as_of)
    return LoanCard(loan.id, loan.loan_ref, loan.product, tuple(p for p in panels if p.badge), state,
                    plan.due_now_fen if plan else status.due_now_fen,
                    plan.outstanding_fen if plan else status.outstanding_fen)


def build(loan: Loan, panels: list[LoanPanel], as_of: date, order: tuple[str, ...],
          settings: rules.TimelineSettings, pay_channels: tuple[Channel, ...]) -> LoanPage:
    """The page of a loan whose instalments and payments are loaded, with the panels other domains gave it."""
    status, payments, schedule_panel, plan_status, pending, state = _standing(
        rules.status_of(loan, as_of, order), rules.payments_of(loan), panels, as_of)
    plan = PlanView(schedule_panel, plan_status, plan_steps(plan_status)) if plan_status is not None else None
    rows = status.instalments
    return LoanPage(
        loan_id=loan.id, ref=loan.loan_ref, product=loan.product, principal_fen=loan.principal_fen,
        start_date=loan.start_date, penalty_daily_rate=loan.penalty_daily_rate, as_of=as_of, status=status,
        panels=tuple(panels), badges=tuple(p for p in panels if p.badge),
        extra_panels=tuple(p for p in panels if p.panel_template and not p.replaces_schedule),
        schedule_panel=schedule_panel, plan=plan, plan_pending=pending, state=state,
        due_now_fen=plan.status.due_now_fen if plan else status.due_now_fen,
        outstanding_fen=plan.status.outstanding_fen if plan else status.outstanding_fen,
        penalty_paid_fen=status.penalty_accrued_fen - sum(r.unpaid_penalty_fen for r in rows),
        instalments_due=tuple(r for r in rows if r.state in ("overdue", "due")),
        instalments_paid=tuple(r for r in rows if r.state == "paid"),
        instalments_later=tuple(r for r in rows if r.state in ("upcoming", "part_paid")),
        payments_received=tuple(p for p in reversed(payments) if p.paid_on <= as_of),
        payments_later=tuple(p for p in payments if p.paid_on > as_of),
        chart=bar_chart(status), cost=cost_of(loan), timeline=timeline_of(status, settings),
        channels=pay_channels,
    )


def loan_pages(borrower, loans: list[Loan], as_of: date) -> list[LoanPage]:
    """The pages of these loans of one borrower (their schedules and payments loaded): the panel providers run once
    for all of them."""
    panels = panels_for(borrower, loans)
    order, settings, pay = payment_order(), timeline_settings(), channels()
    return [build(loan, panels[loan.id], as_of, order, settings, pay) for loan in loans]


def loan_page(borrower, loan: Loan, as_of: date) -> LoanPage:
    return loan_pages(borrower, [loan], as_of)[0]


def dashboard(borrower, loans: list[Loan], schedules: dict[int, list[rules.ScheduleItem]],
              payments: dict[int, list[rules.PaymentItem]], as_of: date) -> Dashboard:
    """The cards of these loans of one borrower, from their schedules and payments by loan id, and their totals."""
    panels = panels_for(borrower, loans)
    order = payment_order()
    cards = tuple(card(loan, schedules[loan.id], payments[loan.id], panels[loan.id], as_of, order) for loan in loans)
    return Dashboard(cards, sum(c.due_now_fen for c in cards), sum(c.outstanding_fen for c in cards), as_of)
