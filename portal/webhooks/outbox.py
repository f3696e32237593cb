"""Webhook deliveries: a transactional outbox delivered by the worker.

``on_event`` (subscribed to ``portal.events``) adds one delivery per enabled endpoint in the transaction that emits
the event, and asks the queue to deliver them once it commits. A worker *claims* a delivery with one conditional
UPDATE -- due, not held by a live worker, its endpoint enabled, and no earlier delivery of the same loan to the
same endpoint still pending (strict order per loan per endpoint) -- POSTs it with short timeouts and records the
attempt: ``delivered`` on any 2xx, else another try after a back-off (9 tries over about a day), then ``failed``.
A claim expires, so a delivery whose worker died is taken again; the sweep, every minute, enqueues whatever is due
(a lost enqueue, a retry, the next delivery of a loan). Nothing here runs inside the borrower's request but the
INSERT: an endpoint that is down never blocks a request, and nothing is lost while it is down.
"""
from __future__ import annotations

import logging
import time
import uuid
from datetime import datetime, timedelta
from functools import partial

import requests
from flask import current_app, has_app_context
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from portal.events import Event
from portal.lifecycle import after_commit
from portal.orm import utcnow
from portal.queue import enqueue
from portal.webhooks import signing
from portal.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)

# The wait after the 1st … 8th failed try: tries at 0, 1 and 5 minutes, 0.5, 2, 5, 10, 17 and 24 hours.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=4), timedelta(minutes=25), timedelta(minutes=90),
           timedelta(hours=3), timedelta(hours=5), timedelta(hours=7), timedelta(hours=7))
MAX_ATTEMPTS = len(BACKOFF) + 1
OPEN = ("pending", "sending")
SWEEP_BATCH = 500
DELIVER, SWEEP = "deliver_webhook", "webhook_sweep"  # the worker's tasks (portal.webhooks.configure)


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after ``attempts`` failed tries (1-based)."""
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def _config_url() -> str | None:
    return current_app.config.get("WEBHOOK_URL") or None


# ---- writing: in the emitting transaction ---------------------------------------------------------------

def on_event(session: Session, event: Event) -> None:
    """Add a delivery of ``event`` for each enabled endpoint (the settings' one first) to ``session``."""
    if not has_app_context():
        return
    targets: list[int | None] = [None] if _config_url() else []
    targets += list(session.scalars(select(WebhookEndpoint.id).where(WebhookEndpoint.enabled.is_(True))
                                    .order_by(WebhookEndpoint.id)))
    if not targets:
        return
    rows = [WebhookDelivery(uid=str(uuid.uuid4()), event=event, endpoint_id=target, loan_ref=event.loan_ref,
                            state="pending", attempts=0, next_attempt_at=event.occurred_at) for target in targets]
    session.add_all(rows)
    session.flush()
    after_commit(partial(_enqueue, current_app._get_current_object(), [r.id for r in rows], None), session)


def redeliver(session: Session, delivery: WebhookDelivery) -> WebhookDelivery:
    """A supervisor's redelivery: a new delivery of the same event to the same endpoint, with its own tries and its
    own ``X-Portal-Delivery`` id. The body -- and so the event's ``id``, the key receivers drop repeats by (README,
    "Webhooks") -- is the same, so a receiver that already processed the event drops it."""
    row = WebhookDelivery(uid=str(uuid.uuid4()), event_id=delivery.event_id, endpoint_id=delivery.endpoint_id,
                          loan_ref=delivery.loan_ref, state="pending", attempts=0, next_attempt_at=utcnow(),
                          redelivery_of_id=delivery.id)
    session.add(row)
    session.flush()
    after_commit(partial(_enqueue, current_app._get_current_object(), [row.id], None), session)
    return row


def enqueue_webhook(row_id: int, delay: float | None = None) -> None:
    """Ask a worker to POST delivery ``row_id`` (now, or after ``delay`` seconds)."""
    enqueue(DELIVER, row_id, delay=delay)


def _enqueue(app, ids: list[int], delay: float | None) -> None:
    try:
        if has_app_context():
            for row_id in ids:
                enqueue_webhook(row_id, delay)
        else:
            with app.app_context():
                for row_id in ids:
                    enqueue_webhook(row_id, delay)
    except Exception:  # the queue is down: the rows are committed, the sweep enqueues them later
        log.exception("webhook deliveries %s not enqueued; the sweep will find them", ids)


# ---- the worker --------------------------------------------------------------------------------------------

def _sendable(now: datetime):
    """Due, not held, its endpoint enabled, and no earlier delivery of its loan to its endpoint still open."""
    older = aliased(WebhookDelivery)
    due = or_(and_(WebhookDelivery.state == "pending", WebhookDelivery.next_attempt_at <= now,
                   or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < now)),
              and_(WebhookDelivery.state == "sending", WebhookDelivery.claimed_until < now))
    earlier_open = exists().where(older.endpoint_id.is_not_distinct_from(WebhookDelivery.endpoint_id),
                                  older.loan_ref == WebhookDelivery.loan_ref, older.id < WebhookDelivery.id,
                                  older.state.in_(OPEN))
    enabled = exists().where(WebhookEndpoint.id == WebhookDelivery.endpoint_id, WebhookEndpoint.enabled.is_(True))
    endpoint_ok = or_(WebhookDelivery.endpoint_id.is_(None), enabled) if _config_url() else enabled
    return and_(due, ~earlier_open, endpoint_ok)


