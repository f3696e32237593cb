"""record_read: the audit row of a read, written by one INSERT at the commit point, the same row as record's."""
from __future__ import annotations

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.audit.services import record, record_read
from portal.extensions import db

COLUMNS = ("actor_kind", "staff_id", "borrower_id", "action", "object_type", "object_id", "ip", "detail")


def _rows(session) -> list[tuple]:
    session.expire_all()
    return [tuple(getattr(e, c) for c in COLUMNS) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_the_same_row_as_record_and_only_at_commit(app, session, create_staff, create_borrower):
    staff, borrower = create_staff(), create_borrower()
    with app.test_request_context(environ_base={"REMOTE_ADDR": "10.1.2.3"}):
        record("borrower.viewed", "borrower", borrower.id, staff=staff, reason="电话", n=2)
        db.session.commit()
        record_read("borrower.viewed", "borrower", borrower.id, staff=staff, reason="电话", n=2)
        record_read("borrower.contacts_viewed", "borrower", borrower.id, borrower=borrower)
        db.session.flush()
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "borrower.contacts_viewed")) is None
        db.session.commit()
    rows = _rows(session)
    assert rows[0] == rows[1] == ("staff", staff.id, None, "borrower.viewed", "borrower", str(borrower.id),
                                  "10.1.2.3", '{"reason": "电话", "n": 2}')
    assert rows[2] == ("borrower", None, borrower.id, "borrower.contacts_viewed", "borrower", str(borrower.id),
                       "10.1.2.3", "")
    assert all(e.at is not None for e in session.scalars(select(AuditEvent)))


def test_a_rollback_drops_it_and_a_savepoint_keeps_its_own(app, session, create_staff):
    staff = create_staff()
    with app.test_request_context():
        record_read("a.viewed", staff=staff)
        db.session.rollback()
        record_read("b.viewed", staff=staff)
        with db.session.begin_nested() as savepoint:
            record_read("c.viewed", staff=staff)
            savepoint.rollback()
        with db.session.begin_nested():
            record_read("d.viewed", staff=staff)
        db.session.commit()
        db.session.close()
        record_read("e.viewed", staff=staff)  # the session ends without a commit
        db.session.close()
    # d was added inside its savepoint (an object, flushed when the savepoint was released), b at the commit point
    assert sorted(r[3] for r in _rows(session)) == ["b.viewed", "d.viewed"]


def test_after_added_objects_it_keeps_the_order_of_the_calls(app, session, create_staff):
    staff = create_staff()
    with app.test_request_context():
        record_read("a.viewed", staff=staff)
        record("b.changed", staff=staff)
        record_read("c.viewed", staff=staff)  # b is not flushed yet: c is added after it
        db.session.commit()
    assert [r[3] for r in _rows(session)] == ["a.viewed", "b.changed", "c.viewed"]
