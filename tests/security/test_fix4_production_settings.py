"""Fix 4: production refuses unsafe settings; demo and development commands refuse to run there; the proxy
setting and HSTS."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.accounts.models import Borrower
from portal.audit.models import AuditEvent
from portal.config import DEV_SECRET_KEY, ConfigError, load_config
from portal.security import configure_proxy
from tests.notify.test_gateways import production_gateways

SAFE = {"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "k" * 40,
        "PORTAL_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:16404", **production_gateways()}


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    for name, value in SAFE.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_fix4_safe_production_settings_start(production_env, tmp_path):
    # load_config, not create_app: a second app would rebind the shared limiter to that Redis.
    config = load_config(str(tmp_path))
    assert config["PORTAL_ENV"] == "production" and config["SESSION_COOKIE_SECURE"]


@pytest.mark.parametrize("env", ["prod", "Production", "staging", "dev", ""])
def test_fix4_only_three_environments_are_accepted(monkeypatch, env):
    monkeypatch.setenv("PORTAL_ENV", env)
    if env == "":
        assert load_config("/tmp")["PORTAL_ENV"] == "development"  # unset or empty: the default
        return
    with pytest.raises(ConfigError, match="PORTAL_ENV"):
        create_app()


@pytest.mark.parametrize(("name", "value", "named"), [
    ("PORTAL_SECRET_KEY", "short-but-set", "SECRET_KEY"),
    ("PORTAL_SECRET_KEY", "中" * 10, "SECRET_KEY"),  # 30 bytes, though 10 characters
    ("PORTAL_SECRET_KEY", DEV_SECRET_KEY, "SECRET_KEY"),
    ("PORTAL_SMS_BACKEND", "file", "SMS_BACKEND"),
    ("PORTAL_RATELIMIT_STORAGE_URI", "memory://", "RATELIMIT_STORAGE_URI"),
    ("PORTAL_DEBUG", "1", "DEBUG"),
])
def test_fix4_production_refuses_an_unsafe_setting(production_env, name, value, named):
    production_env.setenv(name, value)
    with pytest.raises(ConfigError, match=named):
        create_app()


def test_fix4_production_refuses_a_missing_secret_key(production_env):
    production_env.delenv("PORTAL_SECRET_KEY")
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        create_app()


def test_fix4_development_keeps_its_easy_defaults(monkeypatch):
    for name in SAFE:
        monkeypatch.delenv(name, raising=False)
    config = load_config("/tmp")
    assert config["PORTAL_ENV"] == "development" and config["SMS_BACKEND"] == "file"


@pytest.mark.parametrize("args", [["seed-demo"], ["seed-demo", "--if-empty"], ["totp-code", "agent"],
                                  ["generate-data", "--borrowers", "1", "--out", "/dev/null"],
                                  ["load-scale-data", "/dev/null"]])
def test_fix4_demo_and_development_commands_refuse_in_production(app, monkeypatch, session, args):
    monkeypatch.setitem(app.config, "PORTAL_ENV", "production")
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0
    assert "not available in production" in result.output
    assert session.scalar(select(func.count()).select_from(Borrower)) == 0


def test_fix4_hsts_only_in_production(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/").headers
    monkeypatch.setitem(app.config, "PORTAL_ENV", "production")
    assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_fix4_proxy_hops_make_per_ip_limits_per_client(app, client, monkeypatch, session):
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)  # restored after the test
    monkeypatch.setitem(app.config, "PROXY_HOPS", 1)
    configure_proxy(app)
    limit = int(app.config["LOGIN_LIMIT_PER_IP"].split()[0])
    # Many clients behind one proxy: each has its own per-IP budget.
    for i in range(limit + 1):
        response = client.post("/login", data={"phone": f"139{i:08d}", "password": "x" * 10},
                               headers={"X-Forwarded-For": f"203.0.113.{i}", "X-Forwarded-Proto": "https"})
        assert response.status_code == 200
    # One client: limited, whatever address the proxy itself has.
    codes = [client.post("/login", data={"phone": f"138{i:08d}", "password": "x" * 10},
                         headers={"X-Forwarded-For": "198.51.100.7"}).status_code for i in range(limit + 1)]
    assert codes[-1] == 429 and 429 not in codes[:-1]


def test_fix4_without_proxy_hops_forwarded_headers_are_ignored(app, client, create_staff, session):
    client.post("/staff/login", data={"username": "nobody", "password": "x" * 10, "otp": "123456"},
                headers={"X-Forwarded-For": "203.0.113.9"})
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "staff.login_failed"))
    assert event.ip == "127.0.0.1"


def test_fix4_with_proxy_hops_the_audit_log_has_the_client_address(app, client, monkeypatch, session):
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)
    monkeypatch.setitem(app.config, "PROXY_HOPS", 1)
    configure_proxy(app)
    client.post("/staff/login", data={"username": "nobody", "password": "x" * 10, "otp": "123456"},
                headers={"X-Forwarded-For": "203.0.113.9"})
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "staff.login_failed"))
    assert event.ip == "203.0.113.9"
