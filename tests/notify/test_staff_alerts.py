"""Deadline alerts on the staff home: complaints due within one working day or late, for their assignee (or
everyone while unassigned)."""
from __future__ import annotations

from datetime import timedelta

from portal.complaints import rules
from portal.extensions import db
from portal.i18n import local_today
from portal.orm import utcnow


def _assign(complaint, staff):
    complaint = db.session.merge(complaint)
    complaint.assignee_id = staff.id
    db.session.commit()


def test_staff_home_lists_late_and_due_soon_complaints(client, login, create_staff, make_complaint, app):
    me, colleague = create_staff(), create_staff()
    late = make_complaint(now=utcnow() - timedelta(days=10))  # acknowledgement long overdue, nobody assigned
    fresh = make_complaint()  # acknowledgement due by the next working day
    mine = make_complaint(now=utcnow() - timedelta(days=9))
    theirs = make_complaint(now=utcnow() - timedelta(days=8))
    _assign(mine, me)
    _assign(theirs, colleague)
    login(client, me)
    page = client.get("/staff/").get_data(as_text=True)
    alerts = page.split('id="alerts-title"')[1].split("</section>")[0]
    assert late.reference in alerts and fresh.reference in alerts and mine.reference in alerts
    assert theirs.reference not in alerts  # a colleague's complaint is theirs to handle
    assert "期限提醒" in page and "已于" in alerts and "须确认受理" in alerts and "尚无人负责" in alerts
    with app.app_context():
        assert db.session.merge(fresh).queue_due <= rules.next_working_day(local_today())


def test_supervisor_sees_every_alert_in_traditional(client, login, create_staff, make_complaint):
    agent, boss = create_staff(), create_staff(role="supervisor")
    theirs = make_complaint(now=utcnow() - timedelta(days=8))
    _assign(theirs, agent)
    login(client, boss)
    client.set_cookie("portal_locale", "zh_Hant")
    page = client.get("/staff/").get_data(as_text=True)
    assert theirs.reference in page.split('id="alerts-title"')[1] and "已於" in page and "須確認受理" in page


def test_no_alert_section_when_nothing_is_due(client, login, create_staff, make_complaint, app):
    me = create_staff()
    c = make_complaint()
    with app.app_context():
        c = db.session.merge(c)
        c.state, c.acknowledged_at = rules.ACKNOWLEDGED, utcnow()  # the decision is due in 15 days
        db.session.commit()
    login(client, me)
    assert 'id="alerts-title"' not in client.get("/staff/").get_data(as_text=True)


def test_create_staff_takes_the_digest_address_and_script(app, session):
    from sqlalchemy import select

    from portal.accounts.models import StaffUser

    runner = app.test_cli_runner()
    ok = runner.invoke(args=["create-staff", "zhaoliu", "--role", "agent", "--password", "a-long-password-1",
                             "--email", "zhaoliu@lender.example", "--locale", "zh_Hant"])
    assert ok.exit_code == 0, ok.output
    user = session.scalar(select(StaffUser).where(StaffUser.username == "zhaoliu"))
    assert (user.email, user.locale) == ("zhaoliu@lender.example", "zh_Hant")
    bad = runner.invoke(args=["create-staff", "qianqi", "--role", "agent", "--password", "a-long-password-1",
                              "--email", "not-an-address"])
    assert bad.exit_code != 0 and session.scalar(select(StaffUser).where(StaffUser.username == "qianqi")) is None
