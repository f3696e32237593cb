"""Write audit events. Services call ``record``; it adds, never commits."""
from __future__ import annotations

import json

from flask import has_request_context, request
from flask_login import current_user

from portal.audit.models import AuditEvent
from portal.extensions import db


def record(action: str, obj_type: str = "", obj_id: object = "", *, staff=None, borrower=None,
           **detail) -> AuditEvent:
    """Append one audit event. The actor defaults to the logged-in user."""
    if staff is None and borrower is None and has_request_context() and current_user.is_authenticated:
        if current_user.kind == "staff":
            staff = current_user
        else:
            borrower = current_user
    kind = "staff" if staff is not None else "borrower" if borrower is not None else "public"
    event = AuditEvent(
        actor_kind=kind,
        staff_id=staff.id if staff is not None else None,
        borrower_id=borrower.id if borrower is not None else None,
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        ip=(request.remote_addr or "") if has_request_context() else "",
        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else "",
    )
    db.session.add(event)
    return event
