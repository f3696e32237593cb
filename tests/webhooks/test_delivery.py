"""Deliveries against a real local receiver: signed so the README's check accepts them, retried with the
back-off on 500s and timeouts, strictly in order per loan, and never lost or in the borrower's way."""
from __future__ import annotations

import re
import socket
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from portal.orm import utcnow
from portal.webhooks import outbox
from portal.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

from .conftest import SECRET, consent_event, deliveries

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_verify():
    """The receiver's check exactly as the README shows it."""
    section = README.read_text(encoding="utf-8").split("## Webhooks", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace["verify"]


def test_an_event_makes_one_delivery_per_active_endpoint_in_its_own_transaction(session, hook_config, queued):
    session.add_all([WebhookEndpoint(name="crm", url=hook_config.url, secret=SECRET, enabled=True),
                     WebhookEndpoint(name="old", url=hook_config.url, secret=SECRET, enabled=False)])
    session.commit()
    consent_event(session, "L1", commit=False)
    session.rollback()
    assert deliveries(session) == [] and queued == []  # rolled back: nothing to send, nothing enqueued
    consent_event(session, "L1")
    rows = deliveries(session)
    assert [r.endpoint for r in rows] == [None, "crm"]
    assert {r.loan_ref for r in rows} == {"L1"} and len({r.uid for r in rows}) == 2
    assert [row_id for row_id, _ in queued] == [r.id for r in rows]  # enqueued once committed


def test_a_delivery_is_signed_so_the_readme_check_accepts_it(session, hook_config, queued):
    event = consent_event(session, "L7")
    [row] = deliveries(session)
    assert outbox.deliver(row.id) == "delivered"
    [request] = hook_config.requests
    headers, body = request["headers"], request["body"]
    assert headers["X-Portal-Event"] == "consent.changed" and headers["X-Portal-Delivery"] == row.uid
    assert headers["Content-Type"].startswith("application/json")
    assert request["json"] == {"id": event.id, "type": "consent.changed", "loan_ref": "L7",
                               "occurred_at": request["json"]["occurred_at"],
                               "data": {"consent": "family_contact", "scope": "account", "visit": None,
                                        "given": True}}
    verify = readme_verify()
    assert verify(SECRET, headers, body)
    assert not verify("another-secret-0123456789", headers, body)
    assert not verify(SECRET, headers, body.replace(b"true", b"false"))  # a changed body
    assert not verify(SECRET, headers, body, now=time.time() + 301)  # a replay after 5 minutes
    [stored] = deliveries(session)
    assert stored.state == "delivered" and stored.last_status == 200 and stored.attempts == 1


def test_500s_are_retried_on_the_schedule_then_the_delivery_fails(session, hook_config, queued):
    hook_config.default = 500
    consent_event(session, "L9")
    [row] = deliveries(session)
    start = now = utcnow()
    waits = []
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        assert outbox.deliver(row.id, now - timedelta(seconds=1)) is None  # not due yet: nothing sent
        state = outbox.deliver(row.id, now)
        [stored] = deliveries(session)
        assert stored.attempts == attempt and stored.last_status == 500
        if attempt < outbox.MAX_ATTEMPTS:
            assert state == "pending"
            waits.append(stored.next_attempt_at - now)
            assert queued[-1] == (row.id, waits[-1].total_seconds())  # the retry is scheduled with its delay
            now = stored.next_attempt_at
    assert state == "failed" and len(hook_config.requests) == outbox.MAX_ATTEMPTS >= 8
    assert waits == list(outbox.BACKOFF) and all(b > a for a, b in zip(waits[:6], waits[1:7]))
    assert timedelta(hours=20) <= now - start <= timedelta(hours=26)  # spread over about a day
    codes = session.scalars(select(WebhookAttempt.status_code).order_by(WebhookAttempt.id)).all()
    session.commit()
    assert codes == [500] * outbox.MAX_ATTEMPTS
    assert outbox.deliver(row.id, now + timedelta(days=2)) is None  # failed stays failed


def test_a_timeout_is_a_failed_try_and_is_retried(app, session, hook_config, queued):
    app.config["WEBHOOK_TIMEOUT_SECONDS"] = 0.3
    hook_config.answers = [1.5]  # answers after 1.5 s: too late
    consent_event(session, "L3")
    [row] = deliveries(session)
    began = time.monotonic()
    assert outbox.deliver(row.id) == "pending"
    assert time.monotonic() - began < 1.2
    [stored] = deliveries(session)
    assert stored.last_status is None and "Timeout" in stored.last_error
    assert outbox.deliver(row.id, stored.next_attempt_at) == "delivered"


def test_one_loan_strictly_in_order_others_not_held_up(session, hook_config, queued):
    hook_config.answers = [503]
    for ref in ("A", "A", "B"):
        consent_event(session, ref)
    a1, a2, b1 = deliveries(session)
    assert outbox.deliver(a1.id) == "pending"  # A's first fails
    assert outbox.deliver(a2.id) is None  # A's second waits behind it, even though it is due
    assert outbox.sweep() == 1 and queued[-1] == (b1.id, None)  # the sweep offers B only
    assert outbox.deliver(b1.id) == "delivered"  # another loan is not held up
    queued.clear()
    [first] = [r for r in deliveries(session) if r.id == a1.id]
    assert outbox.deliver(a1.id, first.next_attempt_at) == "delivered"
    assert queued == [(a2.id, None)]  # the next of loan A is enqueued at once
    assert outbox.deliver(a2.id) == "delivered"
    ids = [r["json"]["id"] for r in hook_config.requests if r["json"]["loan_ref"] == "A"]
    assert ids == sorted(ids) and len(ids) == 3  # A1 (failed), A1, A2


def test_a_dead_workers_claim_expires_and_another_takes_it(session, hook_config, queued):
    consent_event(session, "L5")
    [row] = deliveries(session)
    now = utcnow()
    assert outbox.claim(session, row.id, now)  # a worker took it … and died
    assert outbox.deliver(row.id, now + timedelta(seconds=30)) is None
    assert outbox.deliver(row.id, now + timedelta(seconds=121)) == "delivered"
    assert len(hook_config.requests) == 1


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_endpoint_that_is_down_neither_blocks_the_borrower_nor_loses_the_event(
        app, client, login, create_borrower, create_loan, session, receiver):
    """The real (inline, in tests) queue: the POST fails at once, the borrower's change is saved, and the
    delivery waits for its retry until the receiver is back."""
    app.config.update(WEBHOOK_URL=f"http://127.0.0.1:{_closed_port()}/hooks", WEBHOOK_SECRET=SECRET)
    try:
        borrower = create_borrower()
        create_loan(borrower, loan_ref="L42")
        login(client, borrower)
        began = time.monotonic()
        response = client.post("/settings", data={"prefs-locale": "zh_Hans", "prefs-preferred_contact": "sms",
                                                  "prefs-family_contact_consent": "y", "prefs-submit": "1"})
        assert response.status_code == 302 and time.monotonic() - began < 3
        [row] = deliveries(session)
        assert row.state == "pending" and row.attempts == 1 and "ConnectionError" in row.last_error
        app.config["WEBHOOK_URL"] = receiver.url  # back up
        assert outbox.deliver(row.id, row.next_attempt_at) == "delivered"
        assert receiver.requests[0]["json"]["loan_ref"] == "L42"
    finally:
        app.config.update(WEBHOOK_URL=None, WEBHOOK_SECRET=None)


def test_a_paused_endpoint_keeps_its_deliveries_until_resumed(session, receiver, queued):
    endpoint = WebhookEndpoint(name="crm", url=receiver.url, secret=SECRET, enabled=True)
    session.add(endpoint)
    session.commit()
    consent_event(session, "L8")
    [row] = deliveries(session)
    session.execute(update(WebhookEndpoint).values(enabled=False))
    session.commit()
    assert outbox.deliver(row.id) is None and outbox.sweep() == 0
    session.execute(update(WebhookEndpoint).values(enabled=True))
    session.commit()
    assert outbox.sweep() == 1 and outbox.deliver(row.id) == "delivered"
    assert receiver.requests[0]["headers"]["X-Portal-Delivery"] == row.uid
    assert readme_verify()(SECRET, receiver.requests[0]["headers"], receiver.requests[0]["body"])


@pytest.mark.parametrize("state", ["delivered", "failed"])
def test_redelivery_is_a_new_delivery_of_the_same_event(app, session, hook_config, queued, state):
    consent_event(session, "L6")
    [row] = deliveries(session)
    session.execute(update(WebhookDelivery).where(WebhookDelivery.id == row.id).values(state=state))
    session.commit()
    with app.test_request_context():
        again = outbox.redeliver(session, session.get(WebhookDelivery, row.id))
        session.commit()
    [_, again] = deliveries(session)
    assert again.event_id == row.event_id and again.uid != row.uid and again.redelivery_of_id == row.id
    assert outbox.deliver(again.id) == "delivered"


def readme_event_id():
    section = README.read_text(encoding="utf-8").split("## Webhooks", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace["event_id"]


def test_a_redelivery_keeps_the_event_id_receivers_drop_repeats_by(app, session, hook_config, queued):
    """A supervisor's redelivery is a new delivery (a new X-Portal-Delivery) of the same event: the README tells
    receivers to drop repeats by the event's id, which a redelivery keeps, so a receiver doing so processes the
    event once."""
    event = consent_event(session, "L8")
    [row] = deliveries(session)
    assert outbox.deliver(row.id) == "delivered"
    with app.test_request_context():
        outbox.redeliver(session, session.get(WebhookDelivery, row.id))
        session.commit()
    [_, again] = deliveries(session)
    assert outbox.deliver(again.id) == "delivered"
    first, second = hook_config.requests
    assert first["headers"]["X-Portal-Delivery"] == row.uid and second["headers"]["X-Portal-Delivery"] == again.uid
    assert first["body"] == second["body"]  # the same event, byte for byte
    event_id, verify = readme_event_id(), readme_verify()
    processed: set[int] = set()
    for request in hook_config.requests:  # the receiver the README describes
        assert verify(SECRET, request["headers"], request["body"])
        processed.add(event_id(request["body"]))
    assert processed == {event.id}
    section = README.read_text(encoding="utf-8").split("## Webhooks", 1)[1]
    assert "drops repeats by the event's `id`" in section
    assert "so a receiver can drop repeats" not in section  # the delivery id is not the key


def test_the_delivery_page_says_a_redelivery_keeps_the_event_id(app, client, create_staff, login, session,
                                                                 hook_config, queued):
    consent_event(session, "L9")
    [row] = deliveries(session)
    assert outbox.deliver(row.id) == "delivered"
    login(client, create_staff(role="supervisor"))
    page = client.get(f"/staff/webhooks/deliveries/{row.id}").get_data(as_text=True)
    assert "事件编号" in page and f"<code>{row.event_id}</code>" in page
    assert f"接收方会再次收到事件编号 {row.event_id}，如果已经处理过，就会将其丢弃" in page
