"""Reads of endpoints and deliveries for the console (``/staff/webhooks``)."""
from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.webhooks.models import STATES, WebhookDelivery, WebhookEndpoint

PAGE_SIZE = 50
CONFIG = "config"  # the endpoint of the settings (PORTAL_WEBHOOK_URL), in the endpoint filter


def endpoints() -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def name_taken(name: str) -> bool:
    return db.session.scalar(select(WebhookEndpoint.id).where(WebhookEndpoint.name == name)) is not None


def delivery_page(state: str, endpoint: str, before: int | None) -> tuple[list[WebhookDelivery], int | None]:
    """One page of deliveries in ``state`` (or ``all``) to ``endpoint`` (an id, ``config`` or ``all``), newest
    first; the id to continue before, if any."""
    query = (select(WebhookDelivery).options(selectinload(WebhookDelivery.event),
                                             selectinload(WebhookDelivery.endpoint))
             .order_by(WebhookDelivery.id.desc()).limit(PAGE_SIZE + 1))
    if state in STATES:
        query = query.where(WebhookDelivery.state == state)
    if endpoint == CONFIG:
        query = query.where(WebhookDelivery.endpoint_id.is_(None))
    elif endpoint.isdigit() and int(endpoint) < 2**31:
        query = query.where(WebhookDelivery.endpoint_id == int(endpoint))
    if before and 0 < before < 2**31:
        query = query.where(WebhookDelivery.id < before)
    rows = list(db.session.scalars(query))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, rows[-1].id if more and rows else None


def delivery_or_404(delivery_id: int) -> WebhookDelivery:
    row = db.session.get(WebhookDelivery, delivery_id) if 0 < delivery_id < 2**31 else None
    if row is None:
        abort(404)
    return row


def endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    row = db.session.get(WebhookEndpoint, endpoint_id) if 0 < endpoint_id < 2**31 else None
    if row is None:
        abort(404)
    return row