def _claim_for() -> timedelta:
    return timedelta(seconds=current_app.config.get("WEBHOOK_CLAIM_SECONDS") or 120)


def claim(session: Session, delivery_id: int, now: datetime) -> bool:
    """Take delivery ``delivery_id`` for sending if it may go now; commits the claim."""
    result = session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, _sendable(now))
        .values(state="sending", claimed_until=now + _claim_for(), attempts=WebhookDelivery.attempts + 1)
        .execution_options(synchronize_session=False))
    session.commit()
    return result.rowcount == 1


def _engine():
    from portal.extensions import db

    return db.engine


def _target(delivery: WebhookDelivery) -> tuple[str, str]:
    if delivery.endpoint is not None:
        return delivery.endpoint.url, delivery.endpoint.secret
    return current_app.config["WEBHOOK_URL"], current_app.config.get("WEBHOOK_SECRET") or ""


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    """POST once; the status code (None when no answer came) and what went wrong, if anything."""
    timeout = float(current_app.config.get("WEBHOOK_TIMEOUT_SECONDS") or 5)
    try:
        response = requests.post(url, data=body, headers=headers, timeout=(min(timeout, 3.0), timeout),
                                 allow_redirects=False, stream=True)  # the answer's body is never read
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:300]
    response.close()
    ok = 200 <= response.status_code < 300
    return response.status_code, "" if ok else f"HTTP {response.status_code}"


def deliver(delivery_id: int, now: datetime | None = None) -> str | None:
    """Claim, POST and record one delivery; its new state (None: not ours to send now)."""
    now = now or utcnow()
    with Session(bind=_engine(), expire_on_commit=False) as session:
        if not claim(session, delivery_id, now):
            return None
        row = session.get(WebhookDelivery, delivery_id)
        url, secret = _target(row)
        body = signing.body_of(row.event)
        stamp = int(now.timestamp())
        started = time.monotonic()
        status, error = _post(url, body, signing.headers(row.event.type, row.uid, secret, stamp, body))
        row.attempt_rows.append(WebhookAttempt(at=now, status_code=status, error=error,
                                               duration_ms=int((time.monotonic() - started) * 1000)))
        row.last_status, row.last_error, row.last_attempt_at, row.claimed_until = status, error, now, None
        if not error:
            row.state, row.delivered_at = "delivered", now
        elif row.attempts >= MAX_ATTEMPTS:
            row.state = "failed"
            log.warning("webhook delivery %s failed after %s tries: %s", row.id, row.attempts, error)
        else:
            row.state, row.next_attempt_at = "pending", now + backoff(row.attempts)
        session.commit()
        state, wait = row.state, (row.next_attempt_at - now).total_seconds()
        if state == "pending":
            _enqueue(current_app._get_current_object(), [row.id], wait if wait > 1 else None)
        else:
            _enqueue_next(session, row)
        return state


def _enqueue_next(session: Session, row: WebhookDelivery) -> None:
    """The delivery of the same loan to the same endpoint that waited for this one may go now."""
    if row.loan_ref is None:
        return
    successor = session.scalar(select(WebhookDelivery.id).where(
        WebhookDelivery.endpoint_id.is_not_distinct_from(row.endpoint_id), WebhookDelivery.loan_ref == row.loan_ref,
        WebhookDelivery.id > row.id, WebhookDelivery.state == "pending").order_by(WebhookDelivery.id).limit(1))
    if successor is not None:
        _enqueue(current_app._get_current_object(), [successor], None)


def sweep(now: datetime | None = None) -> int:
    """Enqueue every delivery that may go now (periodic, idempotent); the number enqueued."""
    now = now or utcnow()
    with Session(bind=_engine()) as session:
        ids = list(session.scalars(select(WebhookDelivery.id).where(_sendable(now)).order_by(WebhookDelivery.id)
                                   .limit(SWEEP_BATCH)))
    _enqueue(current_app._get_current_object(), ids, None)
    return len(ids)
