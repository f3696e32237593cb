"""Reads of the outbox for the staff console."""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.notify.models import Outbox
from portal.orm import get_or_404, keyset_page

STATES = ("pending", "sending", "sent", "failed")
PAGE_SIZE = 50


def message_page(state: str, before: int | None) -> tuple[list[Outbox], int | None]:
    """One page of messages in ``state`` (or ``all``), newest first; the id to continue before, if any."""
    query = select(Outbox)
    if state != "all":
        query = query.where(Outbox.state == state)
    return keyset_page(db.session, query, Outbox.id, before, PAGE_SIZE)


def message_or_404(message_id: int) -> Outbox:
    return get_or_404(db.session, Outbox, message_id)
