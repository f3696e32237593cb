"""A borrower's rows are loaded once per request (``portal.memo``), never stale after a write, and the borrower's
pages run a number of statements that does not grow with the numbers of loans, plans and visits."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, time, timedelta

from sqlalchemy import event

from portal.extensions import db
from portal.i18n import lender_tz, local_today
from portal.visits.models import Visit


@contextmanager
def statements(app):
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _visit(loan, days=1, state="proposed") -> Visit:
    start = datetime.combine(local_today() + timedelta(days=days), time(19), tzinfo=lender_tz())
    return Visit(loan_id=loan.id, address="北京市东城区", window_start=start, window_end=start + timedelta(hours=1),
                 purpose="核实地址", state=state, code="ABC234")


def test_loaded_once_per_request_and_read_again_after_a_write(app, session, create_borrower, create_loan):
    from portal.visits.panels import open_visits

    me = create_borrower()
    loan = create_loan(me)
    with app.test_request_context("/"):
        assert open_visits(me) == []
        with statements(app) as seen:
            assert open_visits(me) == []  # the same request: no second query
        assert seen == []
        visit = _visit(loan)
        db.session.add(visit)
        db.session.flush()  # a write in the request: the memo is dropped
        assert [v.id for v in open_visits(me)] == [visit.id]
        db.session.rollback()  # and after a rollback the rolled-back row is gone
        assert open_visits(me) == []
    with app.test_request_context("/"):
        db.session.add(_visit(loan))
        db.session.commit()
    with app.test_request_context("/"):  # a new request reads the database again
        assert len(open_visits(me)) == 1
