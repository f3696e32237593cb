"""The lender's events for home visits (catalog: ``portal/event_types.py``): the visit's id, state and times; never
the address, the reason for a video call or the text of a dispute (PIPL Art. 6)."""
from __future__ import annotations

from portal.events import emit, utc_iso
from portal.extensions import db
from portal.visits.models import Visit


def visit_event(visit: Visit, type: str) -> None:
    """Emit ``type`` for ``visit`` in its new state."""
    data = {"visit": visit.id, "state": visit.state, "window_start": utc_iso(visit.window_start),
            "window_end": utc_iso(visit.window_end)}
    if type == "visit.reschedule_requested":
        data.update(requested_start=utc_iso(visit.requested_start), requested_end=utc_iso(visit.requested_end))
    _emit(visit, type, data)


def record_answer_event(visit: Visit, type: str, complaint_ref: str | None = None) -> None:
    _emit(visit, type, {"visit": visit.id, "held": bool(visit.record.held), "answer": visit.record_answer,
                        "complaint": complaint_ref})


def family_consent_event(visit: Visit) -> None:
    _emit(visit, "consent.changed", {"consent": "family_contact", "scope": "visit", "visit": visit.id,
                                     "given": bool(visit.family_contact_allowed)})


def _emit(visit: Visit, type: str, data: dict) -> None:
    emit(db.session, type, loan_ref=visit.loan.loan_ref, borrower_id=visit.loan.borrower_id, data=data)
