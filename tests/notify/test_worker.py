"""Real worker processes (``flask --app portal worker``) drain the outbox: on SQLite with the SQLite queue, and on
PostgreSQL with Redis when the suite runs on PostgreSQL (PORTAL_TEST_DATABASE_URL) and redis-server exists."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.extensions import db
from portal.notify import outbox
from portal.notify.models import Outbox
from portal.orm import utcnow
from portal.queue import queue_of

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url():
    if not os.environ.get("PORTAL_TEST_DATABASE_URL") or not shutil.which("redis-server"):
        pytest.skip("Redis runs with the PostgreSQL pass (PORTAL_TEST_DATABASE_URL) when redis-server exists")
    port = _free_port()
    proc = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request, tmp_path):
    if request.param == "redis":
        return request.getfixturevalue("redis_url")
    return f"sqlite:///{tmp_path / 'queue.sqlite3'}"


class Workers:
    def __init__(self, app, env: dict, log: Path) -> None:
        self.app, self.env, self.procs, self.log = app, env, [], log

    def start(self, *, periodic: bool = True, threads: int = 2) -> subprocess.Popen:
        args = [FLASK, "--app", "portal", "worker", "--workers", str(threads)] + ([] if periodic else ["--no-periodic"])
        with open(self.log, "ab") as log:
            proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=log)
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def lines(self) -> list[dict]:
        path = Path(self.app.config["SMS_OUTBOX"])
        return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []

    def wait_sent(self, n: int, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.app.app_context():
                sent = db.session.scalar(select(func.count()).select_from(Outbox).where(Outbox.state == "sent"))
                db.session.remove()
            if sent >= n:
                return
            for proc in self.procs:
                assert proc.poll() is None, self.log.read_text(errors="replace")[-3000:]
            time.sleep(0.2)
        raise AssertionError(f"only {sent} of {n} sent")


@pytest.fixture
def workers(app, database_url, queue_url, tmp_path):
    """An app of the test's database and queue that enqueues (as the web does), and worker processes on them."""
    sms_file = tmp_path / "sms.jsonl"
    config = {"TESTING": True, "DATABASE_URL": database_url, "QUEUE_URL": queue_url, "SECRET_KEY": "test-secret",
              "SMS_OUTBOX": str(sms_file)}
    producer = create_app(config)
    queue_of(producer).huey.flush()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(PORTAL_DATABASE_URL=database_url, PORTAL_QUEUE_URL=queue_url, PORTAL_SMS_OUTBOX=str(sms_file),
               PORTAL_INSTANCE_PATH=str(tmp_path), PORTAL_SECRET_KEY="test-secret", PORTAL_ENV="test",
               PORTAL_OUTBOX_CLAIM_SECONDS="5")
    pool = Workers(producer, env, tmp_path / "worker.log")
    yield pool
    pool.stop()
    with producer.app_context():
        db.session.remove()
        db.engine.dispose()


def _queue_many(app, n: int) -> list[int]:
    with app.app_context():
        rows = [outbox.queue_message(db.session, channel="sms", to=f"1380013{i:04d}", kind="account_code",
                                     params={"code": f"{i:06d}"}, locale="zh_Hant" if i % 2 else "zh_Hans")
                for i in range(n)]
        db.session.commit()
        ids = [r.id for r in rows]
        db.session.remove()
    return ids


def test_a_worker_process_drains_the_queue(workers):
    workers.start()
    ids = _queue_many(workers.app, 20)
    workers.wait_sent(20)
    lines = workers.lines()
    assert sorted(int(x["out_id"]) for x in lines) == sorted(ids)
    assert {x["to"] for x in lines} == {f"1380013{i:04d}" for i in range(20)}


def test_two_workers_send_each_of_200_messages_exactly_once(workers):
    workers.start(periodic=True)
    workers.start(periodic=False)
    ids = _queue_many(workers.app, 200)
    with workers.app.app_context():  # enqueue every row a second time: both workers race for each one
        for row_id in ids:
            queue_of().task("deliver")(row_id)
    workers.wait_sent(200)
    time.sleep(1)
    out_ids = [int(x["out_id"]) for x in workers.lines()]
    assert len(out_ids) == 200 and sorted(out_ids) == sorted(ids)


def test_a_row_held_by_a_killed_worker_is_sent_by_another_once_the_claim_expires(workers):
    with workers.app.app_context():
        row = Outbox(channel="sms", recipient="13800138000", kind="account_code", params={"code": "424242"},
                     locale="zh_Hans", state="sending", attempts=1, claimed_until=utcnow() + timedelta(seconds=3))
        db.session.add(row)
        db.session.commit()
        row_id = row.id
        queue_of().task("deliver")(row_id)  # its task is taken while the claim still holds: nothing is sent
        db.session.remove()
    workers.start()
    time.sleep(1.5)
    assert workers.lines() == []
    time.sleep(2)
    with workers.app.app_context():
        queue_of().task("sweep")()  # the minute's sweep, run now
    workers.wait_sent(1, timeout=30)
    assert [x["out_id"] for x in workers.lines()] == [str(row_id)]
