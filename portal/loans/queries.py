"""Loading loans for their owner (a constant number of queries) and their pages (``portal.loans.page``)."""
from __future__ import annotations

from datetime import date

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.loans import page
from portal.loans.models import Loan
from portal.loans.page import payment_order, timeline_settings  # noqa: F401 (loaded from here by other domains)

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


def dashboard(borrower, as_of: date) -> page.Dashboard:
    """Every loan of the borrower as ``/loans`` shows it (``portal.loans.page``)."""
    return page.dashboard(borrower, loans_for_borrower(borrower), as_of)


def loan_view(borrower, loan: Loan, as_of: date) -> page.LoanPage:
    """One loan's page (``portal.loans.page.loan_page``)."""
    return page.loan_page(borrower, loan, as_of)
