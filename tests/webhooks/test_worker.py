"""A real worker process (``flask --app portal worker``) delivers events to a local receiver: committed by the web
app into the queue, POSTed signed and in order per loan (on the suite's database: SQLite, or PostgreSQL)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from portal import create_app
from portal.events import emit
from portal.extensions import db
from portal.queue import queue_of

from .conftest import SECRET
from .test_delivery import readme_verify

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


def test_a_worker_process_delivers_every_event_signed_and_in_order(app, database_url, receiver, tmp_path):
    queue_url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    config = {"TESTING": True, "DATABASE_URL": database_url, "QUEUE_URL": queue_url, "SECRET_KEY": "test-secret",
              "WEBHOOK_URL": receiver.url, "WEBHOOK_SECRET": SECRET}
    producer = create_app(config)
    queue_of(producer).huey.flush()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(PORTAL_DATABASE_URL=database_url, PORTAL_QUEUE_URL=queue_url, PORTAL_INSTANCE_PATH=str(tmp_path),
               PORTAL_SECRET_KEY="test-secret", PORTAL_ENV="test", PORTAL_WEBHOOK_URL=receiver.url,
               PORTAL_WEBHOOK_SECRET=SECRET)
    sent = []
    with producer.app_context():
        for i, ref in enumerate(["A", "B", "A", "A", "B"]):
            event = emit(db.session, "consent.changed", loan_ref=ref,
                         data={"consent": "family_contact", "scope": "account", "visit": None, "given": i % 2 == 0})
            db.session.commit()  # one transaction per event, as one per request
            sent.append((ref, event.id))
            db.session.commit()
        db.session.remove()
    log = open(tmp_path / "worker.log", "wb")
    worker = subprocess.Popen([FLASK, "--app", "portal", "worker", "--workers", "2"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while len(receiver.requests) < len(sent) and time.monotonic() < deadline:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text(errors="replace")[-3000:]
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(20)
        log.close()
        with producer.app_context():
            db.session.remove()
            db.engine.dispose()
    got = [(r["json"]["loan_ref"], r["json"]["id"]) for r in receiver.requests]
    assert sorted(got) == sorted(sent), (tmp_path / "worker.log").read_text(errors="replace")[-3000:]
    for ref in ("A", "B"):
        assert [i for r, i in got if r == ref] == [i for r, i in sent if r == ref]  # in order per loan
    assert all(readme_verify()(SECRET, r["headers"], r["body"]) for r in receiver.requests)
