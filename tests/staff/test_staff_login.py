"""Staff console: password + TOTP login, roles, the append-only audit log."""
from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent, AuditLogIsAppendOnly
from tests.conftest import PASSWORD


def _login(client, user, code=None):
    return client.post("/staff/login", data={"username": user.username, "password": PASSWORD,
                                             "otp": code or pyotp.TOTP(user.otp_secret).now()})


def test_staff_login_needs_password_and_totp_and_is_audited(client, create_staff, session):
    user = create_staff(role="agent")
    assert _login(client, user).headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    actions = session.scalars(select(AuditEvent.action)).all()
    assert "staff.login" in actions


def test_wrong_totp_is_refused_and_audited(client, create_staff, session):
    user = create_staff(role="agent")
    code = pyotp.TOTP(user.otp_secret).now()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert _login(client, user, wrong).status_code == 200
    assert client.get("/staff/").status_code == 302
    assert "staff.login_failed" in session.scalars(select(AuditEvent.action)).all()


def test_a_totp_code_works_only_once(client, app, create_staff):
    user = create_staff(role="agent")
    code = pyotp.TOTP(user.otp_secret).now()
    assert _login(client, user, code).status_code == 302
    client.post("/staff/logout")
    other = app.test_client()
    assert _login(other, user, code).status_code == 200  # replayed code refused


def test_staff_login_is_throttled(client, create_staff):
    user = create_staff(role="agent")
    codes = [client.post("/staff/login", data={"username": user.username, "password": "wrong-wrong",
                                                "otp": "000000"}).status_code for _ in range(6)]
    assert codes[-1] == 429 and 429 not in codes[:5]


@pytest.mark.parametrize("path", ["/staff/", "/staff/audit"])
def test_anonymous_and_borrowers_are_sent_to_the_staff_login(client, create_borrower, login, path):
    assert client.get(path).headers["Location"].startswith("/staff/login")
    login(client, create_borrower())
    assert client.get(path).headers["Location"].startswith("/staff/login")


def test_staff_session_does_not_open_borrower_pages(client, create_staff, login, app):
    login(client, create_staff(role="supervisor"))
    protected = [rule.rule for rule in app.url_map.iter_rules()
                 if rule.endpoint == "loans.index"]
    for path in protected:
        assert client.get(path).headers["Location"].startswith("/login")


def test_audit_log_is_for_supervisors_only(client, create_staff, login):
    login(client, create_staff(role="agent"))
    assert client.get("/staff/audit").status_code == 403


def test_supervisor_reads_the_audit_log_and_the_read_is_audited(client, create_staff, login, session):
    sup = create_staff(role="supervisor", username="zhao")
    login(client, sup)
    page = client.get("/staff/audit")
    assert page.status_code == 200
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.viewed")).first() is not None


def test_audit_events_cannot_be_changed_or_deleted(session, create_staff):
    from portal.audit.services import record

    user = create_staff(role="agent")
    event = record("test.event", "x", 1, staff=user)
    session.commit()
    event.action = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        session.commit()
    session.rollback()
    session.delete(session.get(AuditEvent, event.id))
    with pytest.raises(AuditLogIsAppendOnly):
        session.commit()
    session.rollback()


def test_create_staff_command_prints_an_otpauth_uri(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-staff", "wangwu", "--role", "supervisor", "--password", "a-long-password-1"])
    assert result.exit_code == 0, result.output
    assert "otpauth://totp/" in result.output
    short = runner.invoke(args=["create-staff", "lisi", "--role", "agent", "--password", "short"])
    assert short.exit_code != 0


def test_successful_staff_logins_never_use_up_the_account_budget(client, create_staff, session):
    from portal.accounts.team import new_recovery_codes

    user = create_staff(role="agent")
    codes = new_recovery_codes(user, user)
    session.commit()
    assert len(codes) == 10
    assert client.post("/staff/login", data={"username": user.username, "password": "wrong-wrong",
                                             "otp": "000000"}).status_code == 200
    for code in codes:
        response = client.post("/staff/login", data={"username": user.username, "password": PASSWORD,
                                                     "otp": code.replace("-", "")})
        assert response.status_code == 302, response.get_data(as_text=True)
        client.post("/staff/logout")


def test_five_failed_staff_logins_lock_the_account_even_for_the_right_password(client, create_staff):
    user = create_staff(role="agent")
    for _ in range(5):
        assert client.post("/staff/login", data={"username": user.username, "password": "wrong-wrong",
                                                 "otp": "000000"}).status_code == 200
    assert _login(client, user).status_code == 429
