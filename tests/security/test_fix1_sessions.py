"""Fix 1: a password change or reset ends every other session; a session has an absolute lifetime."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select, update

from portal.accounts.models import LoginSession
from portal.orm import utcnow
from tests.conftest import PASSWORD


def _logged_in(client, name) -> bool:
    return name in client.get("/").get_data(as_text=True)


def _browser(app):
    return app.test_client()


def test_fix1_password_change_ends_every_other_borrower_session(app, client, create_borrower, login):
    b = create_borrower(name="周八", phone="13800138000")
    other = _browser(app)
    login(other, b)  # a second browser (or a stolen cookie)
    client.post("/login", data={"phone": "13800138000", "password": PASSWORD})
    assert _logged_in(other, b.name) and _logged_in(client, b.name)
    response = client.post("/settings", data={"pw-current": PASSWORD, "pw-password": "brand-new-pass-1",
                                              "pw-confirm": "brand-new-pass-1", "pw-submit": "1"})
    assert response.status_code == 302
    assert _logged_in(client, b.name)  # the browser that changed it stays logged in
    assert not _logged_in(other, b.name)


def test_fix1_password_reset_by_sms_ends_every_session(app, client, create_borrower, login, outbox):
    b = create_borrower(name="周八", phone="13800138000")
    other = _browser(app)
    login(other, b)
    client.post("/password/reset", data={"phone": "13800138000"})
    code = re.search(r"\b(\d{6})\b", outbox()[-1]["text"]).group(1)
    done = client.post("/password/reset?step=code", data={"code": code, "password": "brand-new-pass-1",
                                                           "confirm": "brand-new-pass-1"})
    assert done.status_code == 302
    assert not _logged_in(other, b.name)
    assert _logged_in(client, b.name)


def test_fix1_staff_password_change_ends_every_staff_session(app, client, create_staff, login, session):
    user = create_staff(role="agent", username="agent7")
    login(client, user)
    assert client.get("/staff/").status_code == 200
    result = app.test_cli_runner().invoke(args=["set-staff-password", "agent7", "--password", "a-new-staff-pass-2"])
    assert result.exit_code == 0, result.output
    assert client.get("/staff/").status_code == 302
    assert session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_fix1_session_has_an_absolute_lifetime(app, client, create_borrower, session):
    b = create_borrower(name="周八", phone="13800138000")
    client.post("/login", data={"phone": "13800138000", "password": PASSWORD})
    assert app.config["SESSION_MAX_HOURS"] == 12
    # Active all along (seen a minute ago) but started 12 hours and a minute ago: over.
    session.execute(update(LoginSession).values(created_at=utcnow() - timedelta(hours=12, minutes=1),
                                                last_seen_at=utcnow() - timedelta(minutes=1)))
    session.commit()
    assert not _logged_in(client, b.name)


def test_fix1_session_max_hours_from_the_environment(monkeypatch):
    from portal.config import load_config

    monkeypatch.setenv("PORTAL_SESSION_MAX_HOURS", "4")
    assert load_config("/tmp")["SESSION_MAX_HOURS"] == 4
