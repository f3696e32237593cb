"""Loading the logged-in user: one statement for the session row and its user, and every rule of a session."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, select, update
from sqlalchemy.exc import OperationalError

from portal.accounts.models import LoginSession, StaffUser
from portal.extensions import db
from portal.orm import utcnow
from tests.conftest import login_as

PAGE = "/rights/at-a-glance"  # a page that reads nothing from the database itself


def _selects(app, client, path):
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    db.session.remove()  # the request shares this thread's session: start it empty, as in production
    engine = app.extensions["portal_db_engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        answer = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return answer, seen


def test_borrower_and_session_row_come_in_one_statement(app, client, create_borrower):
    b = create_borrower(name="钱七")
    login_as(client, b)
    answer, selects = _selects(app, client, PAGE)
    assert answer.status_code == 200 and 'action="/logout"' in answer.get_data(as_text=True)  # logged in
    assert len(selects) == 1


def test_staff_user_comes_in_the_same_statement(app, client, create_staff):
    login_as(client, create_staff(role="agent"))
    answer, selects = _selects(app, client, "/staff/")
    assert answer.status_code == 200
    assert len([s for s in selects if "login_sessions" in s]) == 1
    assert not [s for s in selects if "FROM staff_users" in s and "login_sessions" not in s]


def test_last_seen_is_written_at_most_every_30_seconds(client, create_borrower, session):
    login_as(client, create_borrower())
    recent = utcnow() - timedelta(seconds=10)
    session.execute(update(LoginSession).values(last_seen_at=recent))
    session.commit()
    assert client.get(PAGE).status_code == 200
    session.expire_all()
    assert session.scalar(select(LoginSession.last_seen_at)) == recent
    older = utcnow() - timedelta(seconds=40)
    session.execute(update(LoginSession).values(last_seen_at=older))
    session.commit()
    client.get(PAGE)
    session.expire_all()
    assert session.scalar(select(LoginSession.last_seen_at)) > utcnow() - timedelta(seconds=5)


def test_idle_session_row_is_deleted(client, create_borrower, session):
    b = create_borrower(name="钱七")
    login_as(client, b)
    session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(minutes=16)))
    session.commit()
    assert "钱七" not in client.get("/").get_data(as_text=True)
    assert session.scalar(select(LoginSession.token_hash)) is None


def test_deactivated_staff_is_logged_out(client, create_staff, session):
    staff = create_staff(role="agent")
    login_as(client, staff)
    assert client.get("/staff/").status_code == 200
    session.execute(update(StaffUser).where(StaffUser.id == staff.id).values(active=False))
    session.commit()
    assert client.get("/staff/").status_code == 302


def test_database_outage_while_loading_the_user_answers_503(client, create_borrower, monkeypatch):
    login_as(client, create_borrower())

    def down(*_args, **_kwargs):
        raise OperationalError("SELECT", {}, Exception("database unreachable"))

    monkeypatch.setattr(db.session, "execute", down)
    assert client.get(PAGE).status_code == 503


def test_the_login_cookie_is_refreshed_with_the_last_seen_time(app, client, create_borrower, session):
    login_as(client, create_borrower())
    cookie = app.config["SESSION_COOKIE_NAME"]
    client.get(PAGE)  # the first page keeps its form token in the session
    fresh = client.get(PAGE)
    assert cookie not in fresh.headers.get("Set-Cookie", "")  # seen moments ago: nothing to slide
    session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(seconds=40)))
    session.commit()
    later = client.get(PAGE)
    assert later.headers["Set-Cookie"].startswith(cookie + "=") and "Expires=" in later.headers["Set-Cookie"]
    assert client.get(PAGE).status_code == 200 and 'action="/logout"' in client.get(PAGE).get_data(as_text=True)
