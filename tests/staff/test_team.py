"""Team administration: the role matrix, every action (audited), one-time links, second factor, recovery codes,
and the last-supervisor rule."""
from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import func, select

from portal.accounts.models import LoginSession, StaffRecoveryCode, StaffSetupLink, StaffUser
from portal.audit.models import AuditEvent
from tests.addresses import assert_no_dead_end
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-long-new-password-1"


def _actions(session) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _staff_login(client, user, otp=None, password=PASSWORD):
    return client.post("/staff/login", data={"username": user.username, "password": password,
                                             "otp": otp or pyotp.TOTP(user.otp_secret).now()})


@pytest.fixture
def lead(create_staff):
    return create_staff(role="supervisor", username="lead", display_name="赵主管")


@pytest.fixture
def agent(create_staff):
    return create_staff(role="agent", username="agent1", display_name="钱专员")


def _team_urls(target_id: int) -> list[tuple[str, str]]:
    return [("GET", "/staff/team"), ("GET", "/staff/team/new"), ("POST", "/staff/team/new"),
            ("GET", f"/staff/team/{target_id}"), ("POST", f"/staff/team/{target_id}/role"),
            ("POST", f"/staff/team/{target_id}/disable"), ("POST", f"/staff/team/{target_id}/enable"),
            ("POST", f"/staff/team/{target_id}/password"), ("POST", f"/staff/team/{target_id}/second-factor"),
            ("POST", f"/staff/team/{target_id}/recovery-codes")]


@pytest.mark.parametrize("who", ["anonymous", "borrower", "agent", "disabled"])
def test_only_supervisors_reach_team_administration(client, session, login, create_borrower, create_staff, lead,
                                                    who):
    if who == "borrower":
        login(client, create_borrower())
    elif who == "agent":
        login(client, create_staff(role="agent"))
    elif who == "disabled":
        gone = create_staff(role="supervisor")
        login(client, gone)
        gone.active = False
        session.commit()
    for method, url in _team_urls(lead.id):
        response = client.open(url, method=method, data={"role": "agent"})
        if who == "agent":
            assert response.status_code == 403, (method, url)
        else:
            assert response.status_code == 302 and "/staff/login" in response.headers["Location"], (method, url)
    assert session.get(StaffUser, lead.id).role == "supervisor"
    assert session.get(StaffUser, lead.id).active


def test_team_list_shows_role_state_and_last_login(client, login, lead, agent, session):
    _staff_login(client, agent)
    login(client, lead)
    page = client.get("/staff/team").get_data(as_text=True)
    assert "钱专员" in page and "agent1" in page and "客服专员" in page and "主管" in page
    assert "从未" in page  # lead never logged in through the form
    assert session.get(StaffUser, agent.id).last_login_at is not None


