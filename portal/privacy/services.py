"""Data requests: a borrower files one; staff answer it with a reason. Add and flush; never commit."""
from __future__ import annotations

from portal.accounts.models import Borrower, StaffUser
from portal.audit.services import record
from portal.events import emit
from portal.extensions import db
from portal.i18n import local_today
from portal.orm import utcnow
from portal.privacy import rules
from portal.privacy.models import DataRequest
from portal.privacy.rules import RequestError


def file_request(borrower: Borrower, kind: str, detail: str) -> DataRequest:
    if kind not in rules.KINDS:
        raise RequestError("kind")
    item = DataRequest(borrower_id=borrower.id, kind=kind, detail=detail.strip()[:rules.DETAIL_MAX],
                       due_on=rules.due_on(local_today()))
    db.session.add(item)
    db.session.flush()
    record("data_request.filed", "data_request", item.reference, borrower=borrower, kind=kind)
    emit(db.session, f"data_request.{kind}_requested", borrower_id=borrower.id,
         data={"reference": item.reference, "kind": kind, "due_on": item.due_on.isoformat()})
    return item


def answer_request(staff: StaffUser, item: DataRequest, version: str | int | None, outcome: str,
                   answer: str) -> None:
    """Close the request as done or declined; the borrower reads ``answer``. A stale form changes nothing."""
    if str(version) != str(item.version):
        raise RequestError("stale")
    rules.check_answer(item.state, outcome, answer)
    item.state = outcome
    item.answer = answer.strip()[:rules.ANSWER_MAX]
    item.answered_at = utcnow()
    item.answered_by_id = staff.id
    db.session.flush()
    record("data_request.answered", "data_request", item.reference, staff=staff, outcome=outcome)
    emit(db.session, "data_request.answered", borrower_id=item.borrower_id,
         data={"reference": item.reference, "kind": item.kind, "outcome": outcome})
