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


def test_the_demo_report_can_be_followed_with_the_printed_secret(app, session, create_staff):
    from sqlalchemy import select

    from portal import demo
    from portal.cli import demo_logins_text
    from portal.complaints.models import Complaint
    from portal.i18n import local_today

    create_staff(role="agent")
    with app.app_context():
        demo.seed_all(session, local_today())
        line = next(x for x in demo_logins_text().splitlines() if "/report/status" in x)
    reference = session.scalar(select(Complaint.reference).where(Complaint.borrower_id.is_(None)))
    assert reference in line
    client = app.test_client()
    secret = line.split("secret ")[1].split()[0]
    client.post("/report/status", data={"action": "lookup", "reference": reference, "secret": secret})
    assert "有人打电话给我" in client.get("/report/status").get_data(as_text=True)