def test_a_new_member_sets_a_password_and_enrols_from_a_one_time_link(client, app, login, lead, session):
    login(client, lead)
    response = client.post("/staff/team/new", data={"display_name": "孙新人", "username": "Sun.New", "role": "agent"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    link = re.search(r"http://localhost(/staff/setup/[A-Za-z0-9_-]+)", page).group(1)
    user = session.scalar(select(StaffUser).where(StaffUser.username == "sun.new"))
    assert user.role == "agent" and user.password_hash == ""
    stored = session.scalar(select(StaffSetupLink).where(StaffSetupLink.staff_id == user.id))
    assert stored.token_hash not in page and link.rsplit("/", 1)[1] != stored.token_hash  # only the hash is kept
    # The member cannot log in before using the link.
    anon = app.test_client()
    assert "/staff/login" in anon.get("/staff/").headers["Location"]
    setup = anon.get(link).get_data(as_text=True)
    assert "<svg" in setup and user.otp_secret in setup and "<script" not in setup
    # A wrong code keeps the page and saves nothing.
    bad = anon.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "otp": "000000"})
    assert bad.status_code == 200 and "验证器" in bad.get_data(as_text=True)
    done = anon.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                 "otp": pyotp.TOTP(user.otp_secret).now()})
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    assert anon.get(link).status_code == 404  # used once
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(StaffRecoveryCode)
                          .where(StaffRecoveryCode.staff_id == user.id)) == 10
    assert codes[0].replace("-", "") not in {c.code_hash for c in session.scalars(select(StaffRecoveryCode))}
    # Log in with a recovery code instead of the authenticator; it works once.
    response = _staff_login(anon, user, otp=codes[0].upper(), password=NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/")
    other = app.test_client()
    assert _staff_login(other, user, otp=codes[0], password=NEW_PASSWORD).status_code == 200
    actions = _actions(session)
    assert {"staff.created", "staff.setup_completed", "staff.recovery_codes_issued",
            "staff.recovery_code_used", "staff.login"} <= set(actions)


def test_an_expired_or_unknown_link_is_refused(client, app, login, lead, session):
    from datetime import timedelta

    login(client, lead)
    page = client.post("/staff/team/new", data={"display_name": "周", "username": "zhou", "role": "agent"}) \
        .get_data(as_text=True)
    link = re.search(r"http://localhost(/staff/setup/[A-Za-z0-9_-]+)", page).group(1)
    row = session.scalar(select(StaffSetupLink))
    row.expires_at = row.expires_at - timedelta(hours=73)
    session.commit()
    assert app.test_client().get(link).status_code == 404
    assert app.test_client().get("/staff/setup/" + "x" * 5000).status_code == 404


def test_a_taken_username_is_answered_next_to_the_field(client, login, lead, agent, session):
    login(client, lead)
    response = client.post("/staff/team/new", data={"display_name": "另一个", "username": "AGENT1", "role": "agent"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "用户名已被使用" in page and 'value="另一个"' in page
    bad = client.post("/staff/team/new", data={"display_name": "", "username": "a b", "role": "boss"})
    assert bad.status_code == 200 and "error-summary" in bad.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(StaffUser)) == 2


def test_disabling_ends_open_sessions_at_once(client, app, login, lead, agent, session):
    agent_client = app.test_client()
    login(agent_client, agent)
    assert agent_client.get("/staff/").status_code == 200
    login(client, lead)
    response = client.post(f"/staff/team/{agent.id}/disable", follow_redirects=True)
    assert "已停用" in response.get_data(as_text=True)
    gone = agent_client.get("/staff/")
    assert gone.status_code == 302 and "/staff/login" in gone.headers["Location"]
    assert session.scalar(select(func.count()).select_from(LoginSession)
                          .where(LoginSession.staff_id == agent.id)) == 0
    assert _staff_login(app.test_client(), agent).status_code == 200  # and cannot log in again
    client.post(f"/staff/team/{agent.id}/enable")
    assert _staff_login(app.test_client(), agent).status_code == 302
    assert {"staff.disabled", "staff.enabled"} <= set(_actions(session))


def test_changing_a_role_takes_effect_and_is_audited(client, app, login, lead, agent, session):
    login(client, lead)
    client.post(f"/staff/team/{agent.id}/role", data={"role": "supervisor"})
    session.expire_all()
    assert session.get(StaffUser, agent.id).role == "supervisor"
    detail = session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "staff.role_changed"))
    assert "agent" in detail and "supervisor" in detail
    assert client.post(f"/staff/team/{agent.id}/role", data={"role": "boss"}).status_code == 302
    assert session.get(StaffUser, agent.id).role == "supervisor"


def test_the_last_active_supervisor_cannot_be_demoted_or_disabled(client, login, lead, agent, create_staff,
                                                                  session):
    login(client, lead)
    page = client.post(f"/staff/team/{lead.id}/role", data={"role": "agent"}, follow_redirects=True)
    assert "最后一位" in page.get_data(as_text=True)
    other = create_staff(role="supervisor", username="other")
    other.active = False  # a disabled supervisor does not count
    session.commit()
    lead_id, other_id = lead.id, other.id
    client.post(f"/staff/team/{lead_id}/role", data={"role": "agent"})
    session.expire_all()
    assert session.get(StaffUser, lead_id).role == "supervisor"
    client.post(f"/staff/team/{other_id}/enable")
    client.post(f"/staff/team/{other_id}/role", data={"role": "agent"})
    session.expire_all()
    assert session.get(StaffUser, other_id).role == "agent"
    # The only supervisor left cannot be disabled either (nor can anyone disable themselves).
    page = client.post(f"/staff/team/{lead_id}/disable", follow_redirects=True).get_data(as_text=True)
    assert session.get(StaffUser, lead_id).active and "不能停用" in page


def test_reset_password_forces_a_new_one_and_ends_sessions(client, app, login, lead, agent, session):
    agent_client = app.test_client()
    login(agent_client, agent)
    login(client, lead)
    page = client.post(f"/staff/team/{agent.id}/password").get_data(as_text=True)
    link = re.search(r"http://localhost(/staff/setup/[A-Za-z0-9_-]+)", page).group(1)
    assert agent_client.get("/staff/").status_code == 302
    assert _staff_login(app.test_client(), agent).status_code == 200  # the old password no longer works
    anon = app.test_client()
    setup = anon.get(link).get_data(as_text=True)
    assert "<svg" not in setup  # the authenticator stays; its code confirms the new password
    session.expire_all()
    user = session.get(StaffUser, agent.id)
    anon.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "otp": pyotp.TOTP(user.otp_secret).now()})
    next_code = pyotp.TOTP(user.otp_secret).at(time.time() + 30)  # the current step was spent on the link
    assert _staff_login(app.test_client(), agent, password=NEW_PASSWORD, otp=next_code).status_code == 302
    assert {"staff.password_reset", "staff.password_set"} <= set(_actions(session))


