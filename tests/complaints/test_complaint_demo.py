"""The demo set has complaints in every state, one due today, one overdue, and a third-party report."""
from __future__ import annotations

from sqlalchemy import select

from portal.complaints import demo
from portal.complaints.models import Complaint
from portal.i18n import local_today


def test_demo_complaints(app, session, create_staff):
    from portal.loans import demo as loans_demo

    create_staff()
    with app.test_request_context():
        today = local_today()
        loans_demo.seed(session, today)
        demo.seed(session, today)
        session.commit()
        demo.seed(session, today)  # a second run adds nothing
    complaints = list(session.scalars(select(Complaint)))
    assert {c.state for c in complaints} == {"received", "acknowledged", "investigating", "resolved", "not_upheld"}
    dues = [c.next_due for c in complaints if c.next_due]
    assert today in dues and any(d < today for d in dues)
    assert any(c.is_third_party for c in complaints) and len(complaints) == 8
