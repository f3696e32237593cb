"""Read models of the staff borrower pages: one borrower with everything staff need when they call."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts.models import Borrower
from portal.accounts.rules import mask_id_number
from portal.complaints import rules as complaint_rules
from portal.complaints.models import Complaint
from portal.extensions import db
from portal.loans import queries as loans
from portal.loans.models import Loan
from portal.notify.models import Outbox
from portal.notify.texts import TextError, render_sms
from portal.plans.models import PlanProposal
from portal.plans.queries import proposals_of
from portal.staff.borrowers.models import BorrowerNote
from portal.visits.models import Visit

LIST_LIMIT = 50


def borrower_or_404(borrower_id: int) -> Borrower:
    borrower = db.session.get(Borrower, borrower_id)
    if borrower is None:
        abort(404)
    return borrower


def loan_of_borrower_or_404(borrower: Borrower, loan_ref: str) -> Loan:
    return loans.loan_for_borrower(borrower, loan_ref)


def mask_address(address: str) -> str:
    """Enough to tell two addresses apart on the phone (the first 6 characters), never the street and number."""
    address = address or ""
    return address[:6] + "…" if len(address) > 6 else ("…" if address else "")


@dataclass
class Identity:
    """The borrower's personal data as the page may show it: masked unless staff pressed "show"."""

    phone: str
    id_number: str
    address: str
    revealed: bool


def identity(borrower: Borrower, revealed: bool) -> Identity:
    if revealed:
        return Identity(borrower.phone, borrower.id_number, borrower.address or "", True)
    return Identity(borrower.masked_phone, mask_id_number(borrower.id_number), mask_address(borrower.address), False)


@dataclass(frozen=True)
class ComplaintRow:
    """One complaint as the page lists it: its next deadline and whether that deadline is late or today (the
    complaint queue's rule, ``portal.complaints.rules.urgency``: ``"overdue"``, ``"due-today"`` or None)."""

    complaint: Complaint
    due: date | None
    urgency: str | None


def complaint_rows(complaints, today: date) -> list[ComplaintRow]:
    return [ComplaintRow(c, c.next_due, complaint_rules.urgency(c.next_due, today)) for c in complaints]


@dataclass
class BorrowerPage:
    borrower: Borrower
    who: Identity
    board: loans.Dashboard  # the borrower's own loan figures: the same code as /loans
    visits: list[Visit]
    plans: list[PlanProposal]
    complaints: list[ComplaintRow]
    notes: list[BorrowerNote]
    messages: list["SentMessage"]
    all_plans: list[PlanProposal]  # every sent proposal (the contact log's agreed plans come from these)


@dataclass(frozen=True)
class SentMessage:
    """One outbox row as staff read it: the words the borrower got (a code masked), its channel and state."""

    row: Outbox
    text: str


def _message_text(row: Outbox) -> str:
    params = {k: ("••••••" if k == "code" else v) for k, v in (row.params or {}).items()}
    try:
        return render_sms(row.kind, row.locale, params)
    except TextError:
        return row.kind


def sent_messages(borrower: Borrower) -> list[SentMessage]:
    """The newest messages to this borrower (SMS and e-mail, any state), as the outbox holds them."""
    rows = db.session.scalars(select(Outbox).where(Outbox.borrower_id == borrower.id)
                              .order_by(Outbox.created_at.desc(), Outbox.id.desc()).limit(LIST_LIMIT))
    return [SentMessage(row, _message_text(row)) for row in rows]


def borrower_page(borrower: Borrower, today: date, revealed: bool = False) -> BorrowerPage:
    """Everything the page shows. The loans come with the dashboard (the same rows as /loans), so the visits' and
    plans' loans are read from the session, not queried again; the plans are the request's ``proposals_of`` rows
    that the dashboard's panels loaded, newest first."""
    board = loans.dashboard(borrower, today)
    visits = db.session.scalars(select(Visit).join(Loan, Visit.loan_id == Loan.id)
                                .where(Loan.borrower_id == borrower.id)
                                .order_by(Visit.window_start.desc(), Visit.id.desc()).limit(LIST_LIMIT))
    sent = proposals_of(borrower)
    plans = sorted(sent, key=lambda p: (p.created_at, p.id), reverse=True)[:LIST_LIMIT]
    complaints = db.session.scalars(select(Complaint).where(Complaint.borrower_id == borrower.id)
                                    .order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(LIST_LIMIT))
    notes = db.session.scalars(select(BorrowerNote).where(BorrowerNote.borrower_id == borrower.id)
                               .options(selectinload(BorrowerNote.staff))
                               .order_by(BorrowerNote.id.desc()).limit(LIST_LIMIT))
    return BorrowerPage(borrower, identity(borrower, revealed), board, list(visits), plans,
                        complaint_rows(complaints, today),
                        list(notes), sent_messages(borrower), sent)
