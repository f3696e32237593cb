"""Fix 7: no oracle in timing: password reset and activation answer in the same time whether or not the number
has an account and whether or not the ID tail matches; the SMS is an outbox row that the worker sends, never the
request (here the queue records what it is asked to deliver, as a real one does, and the test then delivers)."""
from __future__ import annotations

import statistics
import time

import pytest

GATEWAY_SECONDS = 0.25  # a slow SMS gateway: without the fix the right details took this much longer


class SlowGateway:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, req):
        from portal.notify.gateways import SendResult

        time.sleep(GATEWAY_SECONDS)
        self.sent.append((req.to, req.text))
        return SendResult(provider_id=f"slow-{req.out_id}")


@pytest.fixture
def queued(monkeypatch):
    """Outbox ids the queue was asked to deliver (a worker would send them, outside the request)."""
    ids: list[int] = []
    monkeypatch.setattr("portal.notify.outbox.enqueue_delivery", lambda row_id, delay=None: ids.append(row_id))
    return ids


def deliver_all(app, ids: list[int]) -> None:
    from portal.notify.outbox import deliver

    with app.app_context():
        for row_id in ids:
            deliver(row_id)


@pytest.fixture
def gateway(monkeypatch, app, queued):
    slow = SlowGateway()
    monkeypatch.setattr("portal.notify.gateways.sms_backend", lambda config: slow)
    monkeypatch.setitem(app.config, "CODE_LIMIT_PER_ACCOUNT", "1000 per minute")
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_IP", "1000 per minute")
    return slow


def _answer_time(client, path, data) -> float:
    """Seconds until the answer is there (before the response is closed, as a browser sees it)."""
    start = time.perf_counter()
    response = client.post(path, data=data, buffered=False)
    elapsed = time.perf_counter() - start
    assert response.status_code == 302
    response.close()  # the server closes the response after sending it: deferred work runs now
    return elapsed


def _median(client, path, data, n=5) -> float:
    return statistics.median(_answer_time(client, path, data) for _ in range(n))


def test_fix7_reset_answers_as_fast_for_a_real_account_as_for_an_unknown_number(client, create_borrower, gateway,
                                                                                queued):
    create_borrower(phone="13700137000")
    real = _median(client, "/password/reset", {"phone": "13700137000"})
    unknown = _median(client, "/password/reset", {"phone": "13900139999"})
    assert abs(real - unknown) < GATEWAY_SECONDS / 2, (real, unknown)
    assert gateway.sent == []  # nothing was sent by the requests
    deliver_all(client.application, queued)
    assert len(gateway.sent) == 5 and {to for to, _ in gateway.sent} == {"+8613700137000"}


def test_fix7_activation_answers_as_fast_whether_or_not_the_id_tail_matches(client, create_borrower, gateway,
                                                                            queued):
    b = create_borrower(phone="13700137000", activated=False)
    right = _median(client, "/activate", {"phone": "13700137000", "id_tail": b.id_number[-6:]})
    wrong = _median(client, "/activate", {"phone": "13700137000", "id_tail": "000000"})
    unknown = _median(client, "/activate", {"phone": "13900139999", "id_tail": b.id_number[-6:]})
    assert max(right, wrong, unknown) - min(right, wrong, unknown) < GATEWAY_SECONDS / 2, (right, wrong, unknown)
    deliver_all(client.application, queued)
    assert len(gateway.sent) == 5


def test_fix7_an_active_account_gets_its_hint_after_the_answer_too(client, create_borrower, gateway,
                                                                   queued):
    b = create_borrower(phone="13700137000")
    hint = _median(client, "/activate", {"phone": "13700137000", "id_tail": b.id_number[-6:]}, n=3)
    unknown = _median(client, "/activate", {"phone": "13900139999", "id_tail": "000000"}, n=3)
    assert abs(hint - unknown) < GATEWAY_SECONDS / 2, (hint, unknown)
    deliver_all(client.application, queued)
    assert len(gateway.sent) == 3


def test_fix7_the_code_is_delivered_by_the_queue_not_the_request(client, create_borrower, outbox, queued):
    create_borrower(phone="13700137000")
    response = client.post("/password/reset", data={"phone": "13700137000"}, buffered=False)
    response.close()
    assert response.status_code == 302 and outbox() == [] and len(queued) == 1
    deliver_all(client.application, queued)
    assert [m["to"] for m in outbox()] == ["13700137000"]
