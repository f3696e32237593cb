"""Outbox throughput and commit-to-send latency through a real worker process (file SMS backend).

    .venv/bin/python bench/outbox.py [--queue sqlite|redis] [--messages 500] [--latency 100]

Throughput: N messages are committed while no worker runs, then one worker process (1 thread) is started; the
rate is N over the time from the first to the last ``sent_at``. Latency: with the worker running, one message
is committed every 50 ms; commit->send is ``sent_at`` minus the moment the commit returned. Everything lives in a
temporary directory (SQLite database; with ``--queue redis`` a redis-server on 127.0.0.1 and a free port).
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queue", choices=("sqlite", "redis"), default="sqlite")
    ap.add_argument("--messages", type=int, default=500)
    ap.add_argument("--latency", type=int, default=100)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="outbox-bench-"))
    redis = None
    if args.queue == "redis":
        port = _free_port()
        redis = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                                  "--appendonly", "no"], stdout=subprocess.DEVNULL)
        time.sleep(0.5)
        queue_url = f"redis://127.0.0.1:{port}/0"
    else:
        queue_url = f"sqlite:///{tmp / 'queue.sqlite3'}"
    env = dict(os.environ, PORTAL_INSTANCE_PATH=str(tmp), PORTAL_DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
               PORTAL_QUEUE_URL=queue_url, PORTAL_SMS_OUTBOX=str(tmp / "sms.jsonl"))
    os.environ.update(env)
    from sqlalchemy import select

    from portal import create_app
    from portal.extensions import db
    from portal.models import metadata
    from portal.notify.models import Outbox
    from portal.notify.outbox import queue_message

    app = create_app()
    worker = None
    try:
        with app.app_context():
            metadata.create_all(db.engine)

            def commit_one(i: int) -> tuple[int, datetime]:
                row = queue_message(db.session, channel="sms", to=f"1380013{i % 10000:04d}", kind="account_code",
                                    params={"code": f"{i:06d}"}, locale="zh_Hans")
                db.session.commit()
                return row.id, datetime.now(timezone.utc)

            for i in range(args.messages):
                commit_one(i)
            db.session.remove()
            flask = str(Path(sys.executable).with_name("flask"))
            worker = subprocess.Popen([flask, "--app", "portal", "worker", "--workers", "1"], cwd=ROOT, env=env,
                                      stderr=subprocess.DEVNULL)

            def sent_times(ids=None):
                q = select(Outbox.id, Outbox.sent_at).where(Outbox.state == "sent")
                rows = db.session.execute(q).all()
                db.session.commit()
                return {r.id: r.sent_at for r in rows if ids is None or r.id in ids}

            deadline = time.monotonic() + 600
            while len(sent := sent_times()) < args.messages and time.monotonic() < deadline:
                time.sleep(0.5)
            first, last = min(sent.values()), max(sent.values())
            rate = (len(sent) - 1) / max((last - first).total_seconds(), 1e-6)
            committed = {}
            for i in range(args.latency):
                row_id, at = commit_one(args.messages + i)
                committed[row_id] = at
                time.sleep(0.05)
            while len(done := sent_times(set(committed))) < len(committed) and time.monotonic() < deadline:
                time.sleep(0.2)
            lat = sorted((done[k] - committed[k]).total_seconds() * 1000 for k in committed)
            p50 = statistics.median(lat)
            p99 = lat[min(len(lat) - 1, round(0.99 * (len(lat) - 1)))]
            print(f"queue={args.queue}: {rate:.0f} messages/s (one worker, 1 thread, file SMS backend, "
                  f"{len(sent)} messages); commit->send p50 {p50:.0f} ms, p99 {p99:.0f} ms over {len(lat)}")
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGINT)
            worker.wait(30)
        if redis is not None:
            redis.terminate()
            redis.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
