"""The staff queue's stored sort key ``queue_due``: kept right on every change, index-backed, paged by key."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, select, text

from portal import migrate
from portal.complaints import queries, services
from portal.complaints.models import Complaint, queue_due_of
from portal.complaints.queries import QueueFilter
from portal.extensions import db


def _expected(c: Complaint) -> date:
    return c.acknowledge_due if c.state == "received" else c.decide_due


def test_queue_due_follows_state_and_extensions(app, session, create_staff, make_complaint):
    agent = create_staff()
    complaint = make_complaint()
    assert complaint.queue_due == complaint.acknowledge_due
    with app.test_request_context():
        services.change_state(complaint, "acknowledged", agent)
        assert complaint.queue_due == complaint.decide_due
        services.change_state(complaint, "investigating", agent)
        services.extend(complaint, "需要调取录音", agent)
        db.session.commit()
    assert complaint.queue_due == complaint.decide_due == complaint.extensions[-1].new_due
    complaint.state = "received"  # any code path that changes the state, not only the services
    db.session.commit()
    assert db.session.scalar(select(Complaint.queue_due).where(Complaint.id == complaint.id)) \
        == complaint.acknowledge_due


def test_queue_due_of():
    ack, decide = date(2026, 1, 2), date(2026, 1, 16)
    assert queue_due_of("received", ack, decide) == ack
    assert queue_due_of(None, ack, decide) == ack  # before the column default applies
    for state in ("acknowledged", "investigating", "resolved", "not_upheld"):
        assert queue_due_of(state, ack, decide) == decide


def test_database_refuses_a_wrong_queue_due(session, make_complaint):
    complaint = make_complaint()
    with pytest.raises(Exception):  # noqa: B017 (IntegrityError on PostgreSQL and SQLite alike)
        db.session.execute(text("UPDATE complaints SET queue_due = decide_due WHERE id = :id"), {"id": complaint.id})
        db.session.flush()
    db.session.rollback()


@pytest.fixture
def mixed_queue(app, session, create_staff, create_borrower, make_complaint):
    session.execute(text("DELETE FROM complaints"))  # other tests' complaints would mix into the queue
    session.commit()
    agent = create_staff()
    now = datetime.now(timezone.utc)
    states = ["received", "acknowledged", "investigating", "resolved", "received", "investigating", "not_upheld"]
    made = []
    for i in range(21):
        # Several complaints share a day: the id breaks the tie, and the key must not skip or repeat any.
        c = make_complaint(create_borrower() if i % 2 else None, now=now - timedelta(days=(i * 7) % 19))
        state = states[i % len(states)]
        with app.test_request_context():
            path = {"acknowledged": ["acknowledged"], "investigating": ["acknowledged", "investigating"],
                    "resolved": ["acknowledged", "resolved"], "not_upheld": ["acknowledged", "not_upheld"]}
            for step in path.get(state, []):
                services.change_state(c, step, agent, outcome="partly_upheld" if step == "resolved" else
                                      "not_upheld_no_evidence" if step == "not_upheld" else None,
                                      explanation="说明" if step in ("resolved", "not_upheld") else "")
            if i % 5 == 0 and state == "investigating":
                services.extend(c, "需要更多时间", agent)
            db.session.commit()
        made.append(c)
    return agent, made


@pytest.mark.parametrize("status", ["open", "", "received", "investigating", "resolved"])
def test_queue_order_and_key_paging(app, session, mixed_queue, monkeypatch, status):
    agent, made = mixed_queue
    monkeypatch.setattr(queries, "PAGE_SIZE", 4)
    wanted = [c.id for c in sorted(
        (c for c in made if status == "" or c.state == status or (status == "open" and c.state in queries.OPEN)),
        key=lambda c: (_expected(c), c.id))]
    seen, after, pages = [], None, 0
    with app.test_request_context():
        while True:
            rows, after = queries.queue(QueueFilter(status=status or "all"), agent.id, date.today(), after)
            seen += [r.id for r in rows]
            pages += 1
            assert pages < 20
            if after is None:
                break
    assert seen == wanted
    assert pages == max(1, -(-len(wanted) // 4))


@pytest.mark.parametrize("args", [{"assignee": "²"}, {"assignee": str(2**63)}, {"after": f"2026-01-01_{2**63}"},
                                  {"after": "2026-01-01_²"}])
def test_a_filter_or_key_no_row_can_have_shows_the_queue(client, login, mixed_queue, args):
    """An assignee or page key that is not an id the database can hold ("²" passed ``str.isdigit`` and failed
    ``int``; 2**63 overflowed the database's integer) answered 500; it names nobody and no page."""
    agent, made = mixed_queue
    login(client, agent)
    response = client.get("/staff/complaints", query_string={"status": "all", **args})
    assert response.status_code == 200
    shown = response.get_data(as_text=True)
    if "after" in args:  # the first page
        assert min(made, key=lambda c: (_expected(c), c.id)).reference in shown


def _plan(sql: str, index: str) -> str:
    """The plan with the index forced: SQLite refuses INDEXED BY when the index cannot serve the query; the planner
    picks it by itself once statistics exist (ANALYZE / PRAGMA optimize; bench/explain.py shows it at scale)."""
    if db.engine.dialect.name == "sqlite":
        sql = sql.replace("FROM complaints", f"FROM complaints INDEXED BY {index}")
        return " | ".join(row[-1] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    db.session.execute(text("SET LOCAL enable_sort = off"))
    return " | ".join(row[0] for row in db.session.execute(text("EXPLAIN " + sql)))


@pytest.mark.parametrize(("where", "index"), [
    (queries.is_open.text, "ix_complaints_open_queue"),
    ("complaints.state = 'investigating'", "ix_complaints_state_queue"),
    ("1 = 1", "ix_complaints_queue"),
])
def test_queue_is_served_by_an_index_without_sorting(session, where, index):
    plan = _plan(f"SELECT * FROM complaints WHERE {where} AND (queue_due, id) > ('2026-01-01', 5) "
                 "ORDER BY queue_due, id LIMIT 26", index)
    session.rollback()
    # PostgreSQL may serve one open state from the partial "open" index (it proves the implication): also right.
    assert index in plan or (db.engine.dialect.name == "postgresql" and "ix_complaints_open_queue" in plan), plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


# ---- the migration's data step -------------------------------------------------------------------------------

def test_migration_fills_queue_due_for_existing_rows(empty_database_url):
    migrate.upgrade(empty_database_url, "c8c86d3fd892")
    engine = create_engine(empty_database_url)
    insert = text(
        "INSERT INTO complaints (id, reference, reporter_name, reporter_relation, debtor_name, contact_phone, "
        "preferred_contact, secret_hash, channel, collector_name, collector_badge, collector_phone, what_happened, "
        "outcome_wanted, locale, state, received_at, acknowledge_due, decide_due, extension_level, "
        "outcome_explanation, version) VALUES (:id, :ref, '', 'parent', '', '', 'sms', 'h', 'phone', '', '', '', "
        "'x', '', 'zh_Hans', :state, '2026-01-01 02:00:00', '2026-01-02', '2026-01-16', 0, '', 1)")
    with engine.begin() as conn:
        conn.execute(insert, {"id": 1, "ref": "TS-20260101-0001", "state": "received"})
        conn.execute(insert, {"id": 2, "ref": "TS-20260101-0002", "state": "investigating"})
    engine.dispose()
    migrate.upgrade(empty_database_url)
    engine = create_engine(empty_database_url)
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, queue_due FROM complaints ORDER BY id")).all())
    engine.dispose()
    assert {k: str(v) for k, v in rows.items()} == {1: "2026-01-02", 2: "2026-01-16"}
    migrate.downgrade(empty_database_url, "c8c86d3fd892")
