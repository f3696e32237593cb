"""SMS backends (design §8): a tiny interface; ``file`` appends JSON lines to the outbox."""
from __future__ import annotations

import fcntl
import json
import os
from typing import Protocol

from flask import current_app

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
