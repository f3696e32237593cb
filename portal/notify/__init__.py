"""SMS backends (design §8): a tiny interface; ``file`` appends JSON lines to the outbox."""
from __future__ import annotations

import fcntl
import json
import os
from typing import Protocol

from flask import Flask, current_app, g

from portal.orm import utcnow


class SmsBackend(Protocol):
    def send(self, to: str, text: str) -> None: ...


class FileBackend:
    def __init__(self, path: str) -> None:
        self.path = path

    def send(self, to: str, text: str) -> None:
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        line = json.dumps({"to": to, "text": text, "sent_at": utcnow().isoformat()}, ensure_ascii=False)
        with open(self.path, "a", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            fh.write(line + "\n")


def get_backend() -> SmsBackend:
    name = current_app.config["SMS_BACKEND"]
    if name == "file":
        return FileBackend(current_app.config["SMS_OUTBOX"])
    raise RuntimeError(f"unknown SMS backend {name!r}")


def send_sms(to: str, text: str) -> None:
    get_backend().send(to, text)


def send_sms_after_response(to: str, text: str) -> None:
    """Send once the answer has gone out (the response is closed), so how long a gateway takes never shows in
    the response time: password reset and activation answer as fast whether or not a message is sent."""
    g.setdefault("sms_after_response", []).append((to, text))


def configure_notify(app: Flask) -> None:
    @app.after_request
    def _send_after_response(response):
        pending = g.pop("sms_after_response", None)
        if pending and response.status_code < 400:  # an error answer means the request's writes were undone
            response.call_on_close(lambda: _send_all(app, pending))
        return response


def _send_all(app: Flask, pending: list[tuple[str, str]]) -> None:
    with app.app_context():
        for to, text in pending:
            try:
                send_sms(to, text)
            except Exception:  # the answer is sent already: log, the borrower can ask for a new code
                app.logger.exception("SMS to %s… not sent", to[:3])
