"""The lender's event for the account's consent to family contact (catalog: ``portal/event_types.py``): one
``consent.changed`` per loan of the borrower, so a lender that keys everything by loan sees it on each."""
from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import Borrower
from portal.events import emit
from portal.extensions import db


def family_consent_event(borrower: Borrower) -> None:
    from portal.loans.models import Loan  # loans stand above accounts

    for loan_ref in db.session.scalars(select(Loan.loan_ref).where(Loan.borrower_id == borrower.id)
                                       .order_by(Loan.id)):
        emit(db.session, "consent.changed", loan_ref=loan_ref, borrower_id=borrower.id,
             data={"consent": "family_contact", "scope": "account", "visit": None,
                   "given": bool(borrower.family_contact_consent)})
