"""What a webhook request carries: the JSON body of an event and its signature.

``X-Portal-Signature: sha256=<hex>`` is HMAC-SHA256, keyed with the endpoint's secret, of
``<X-Portal-Timestamp>.<raw body>``: the timestamp (Unix seconds) is in the signed material, so a receiver that
refuses old timestamps refuses a replayed request (README, "Webhooks").
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from portal.events import Event, utc_iso

SECRET_BYTES = 32


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(SECRET_BYTES)


def event_json(event: Event) -> dict:
    """An event as the lender receives it: id, type, time, loan reference and data (the catalog's schema)."""
    return {"id": event.id, "type": event.type, "occurred_at": utc_iso(event.occurred_at),
            "loan_ref": event.loan_ref, "data": event.data}


def body_of(event: Event) -> bytes:
    return json.dumps(event_json(event), ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def headers(event_type: str, delivery_uid: str, secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The request's headers. ``X-Portal-Delivery`` names this delivery (the same on its retries, new when a
    supervisor sends the event again); the key to drop repeats by is the event's ``id`` in the signed body."""
    return {"Content-Type": "application/json; charset=utf-8", "User-Agent": "borrower-portal-webhooks/1",
            "X-Portal-Event": event_type, "X-Portal-Delivery": delivery_uid,
            "X-Portal-Timestamp": str(timestamp), "X-Portal-Signature": signature(secret, timestamp, body)}
