"""SQLite: read-only requests take no write lock; their few writes (audited reads) never fail on a stale snapshot.

Each test builds its own app on its own SQLite file (routes added for the test) and serves it with a real threaded
werkzeug server on 127.0.0.1, port 0.
"""
from __future__ import annotations

import sqlite3
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from portal import create_app
from portal.audit.models import AuditEvent
from portal.audit.services import record
from portal.extensions import db
from portal.models import metadata


@pytest.fixture
def lock_app(tmp_path):
    path = tmp_path / "locks.sqlite3"
    app = create_app({
        "TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "WTF_CSRF_ENABLED": False,
        "SMS_OUTBOX": str(tmp_path / "sms.jsonl"),
        "EVIDENCE_DIR": str(tmp_path / "evidence"), "SECRET_KEY": "locks-test",
    })
    app.db_path = path
    with app.app_context():
        metadata.create_all(db.engine)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def serve():
    servers = []

    def start(app) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()


def _try_write_lock(path) -> bool:
    """Can another connection take the write lock now (without waiting)?"""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    finally:
        conn.close()


def _count_events(app) -> int:
    with app.app_context():
        try:
            return db.session.scalar(select(func.count()).select_from(AuditEvent))
        finally:
            db.session.remove()


@pytest.mark.parametrize("method, holds_lock", [("GET", False), ("POST", True)])
def test_only_requests_that_may_write_hold_the_write_lock(lock_app, serve, method, holds_lock):
    inside, release = threading.Event(), threading.Event()

    @lock_app.route("/_hold", methods=["GET", "POST"])
    def hold():
        db.session.scalar(select(func.count()).select_from(AuditEvent))  # the transaction has begun
        inside.set()
        release.wait(10)
        return "held"

    base = serve(lock_app)
    data = b"" if method == "POST" else None
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(lambda: urllib.request.urlopen(
            urllib.request.Request(base + "/_hold", data=data, method=method), timeout=20).read())
        assert inside.wait(10)
        try:
            assert _try_write_lock(lock_app.db_path) is not holds_lock
        finally:
            release.set()
        assert answer.result() == b"held"
    assert _try_write_lock(lock_app.db_path)


def test_a_get_that_audits_after_another_writer_committed_keeps_its_audit_event(lock_app, serve):
    """The GET's snapshot is stale when it writes: it must not write inside it (that is 'database is locked')."""
    inside, release = threading.Event(), threading.Event()

    @lock_app.get("/_audited")
    def audited():
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        inside.set()
        release.wait(10)
        record("borrower.viewed", "borrower", before)  # an audited staff read of personal data
        db.session.scalar(select(func.count()).select_from(AuditEvent))  # no autoflush: the write waits
        free = _try_write_lock(lock_app.db_path)  # for the commit point, so the lock is still free here
        return f"{before} {free}"

    base = serve(lock_app)
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(lambda: urllib.request.urlopen(base + "/_audited", timeout=20).read())
        assert inside.wait(10)
        with lock_app.app_context():  # another writer commits while the GET's read transaction is open
            record("other.write", "x", 1)
            db.session.commit()
            db.session.remove()
        release.set()
        assert answer.result() == b"0 True"
    with lock_app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        db.session.remove()
    assert actions == ["other.write", "borrower.viewed"]


def test_reads_and_writes_from_many_threads_never_see_database_is_locked(lock_app, serve):
    @lock_app.get("/_read")
    def read():
        n = db.session.scalar(select(func.count()).select_from(AuditEvent))
        record("thing.viewed", "thing", n)  # audit-on-read
        db.session.scalar(select(func.count()).select_from(AuditEvent))  # reads after the pending write
        return "ok"

    @lock_app.post("/_write")
    def write():
        n = db.session.scalar(select(func.count()).select_from(AuditEvent))
        record("thing.changed", "thing", n)
        return "ok"

    @lock_app.get("/_plain")
    def plain():
        return str(db.session.scalar(select(func.count()).select_from(AuditEvent)))

    base = serve(lock_app)
    jobs = [("GET", "/_read"), ("POST", "/_write"), ("GET", "/_plain"), ("GET", "/login")] * 40

    def call(job) -> str:
        method, path = job
        request = urllib.request.Request(base + path, data=b"" if method == "POST" else None, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                answer.read()
                return "ok" if answer.status == 200 else f"{path}: {answer.status}"
        except urllib.error.HTTPError as exc:
            return f"{path}: {exc.code} {exc.read()[:200]!r}"

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(call, jobs))
    errors = [r for r in results if r != "ok"]
    assert errors == []
    assert _count_events(lock_app) == 80  # every audited read and every write landed
