"""What staff do from a borrower's page: audited reads, notes and a complaint taken by phone. Never commit."""
from __future__ import annotations

from portal.accounts.models import Borrower, StaffUser
from portal.audit.services import record, record_read
from portal.complaints import services as complaints
from portal.complaints.models import Complaint
from portal.extensions import db
from portal.staff.borrowers.lookup import MAX_QUERY_LENGTH, Query, Results
from portal.staff.borrowers.models import BorrowerNote


def searched(raw: str, q: Query, results: Results, after: int | None) -> None:
    """A search that ran (a query the lookup refused, too long or empty, searched nobody and is not recorded)."""
    record_read("borrower.searched", "borrower", "", query=raw[:MAX_QUERY_LENGTH], kinds=q.kinds,
                results=len(results.rows), after=after or "")


def viewed(borrower: Borrower, query: str | None) -> None:
    """The search the borrower was opened from; no search is longer than the lookup allows."""
    record_read("borrower.viewed", "borrower", borrower.id, query=(query or "")[:MAX_QUERY_LENGTH])


def contacts_viewed(borrower: Borrower, after: str | None) -> None:
    """The contact log shows who was called at which number: a view of personal data."""
    record_read("borrower.contacts_viewed", "borrower", borrower.id, after=(after or "")[:40])


def personal_data_shown(borrower: Borrower) -> None:
    """PIPL Art. 6 (minimum necessary): the full phone, ID number and address only on request, and recorded."""
    record("borrower.personal_data_shown", "borrower", borrower.id, fields=["phone", "id_number", "address"])


def add_note(borrower: Borrower, text: str, actor: StaffUser) -> BorrowerNote:
    note = BorrowerNote(borrower_id=borrower.id, staff_id=actor.id, body=text.strip())
    db.session.add(note)
    db.session.flush()
    record("borrower.note_added", "borrower", borrower.id, staff=actor, note=note.id)
    return note


def take_complaint(borrower: Borrower, filing: complaints.Filing, actor: StaffUser, key: str | None) -> Complaint:
    """A complaint the borrower makes by phone, filed in their name and recorded as taken by ``actor``."""
    existing = complaints.find_by_key(key)
    if existing is not None:
        return existing
    complaint, _secret = complaints.file_complaint(filing, borrower=borrower, key=key, taken_by=actor)
    return complaint


def loan_viewed(borrower: Borrower, loan) -> None:
    record_read("loan.viewed", "loan", loan.loan_ref, borrower_id=borrower.id)
