"""Loading loans for their owner (a constant number of queries) and the figures the loan pages show."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from flask import abort, current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.loans import rules
from portal.loans.models import Loan
from portal.loans.panels import LoanPanel, panels_for

_LOAD = (selectinload(Loan.instalments), selectinload(Loan.payments))


def loans_for_borrower(borrower) -> list[Loan]:
    """All of a borrower's loans with schedule and payments: three queries whatever the numbers."""
    stmt = select(Loan).where(Loan.borrower_id == borrower.id).options(*_LOAD).order_by(Loan.start_date, Loan.id)
    return list(db.session.scalars(stmt))


def loan_for_borrower(borrower, loan_ref: str) -> Loan:
    """One loan of this borrower, or 404 (the same answer for another person's loan and a missing one)."""
    stmt = select(Loan).where(Loan.loan_ref == loan_ref, Loan.borrower_id == borrower.id).options(*_LOAD)
    loan = db.session.scalar(stmt)
    if loan is None:
        abort(404)
    return loan


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


@dataclass
class LoanView:
    loan: Loan
    status: rules.LoanStatus
    panels: list[LoanPanel] = field(default_factory=list)

    @property
    def badges(self) -> list[LoanPanel]:
        return [p for p in self.panels if p.badge]

    @property
    def plan_panel(self) -> LoanPanel | None:
        return next((p for p in self.panels if p.replaces_schedule), None)

    @property
    def plan(self) -> rules.PlanStatus | None:
        """What is due under an agreed repayment plan, which replaces the contract's figures."""
        panel = self.plan_panel
        if panel is None or not panel.plan_lines or panel.plan_since is None:
            return None
        return rules.plan_status(panel.plan_lines, rules.payments_of(self.loan), panel.plan_since, self.status.as_of)

    @property
    def plan_pending(self) -> bool:
        return any(p.plan_pending for p in self.panels)

    @cached_property
    def state(self):
        """What the borrower is told about this loan (``portal.loans.labels.describe``)."""
        from portal.loans.labels import describe

        return describe(self)

    @property
    def instalments_due(self) -> list:
        """Instalments due and not fully paid: shown open on the loan page."""
        return [r for r in self.status.instalments if r.state in ("overdue", "due")]

    @property
    def instalments_paid(self) -> list:
        return [r for r in self.status.instalments if r.state == "paid"]

    @property
    def instalments_later(self) -> list:
        """Not yet due (some partly paid early)."""
        return [r for r in self.status.instalments if r.state in ("upcoming", "part_paid")]

    @property
    def payments_received(self) -> list:
        """Payments up to the day the figures are computed for, newest first (the ones counted in them)."""
        return [p for p in reversed(self.loan.payments) if p.paid_on <= self.status.as_of]

    @property
    def payments_later(self) -> list:
        """Payments the lender recorded with a later date: not counted yet, shown apart, oldest first."""
        return [p for p in self.loan.payments if p.paid_on > self.status.as_of]

    @property
    def due_now_fen(self) -> int:
        plan = self.plan
        return plan.due_now_fen if plan else self.status.due_now_fen

    @property
    def outstanding_fen(self) -> int:
        plan = self.plan
        return plan.outstanding_fen if plan else self.status.outstanding_fen


@dataclass
class Dashboard:
    loans: list[LoanView]
    due_now_fen: int
    outstanding_fen: int


def dashboard(borrower, as_of: date) -> Dashboard:
    loans = loans_for_borrower(borrower)
    order = payment_order()
    panels = panels_for(borrower, loans)
    views = [LoanView(loan, rules.status_of(loan, as_of, order), panels[loan.id]) for loan in loans]
    return Dashboard(views, sum(v.due_now_fen for v in views), sum(v.outstanding_fen for v in views))


def loan_view(borrower, loan: Loan, as_of: date) -> LoanView:
    return LoanView(loan, rules.status_of(loan, as_of, payment_order()), panels_for(borrower, [loan])[loan.id])


def cost_of(loan: Loan) -> rules.CostCheck:
    return rules.cost_check(loan.principal_fen, loan.start_date, rules.schedule_of(loan), loan.penalty_daily_rate)


def bar_chart(status: rules.LoanStatus) -> dict:
    """Widths (percent of everything charged so far) for the paid-vs-owed bar."""
    total = status.paid_applied_fen + status.outstanding_fen
    if total <= 0:
        return {"paid": 0, "due": 0, "later": 0, "paid_pct": 0}
    paid = round(status.paid_applied_fen * 1000 / total) / 10
    due = round(status.due_now_fen * 1000 / total) / 10
    return {"paid": paid, "due": due, "later": max(0.0, round(100 - paid - due, 1)),
            "paid_pct": int(status.paid_applied_fen * 100 // total)}
