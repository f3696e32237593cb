"""One commit point per request: a view that returns is committed, one that raises leaves nothing behind, and
after-commit work runs exactly once, only after a successful commit."""
from __future__ import annotations

import io
import os

import pytest
from flask import Blueprint, abort
from sqlalchemy import create_engine, func, select, text

from portal import create_app
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.lifecycle import after_commit, after_rollback


def _count_elsewhere(url: str, action: str) -> int:
    """Rows as another connection sees them: only what is committed."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM audit_events WHERE action = :a"), {"a": action}).scalar()
    finally:
        engine.dispose()


@pytest.fixture
def probe_app(app, database_url):
    """A second app on the suite's database with a few views that write, register work and then end."""
    calls: list[tuple[str, int]] = []
    bp = Blueprint("probe", __name__)

    def write(action: str) -> None:
        db.session.add(AuditEvent(actor_kind="public", action=action, object_type="probe", object_id="1"))
        db.session.flush()
        after_commit(lambda: calls.append((action, _count_elsewhere(database_url, action))))
        after_rollback(lambda: calls.append(("undone:" + action, 0)))

    @bp.route("/probe/ok", methods=["POST"])
    def ok():
        write("probe.ok")
        return "done"

    @bp.route("/probe/boom", methods=["POST"])
    def boom():
        write("probe.boom")
        raise RuntimeError("a bug after the write")

    @bp.route("/probe/abort", methods=["POST"])
    def aborted():
        write("probe.abort")
        abort(404)

    @bp.route("/probe/savepoint", methods=["POST"])
    def savepoint():
        write("probe.kept")
        try:
            with db.session.begin_nested():
                write("probe.refused")
                raise ValueError("refused")
        except ValueError:
            pass
        return "partly"

    probe = create_app({"TESTING": True, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
                        "SECRET_KEY": "test-secret", "SMS_OUTBOX": app.config["SMS_OUTBOX"]})
    probe.register_blueprint(bp)
    probe.calls = calls  # type: ignore[attr-defined]
    yield probe
    with probe.app_context():
        db.engine.dispose()


def test_a_view_that_returns_is_committed_and_its_work_runs_once_after(probe_app, database_url):
    response = probe_app.test_client().post("/probe/ok")
    assert response.status_code == 200
    # The callback ran once, and at that moment the row was already visible to another connection.
    assert probe_app.calls == [("probe.ok", 1)]
    assert _count_elsewhere(database_url, "probe.ok") == 1


@pytest.mark.parametrize("path, status", [("/probe/boom", 500), ("/probe/abort", 404)])
def test_a_view_that_raises_writes_nothing_and_runs_no_work(probe_app, database_url, path, status):
    response = probe_app.test_client().post(path)
    assert response.status_code == status
    action = "probe.boom" if "boom" in path else "probe.abort"
    assert _count_elsewhere(database_url, action) == 0
    assert probe_app.calls == [("undone:" + action, 0)]


def test_a_refused_step_in_a_savepoint_drops_only_its_own_work(probe_app, database_url):
    assert probe_app.test_client().post("/probe/savepoint").status_code == 200
    assert _count_elsewhere(database_url, "probe.kept") == 1
    assert _count_elsewhere(database_url, "probe.refused") == 0
    assert probe_app.calls == [("undone:probe.refused", 0), ("probe.kept", 1)]


def test_a_failed_commit_runs_no_work(probe_app, database_url, monkeypatch):
    def failing_commit():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(db.session, "commit", failing_commit)
    assert probe_app.test_client().post("/probe/ok").status_code == 500
    monkeypatch.undo()
    assert _count_elsewhere(database_url, "probe.ok") == 0
    assert probe_app.calls == [("undone:probe.ok", 0)]


def test_explicit_commits_outside_requests_run_the_work_too(session):
    ran = []
    session.add(AuditEvent(actor_kind="public", action="cli.x", object_type="probe", object_id="1"))
    after_commit(lambda: ran.append("x"))
    assert ran == []
    session.commit()
    assert ran == ["x"]
    session.commit()  # once only
    assert ran == ["x"]
    after_commit(lambda: ran.append("y"))
    session.rollback()
    session.commit()
    assert ran == ["x"]
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "cli.x")) == 1


def test_no_view_commits_by_hand():
    root = os.path.join(os.path.dirname(__file__), os.pardir, "portal")
    offenders = []
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if name.endswith(".py") and ("routes" in name or os.path.basename(folder) == "staff"
                                         or os.path.basename(folder) == "security"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as fh:
                    source = fh.read()
                if "session.commit()" in source or ("session.rollback()" in source and name != "sessions.py"):
                    offenders.append(os.path.relpath(path, root))
    assert offenders == []


# ---- the portal's own work through after_commit ------------------------------------------------------------

def test_a_proof_file_is_deleted_only_once_its_row_is_gone(client, login, create_borrower, create_loan, session,
                                                           monkeypatch):
    from datetime import date, timedelta

    from portal.plans.models import PlanProposal
    from portal.uploads import store
    from tests.plans.conftest import BUDGET, TERMS
    from tests.uploads.samples import png

    borrower = create_borrower()
    loan = create_loan(borrower, start=date.today() - timedelta(days=75))
    login(client, borrower)
    url = f"/plans/new?loan={loan.loan_ref}"
    client.post(url + "&step=1", data=TERMS)
    client.post(url + "&step=2", data=dict(BUDGET, proofs=[(io.BytesIO(png()), "letter.png")]),
                content_type="multipart/form-data")
    draft = session.scalar(select(PlanProposal).where(PlanProposal.state == "draft"))
    proof_id, name = draft.proofs[0].id, draft.proofs[0].stored_name
    assert store.backend().exists(name)

    def failing_commit():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(db.session, "commit", failing_commit)
    assert client.post(f"/plans/new/proofs/{proof_id}/remove?loan={loan.loan_ref}").status_code == 500
    monkeypatch.undo()
    assert store.backend().exists(name)  # the row survived, so does its file

    assert client.post(f"/plans/new/proofs/{proof_id}/remove?loan={loan.loan_ref}").status_code == 302
    assert not store.backend().exists(name)
