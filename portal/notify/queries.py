"""Reads of the outbox for the staff console."""
from __future__ import annotations

from flask import abort
from sqlalchemy import select

from portal.extensions import db
from portal.notify.models import Outbox

STATES = ("pending", "sending", "sent", "failed")
PAGE_SIZE = 50


def message_page(state: str, before: int | None) -> tuple[list[Outbox], int | None]:
    """One page of messages in ``state`` (or ``all``), newest first; the id to continue before, if any."""
    query = select(Outbox).order_by(Outbox.id.desc()).limit(PAGE_SIZE + 1)
    if state != "all":
        query = query.where(Outbox.state == state)
    if before and 0 < before < 2**31:
        query = query.where(Outbox.id < before)
    rows = list(db.session.scalars(query))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, rows[-1].id if more and rows else None


def message_or_404(message_id: int) -> Outbox:
    row = db.session.get(Outbox, message_id) if 0 < message_id < 2**31 else None
    if row is None:
        abort(404)
    return row
