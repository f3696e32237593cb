"""The lender's events for complaints (catalog: ``portal/event_types.py``): the reference, categories, channel,
dates and the outcome's category; never what the complainant wrote, their evidence, names or numbers (PIPL Art. 6,
design §6)."""
from __future__ import annotations

from portal.complaints.models import Complaint
from portal.events import emit, utc_iso
from portal.extensions import db


def complaint_event(complaint: Complaint, type: str) -> None:
    """Emit ``type`` for ``complaint`` as it is now."""
    data: dict = {"complaint": complaint.reference}
    if type == "complaint.filed":
        source = "phone" if complaint.taken_by_id else "borrower" if complaint.borrower_id else "third_party"
        data.update(source=source, categories=[row.category for row in complaint.category_rows],
                    channel=complaint.channel, visit=complaint.visit_id,
                    received_at=utc_iso(complaint.received_at), decide_due=complaint.decide_due.isoformat())
    elif type == "complaint.decided":
        data.update(state=complaint.state, outcome=complaint.outcome_category,
                    decided_at=utc_iso(complaint.decided_at))
    elif type == "complaint.review_requested":
        data.update(requested_at=utc_iso(complaint.review_requested_at))
    loan_ref = complaint.loan.loan_ref if complaint.loan_id is not None else None
    emit(db.session, type, loan_ref=loan_ref, borrower_id=complaint.borrower_id, data=data)
