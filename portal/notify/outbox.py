"""The transactional outbox: every message to a person is a row written with the change that causes it.

``queue_message`` adds the row in the caller's transaction and, once that commits, asks the queue to deliver it.
A worker *claims* a row with one conditional UPDATE before sending (two workers never send one row; a claim
expires, so a row whose worker died is taken by another), sends it through the gateway of its channel, and
records the outcome: ``sent`` with the provider's id, or another try after a back-off (5 tries over about an
hour), or ``failed`` (a permanent refusal at once, a temporary one after the last try). The sweep, every minute,
enqueues whatever is due and was not (a lost enqueue, a killed worker, a retry).

Quiet hours (design §8): nothing but codes goes to a person by SMS 22:00-08:00 lender time. The rule is applied
where a message is sent (``deliver``), whatever path leads there (a first try, a retry after a back-off, a
supervisor's "send again", the sweep after an outage): a row due in those hours is put back until 08:00; a back-off
or a "send again" that would end in them is set to 08:00 straight away.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from portal.lifecycle import after_commit
from portal.notify.models import Outbox
from portal.orm import utcnow
from portal.queue import enqueue

log = logging.getLogger(__name__)

CHANNELS = ("sms", "email")
MAX_ATTEMPTS = 5
# The wait after the 1st, 2nd, 3rd and 4th failed try: tries at 0, 1, 5, 20 and 60 minutes.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=4), timedelta(minutes=15), timedelta(minutes=40))
CLAIM = timedelta(minutes=2)  # longer than any gateway call with its timeouts (config OUTBOX_CLAIM_SECONDS)
SWEEP_BATCH = 500
DELIVER, SWEEP = "deliver", "sweep"  # the worker's tasks (registered by portal.notify.configure)


def queue_message(session: Session, *, channel: str, to: str, kind: str, params: dict, locale: str,
                  borrower_id: int | None = None, send_after: datetime | None = None) -> Outbox:
    """Add a message to the outbox in ``session``'s transaction; it is enqueued once that commits."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    row = Outbox(channel=channel, recipient=to, kind=kind, params={k: str(v) for k, v in params.items()},
                 locale=locale, borrower_id=borrower_id, state="pending", attempts=0,
                 next_attempt_at=send_after or utcnow())
    session.add(row)
    session.flush()
    delay = (row.next_attempt_at - utcnow()).total_seconds()
    after_commit(partial(_enqueue, current_app._get_current_object(), row.id, delay if delay > 1 else None),
                 session)
    return row


def enqueue_delivery(row_id: int, delay: float | None = None) -> None:
    """Ask a worker to look at row ``row_id`` (now, or after ``delay`` seconds)."""
    enqueue(DELIVER, row_id, delay=delay)


def _enqueue(app, row_id: int, delay: float | None) -> None:
    from flask import has_app_context

    try:
        if has_app_context():
            enqueue_delivery(row_id, delay)
        else:
            with app.app_context():
                enqueue_delivery(row_id, delay)
    except Exception:  # the queue is down: the row is committed, the sweep enqueues it later
        log.exception("outbox %s not enqueued; the sweep will find it", row_id)