def test_reenrolling_the_second_factor_shows_a_new_secret_once_and_the_old_stops(client, app, login, lead, agent,
                                                                                session):
    old_secret = agent.otp_secret
    login(client, lead)
    response = client.post(f"/staff/team/{agent.id}/second-factor")
    page = response.get_data(as_text=True)
    session.expire_all()
    new_secret = session.get(StaffUser, agent.id).otp_secret
    assert new_secret != old_secret and new_secret in page and "<svg" in page and "<script" not in page
    assert new_secret not in client.get(f"/staff/team/{agent.id}").get_data(as_text=True)
    assert _staff_login(app.test_client(), agent, otp=pyotp.TOTP(old_secret).now()).status_code == 200
    assert _staff_login(app.test_client(), agent, otp=pyotp.TOTP(new_secret).now()).status_code == 302
    assert "staff.second_factor_reenrolled" in _actions(session)


def test_new_recovery_codes_replace_the_old_ones(client, app, login, lead, agent, session):
    login(client, lead)
    first = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>",
                       client.post(f"/staff/team/{agent.id}/recovery-codes").get_data(as_text=True))
    second = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>",
                        client.post(f"/staff/team/{agent.id}/recovery-codes").get_data(as_text=True))
    assert len(first) == len(second) == 10 and not set(first) & set(second)
    assert _staff_login(app.test_client(), agent, otp=first[0]).status_code == 200
    assert _staff_login(app.test_client(), agent, otp=second[0]).status_code == 302
    facts = client.get(f"/staff/team/{agent.id}").get_data(as_text=True).split("未使用的恢复码")[1][:30]
    assert "<dd>9</dd>" in facts


ONE_TIME = {  # an action's address: what it shows once; the member page's words (zh_Hant) on making a new one
    "password": (r"/staff/setup/([A-Za-z0-9_-]{20,})", "未複製的連結不會再次顯示：如需新連結，請再次重設密碼。"),
    "second-factor": (r'<p class="hash"><code>([A-Z2-7]{16,})</code>', "未掃描的金鑰不會再次顯示：如需新金鑰，請重新設定驗證器。"),
    "recovery-codes": (r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", "未記下的復原碼不會再次顯示：請產生新的復原碼。"),
}


@pytest.mark.parametrize("action", ONE_TIME)
def test_a_page_shown_once_opened_again_leads_to_the_member_without_showing_it(client, app, login, lead, agent,
                                                                              action):
    """A reload from the address bar, the history or the language switch: the member's page, not 405; what was
    shown once is not shown again, and the page says how to make a new one."""
    login(client, lead)
    action_url, member_url = f"/staff/team/{agent.id}/{action}", f"/staff/team/{agent.id}"
    shown = client.post(action_url)
    pattern, how_again = ONE_TIME[action]
    secrets_shown = re.findall(pattern, shown.get_data(as_text=True))
    assert shown.status_code == 200 and secrets_shown
    assert_no_dead_end(client, shown, action_url, member_url)
    page = client.get(action_url, follow_redirects=True)
    body = page.get_data(as_text=True)
    assert page.request.path == member_url and not any(secret in body for secret in secrets_shown)
    assert how_again in body  # in the script the language switch chose
    # the login after the session ended returns to the address, which leads to the member's page
    anon = app.test_client()
    to_login = anon.get(action_url)
    assert to_login.status_code == 302 and "/staff/login" in to_login.headers["Location"]
    back = anon.post(f"/staff/login?next={action_url}", data={
        "username": lead.username, "password": PASSWORD, "otp": pyotp.TOTP(lead.otp_secret).now()})
    assert back.headers["Location"] == action_url
    assert anon.get(action_url).headers["Location"] == member_url


def test_an_unknown_member_is_404(client, login, lead):
    login(client, lead)
    assert client.get("/staff/team/999").status_code == 404
    assert client.post("/staff/team/999/disable").status_code == 404


def test_create_staff_command_still_works(app, session):
    from portal.cli import create_staff_cmd

    result = app.test_cli_runner().invoke(create_staff_cmd, ["first", "--role", "supervisor", "--password",
                                                             PASSWORD])
    assert result.exit_code == 0, result.output
    assert session.scalar(select(StaffUser).where(StaffUser.username == "first")).role == "supervisor"
