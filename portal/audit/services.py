"""Write audit events. Services call ``record``; it adds, never commits. Views that audit a read of personal data
call ``record_read``: the same row, written by one Core INSERT at the request's commit point."""
from __future__ import annotations

import json

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from portal.audit.models import AuditEvent
from portal.extensions import db

_PENDING = "portal_audit_reads"
_INSERT = insert(AuditEvent.__table__)


def _actor(staff, borrower) -> tuple:
    if staff is None and borrower is None and has_request_context() and current_user.is_authenticated:
        if current_user.kind == "staff":
            staff = current_user
        else:
            borrower = current_user
    return staff, borrower


def _values(action: str, obj_type: str, obj_id: object, staff, borrower, detail: dict,
            system: bool = False) -> dict:
    if not system:
        staff, borrower = _actor(staff, borrower)
    return {
        # Outside a request (a command, the housekeeping run) nobody of the public acted: the system did; inside
        # one, ``system=True`` says a rule acted on its own (not the user of the request).
        "actor_kind": "staff" if staff is not None else "borrower" if borrower is not None
        else "system" if system or not has_request_context() else "public",
        "staff_id": staff.id if staff is not None else None,
        "borrower_id": borrower.id if borrower is not None else None,
        "action": action,
        "object_type": obj_type,
        "object_id": str(obj_id),
        "ip": (request.remote_addr or "") if has_request_context() else "",
        "detail": json.dumps(detail, ensure_ascii=False, default=str) if detail else "",
    }


def record(action: str, obj_type: str = "", obj_id: object = "", *, staff=None, borrower=None, system: bool = False,
           **detail) -> AuditEvent:
    """Append one audit event. The actor defaults to the logged-in user; ``system=True`` (with no staff or
    borrower) records the system as the actor, as a rule that followed from someone else's action."""
    event = AuditEvent(**_values(action, obj_type, obj_id, staff, borrower, detail, system))
    db.session.add(event)
    return event


def record_read(action: str, obj_type: str = "", obj_id: object = "", *, staff=None, borrower=None,
                **detail) -> None:
    """Append the audit event of a read (a staff view of personal data): the same row as ``record`` writes, kept
    until the request's transaction commits and then inserted with its siblings in one Core statement (no ORM
    object, no flush; on SQLite the write lock is taken only at the commit point). A rollback drops it, as it
    drops an added object. Inside a savepoint, or after objects added and not yet flushed, it is an added object as ``record`` makes
    (undoing the savepoint undoes it; the rows keep the order of the calls)."""
    session = db.session()
    values = _values(action, obj_type, obj_id, staff, borrower, detail)
    if session.in_nested_transaction() or session.new:
        session.add(AuditEvent(**values))  # after added objects: flushed with them, in the order of the calls
    else:
        if not session.in_transaction():
            session.begin()  # as session.add would: the row belongs to the transaction that starts now
        session.info.setdefault(_PENDING, []).append(values)


@event.listens_for(Session, "before_commit")
def _write_reads(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint is released: the reads belong to the outer transaction
        return
    rows = session.info.pop(_PENDING, None)
    if rows:
        with session.no_autoflush:  # recorded before anything still pending: inserted before its flush
            session.execute(_INSERT, rows)


@event.listens_for(Session, "after_transaction_end")
def _drop_reads(session: Session, transaction) -> None:
    # The outermost transaction ended without a commit (rolled back or closed): its reads are not recorded.
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_PENDING, None)
