"""Reads of endpoints and deliveries for the console (``/staff/webhooks``)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.orm import get_or_404, keyset_page
from portal.security import db_id
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
                                             selectinload(WebhookDelivery.endpoint)))
    if state in STATES:
        query = query.where(WebhookDelivery.state == state)
    if endpoint == CONFIG:
        query = query.where(WebhookDelivery.endpoint_id.is_(None))
    elif db_id(endpoint):
        query = query.where(WebhookDelivery.endpoint_id == db_id(endpoint))
    return keyset_page(db.session, query, WebhookDelivery.id, before, PAGE_SIZE)


def delivery_or_404(delivery_id: int) -> WebhookDelivery:
    return get_or_404(db.session, WebhookDelivery, delivery_id)


def endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    return get_or_404(db.session, WebhookEndpoint, endpoint_id)
