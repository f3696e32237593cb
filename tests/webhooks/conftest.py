"""A real HTTP receiver on 127.0.0.1 (port 0) in a thread, whose answers a test scripts, and a queue stub that
records what was enqueued (so a test moves the clock itself instead of waiting for a worker)."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.events import emit
from portal.extensions import db
from portal.webhooks.models import WebhookDelivery

SECRET = "test-webhook-secret-0123456789"


class Receiver:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[int | float] = []  # an int: that status; a float: sleep that long, then 200
        self.default = 200
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers["Content-Length"]))
                answer = receiver.answers.pop(0) if receiver.answers else receiver.default
                if isinstance(answer, float):
                    time.sleep(answer)
                    answer = 200
                receiver.requests.append({"headers": dict(self.headers), "body": body,
                                          "json": json.loads(body)})
                try:
                    self.send_response(answer)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the portal gave up waiting (a timeout test)
                    pass

            def log_message(self, *args):
                pass

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def hook_config(app, receiver):
    """The settings' endpoint points at the receiver."""
    before = {k: app.config.get(k) for k in ("WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_TIMEOUT_SECONDS")}
    app.config.update(WEBHOOK_URL=receiver.url, WEBHOOK_SECRET=SECRET, WEBHOOK_TIMEOUT_SECONDS=1.0)
    yield receiver
    app.config.update(before)


@pytest.fixture
def queued(monkeypatch):
    """What the portal asked the queue to deliver: [(delivery id, delay)], instead of delivering inline."""
    from portal.webhooks import outbox

    calls: list[tuple[int, float | None]] = []
    monkeypatch.setattr(outbox, "enqueue_webhook", lambda row_id, delay=None: calls.append((row_id, delay)))
    return calls


def consent_event(session, loan_ref: str, given: bool = True, commit: bool = True):
    """One valid event for ``loan_ref`` (the account's consent changed), committed."""
    event = emit(session, "consent.changed", loan_ref=loan_ref,
                 data={"consent": "family_contact", "scope": "account", "visit": None, "given": given})
    if commit:
        session.commit()
        event_id = event.id  # read back, then end the transaction again
        session.commit()
        return SimpleNamespace(id=event_id)
    return event


def deliveries(session) -> list[SimpleNamespace]:
    """Plain copies of every delivery, oldest first; the test's transaction is ended, so that the worker's own
    sessions may write (SQLite has one writer)."""
    session.expire_all()
    rows = [SimpleNamespace(id=r.id, uid=r.uid, state=r.state, attempts=r.attempts, last_status=r.last_status,
                            last_error=r.last_error, next_attempt_at=r.next_attempt_at, loan_ref=r.loan_ref,
                            endpoint=r.endpoint.name if r.endpoint else None, event_id=r.event_id,
                            redelivery_of_id=r.redelivery_of_id)
            for r in session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))]
    session.commit()
    return rows


__all__ = ["SECRET", "consent_event", "db", "deliveries"]
