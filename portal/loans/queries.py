"""Loading loans for their owner (a constant number of queries) and their pages (``portal.loans.page``).

The statements are built once, at import, with the borrower (and loan) as bound parameters: building a
``select()`` costs more than running it from SQLAlchemy's compiled cache."""
from __future__ import annotations

from datetime import date

from flask import abort
from sqlalchemy import bindparam, literal, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from portal.extensions import db
from portal.loans import page, rules
from portal.loans.labels import Standing, standing_of
from portal.loans.models import Instalment, Loan, Payment
from portal.loans.panels import agreed_plans
from portal.loans.page import payment_order, timeline_settings  # noqa: F401 (loaded from here by other domains)

_LOAD = (selectinload(Loan.instalments), selectinload(Loan.payments))
_BORROWER = bindparam("borrower_id")
_ORDER = (Loan.start_date, Loan.id)  # the order of /loans and of the home
_LOANS = select(Loan).where(Loan.borrower_id == _BORROWER).order_by(*_ORDER)
_LOANS_LOADED = _LOANS.options(*_LOAD)
# One loan: its schedule joined (a row per instalment), its payments lazily loaded when first read — for a single
# loan the same statement as selectinload and less work; both collections joined would give instalments × payments
# rows.
_LOAN = (select(Loan).where(Loan.loan_ref == bindparam("loan_ref"), Loan.borrower_id == _BORROWER)
         .options(joinedload(Loan.instalments)))
_FIGURES = (select(Loan.id, Loan.loan_ref, Loan.penalty_daily_rate).where(Loan.borrower_id == _BORROWER)
            .order_by(*_ORDER))
_MINE = select(Loan.id).where(Loan.borrower_id == _BORROWER).scalar_subquery()
# The schedules (kind 0) and payments (kind 1) of a borrower's loans, in one statement, by loan and seq.
_ROWS = union_all(
    select(Instalment.loan_id, literal(0).label("kind"), Instalment.seq, Instalment.due_date, Instalment.principal_fen,
           Instalment.interest_fen, Instalment.fee_fen).where(Instalment.loan_id.in_(_MINE)),
    select(Payment.loan_id, literal(1), Payment.seq, Payment.paid_on, Payment.amount_fen, literal(0), literal(0))
    .where(Payment.loan_id.in_(_MINE)),
).order_by("loan_id", "kind", "seq")


def loans_for_borrower(borrower) -> list[Loan]:
    """All of a borrower's loans with schedule and payments: three queries whatever the numbers."""
    return list(db.session.scalars(_LOANS_LOADED, {"borrower_id": borrower.id}))


def loans_of(borrower) -> list[Loan]:
    """The borrower's loans without their schedules and payments (for lists of loans): one query."""
    return list(db.session.scalars(_LOANS, {"borrower_id": borrower.id}))


def loan_for_borrower(borrower, loan_ref: str) -> Loan:
    """One loan of this borrower, or 404 (the same answer for another person's loan and a missing one): the loan
    and its schedule in one statement, its payments in a second one when first read (``_LOAN``)."""
    loan = db.session.scalars(_LOAN, {"loan_ref": loan_ref, "borrower_id": borrower.id}).unique().one_or_none()
    if loan is None:
        abort(404)
    return loan


def _schedules_and_payments(borrower, loan_ids) -> tuple[dict[int, list[rules.ScheduleItem]],
                                                          dict[int, list[rules.PaymentItem]]]:
    """The schedules and payments of the borrower's loans (``loan_ids``: all of them) as the rules read them, by
    loan id, in the relationships' order: one statement (``_ROWS``), no ORM objects."""
    schedules: dict[int, list[rules.ScheduleItem]] = {loan_id: [] for loan_id in loan_ids}
    payments: dict[int, list[rules.PaymentItem]] = {loan_id: [] for loan_id in loan_ids}
    if schedules:
        for loan_id, kind, seq, on, a, b, c in db.session.execute(_ROWS, {"borrower_id": borrower.id}):
            if kind == 0:
                schedules[loan_id].append(rules.ScheduleItem(seq, on, a, b, c))
            else:
                payments[loan_id].append(rules.PaymentItem(on, a))
    return schedules, payments


def dashboard(borrower, as_of: date) -> page.Dashboard:
    """Every loan of the borrower as ``/loans`` shows it (``portal.loans.page``): the loans, then their schedules
    and payments in one statement."""
    loans = loans_of(borrower)
    schedules, payments = _schedules_and_payments(borrower, [loan.id for loan in loans])
    return page.dashboard(borrower, loans, schedules, payments, as_of)


def loan_view(borrower, loan: Loan, as_of: date) -> page.LoanPage:
    """One loan's page (``portal.loans.page.loan_page``)."""
    return page.loan_page(borrower, loan, as_of)


def standings(borrower, as_of: date) -> list[tuple[str, Standing]]:
    """``(loan_ref, Standing)`` of each loan of the borrower, in the order of ``/loans``: what the home shows, from
    the same rules as the loan pages (``labels.standing_of`` over ``rules.compute_status`` and the agreed plan that
    the loan's panel carries) without building the pages or their panels. Two statements of its own (the loans;
    their schedules and payments together), plus the plans' once-per-request load."""
    loans = db.session.execute(_FIGURES, {"borrower_id": borrower.id}).all()
    if not loans:
        return []
    schedules, payments = _schedules_and_payments(borrower, [loan.id for loan in loans])
    plans = agreed_plans(borrower, loans)
    order = page.payment_order()
    out = []
    for loan in loans:
        paid = payments[loan.id]
        status = rules.compute_status(schedules[loan.id], paid, loan.penalty_daily_rate, as_of, order)
        agreed = plans.get(loan.id)
        plan = rules.plan_status(agreed.lines, paid, agreed.paid_fen, as_of) if agreed is not None else None
        out.append((loan.loan_ref, standing_of(status, plan)))
    return out

