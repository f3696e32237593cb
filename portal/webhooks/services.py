"""Changes to webhook endpoints by supervisors: add, pause or resume, replace the secret; each audited. Add and
flush; never commit."""
from __future__ import annotations

from portal.accounts.models import StaffUser
from portal.audit.services import record
from portal.extensions import db
from portal.webhooks import signing
from portal.webhooks.models import WebhookEndpoint


def add_endpoint(staff: StaffUser, name: str, url: str, secret: str = "") -> tuple[WebhookEndpoint, str | None]:
    """A new active endpoint; with the secret the portal made for it (to show once), or None when one was given."""
    made = None if secret else signing.new_secret()
    endpoint = WebhookEndpoint(name=name, url=url, secret=secret or made, enabled=True, created_by_id=staff.id)
    db.session.add(endpoint)
    db.session.flush()
    record("webhook.endpoint_added", "webhook_endpoint", endpoint.id, staff=staff, url=url)
    return endpoint, made


def set_enabled(staff: StaffUser, endpoint: WebhookEndpoint, enabled: bool) -> None:
    """Pause (its deliveries wait) or resume (the sweep sends what waited) an endpoint."""
    endpoint.enabled = enabled
    db.session.flush()
    record("webhook.endpoint_enabled" if enabled else "webhook.endpoint_disabled", "webhook_endpoint", endpoint.id,
           staff=staff)


def replace_secret(staff: StaffUser, endpoint: WebhookEndpoint) -> str:
    """A new secret for the endpoint (to show once); requests are signed with it from now on."""
    endpoint.secret = signing.new_secret()
    db.session.flush()
    record("webhook.secret_replaced", "webhook_endpoint", endpoint.id, staff=staff)
    return endpoint.secret