def quiet_until(row: Outbox, at: datetime) -> datetime | None:
    """08:00 lender time when ``row`` may not go out at ``at`` (an SMS other than a code, 22:00-08:00), else None.
    Staff e-mail is not held."""
    from portal.i18n import lender_tz
    from portal.notify.rules import night_hold
    from portal.notify.kinds import IMMEDIATE_KINDS

    if row.channel != "sms" or row.kind in IMMEDIATE_KINDS:
        return None
    return night_hold(at, lender_tz())


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after ``attempts`` failed tries (1-based)."""
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def _due(now: datetime):
    return or_((Outbox.state == "pending") & (Outbox.next_attempt_at <= now)
               & (or_(Outbox.claimed_until.is_(None), Outbox.claimed_until < now)),
               (Outbox.state == "sending") & (Outbox.claimed_until < now))


def claim(session: Session, row_id: int, now: datetime | None = None) -> bool:
    """Take row ``row_id`` for sending, if it is due and nobody holds it; commits the claim."""
    now = now or utcnow()
    result = session.execute(
        update(Outbox).where(Outbox.id == row_id, _due(now))
        .values(state="sending", claimed_until=now + _claim(), attempts=Outbox.attempts + 1)
        .execution_options(synchronize_session=False))
    session.commit()
    return result.rowcount == 1


def _claim() -> timedelta:
    seconds = current_app.config.get("OUTBOX_CLAIM_SECONDS")
    return timedelta(seconds=seconds) if seconds else CLAIM


def _engine():
    from portal.extensions import db

    return db.engine


def deliver(row_id: int, now: datetime | None = None) -> str | None:
    """Claim, send and record one row; returns its new state (None: not ours to send now). A row that may not go
    out now (quiet hours) goes back to ``pending`` until 08:00, without counting as a try."""
    with Session(bind=_engine(), expire_on_commit=False) as session:
        if not claim(session, row_id, now):
            return None
        row = session.get(Outbox, row_id)
        morning = quiet_until(row, now or utcnow())
        if morning is not None:
            row.state, row.next_attempt_at, row.claimed_until = "pending", morning, None
            row.attempts -= 1  # the claim counted a try that was not made
            session.commit()
            enqueue_delivery(row_id, max((morning - utcnow()).total_seconds(), 0.0) or None)
            return "pending"
        try:
            result = _send(row)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
            state = _failed(row, exc, now or utcnow())
        else:
            row.state, row.sent_at, row.claimed_until = "sent", now or utcnow(), None
            row.provider_message_id, row.last_error = result[:120], ""
            state = "sent"
        session.commit()
        if state == "pending":
            enqueue_delivery(row_id, max((row.next_attempt_at - utcnow()).total_seconds(), 0.0) or None)
        return state


def _failed(row: Outbox, exc: Exception, now: datetime) -> str:
    from portal.notify.gateways import GatewayError

    permanent = isinstance(exc, GatewayError) and exc.permanent
    code = exc.code if isinstance(exc, GatewayError) else type(exc).__name__
    row.last_error = f"{code}: {getattr(exc, 'message', str(exc))}"[:500]
    row.claimed_until = None
    if permanent or row.attempts >= MAX_ATTEMPTS:
        row.state = "failed"
        log.warning("outbox %s failed after %s tries: %s", row.id, row.attempts, row.last_error)
    else:
        row.state = "pending"
        later = now + backoff(row.attempts)
        row.next_attempt_at = quiet_until(row, later) or later
    return row.state


def _send(row: Outbox) -> str:
    """Send through the configured gateway; the provider's message id."""
    from portal.notify import gateways
    from portal.notify.links import current_params

    params = current_params(row.kind, row.params) if row.channel == "sms" else dict(row.params)
    req = gateways.make_request(row.channel, row.recipient, row.kind, row.locale, params, row.id)
    return gateways.send(current_app.config, req).provider_id


def sweep(now: datetime | None = None) -> int:
    """Enqueue every row that is due and not held (periodic, idempotent); the number enqueued."""
    now = now or utcnow()
    with Session(bind=_engine()) as session:
        ids = list(session.scalars(select(Outbox.id).where(_due(now)).order_by(Outbox.next_attempt_at)
                                   .limit(SWEEP_BATCH)))
    for row_id in ids:
        enqueue_delivery(row_id)
    return len(ids)


def retry(session: Session, row: Outbox) -> datetime | None:
    """A supervisor's retry of a failed row: five more tries, starting now, or at 08:00 when now is in the quiet
    hours (in the caller's transaction). Returns that 08:00, or None when the first try is now."""
    now = utcnow()
    morning = quiet_until(row, now)
    row.state, row.attempts, row.next_attempt_at, row.claimed_until = "pending", 0, morning or now, None
    session.flush()
    delay = (morning - now).total_seconds() if morning else None
    after_commit(partial(_enqueue, current_app._get_current_object(), row.id, delay), session)
    return morning
