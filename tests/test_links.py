"""Links in messages come from PORTAL_BASE_URL, never from the request's Host header."""
from __future__ import annotations

import pytest

from portal.config import ConfigError, load_config
from portal.links import absolute_url


def test_links_ignore_the_host_header(app):
    with app.test_request_context("/", base_url="http://attacker.example"):
        assert absolute_url("visits.detail", visit_id=7) == app.config["BASE_URL"] + "/visits/7"
        assert "attacker" not in absolute_url("visits.detail", visit_id=7)


def test_production_requires_an_https_base_url(monkeypatch, tmp_path):
    from tests.notify.test_gateways import production_gateways

    for name, value in production_gateways().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PORTAL_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:16401")
    monkeypatch.setenv("PORTAL_BASE_URL", "http://portal.example.cn")
    with pytest.raises(ConfigError, match="BASE_URL"):
        load_config(str(tmp_path))
    monkeypatch.delenv("PORTAL_BASE_URL")
    with pytest.raises(ConfigError, match="BASE_URL"):
        load_config(str(tmp_path))


def test_development_default(monkeypatch, tmp_path):
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    monkeypatch.setenv("PORTAL_ENV", "development")
    assert load_config(str(tmp_path))["BASE_URL"] == "http://127.0.0.1:5000"
