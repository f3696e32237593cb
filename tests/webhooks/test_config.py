"""The settings' endpoint: an address needs its secret, and the timeout is a number."""
from __future__ import annotations

import pytest

from portal.config import ConfigError, load_config


@pytest.mark.parametrize("env, problem", [
    ({"PORTAL_WEBHOOK_URL": "https://lender.example/hooks"}, "PORTAL_WEBHOOK_SECRET"),
    ({"PORTAL_WEBHOOK_URL": "https://lender.example/hooks", "PORTAL_WEBHOOK_SECRET": "short"},
     "PORTAL_WEBHOOK_SECRET"),
    ({"PORTAL_WEBHOOK_URL": "lender.example/hooks", "PORTAL_WEBHOOK_SECRET": "s" * 32}, "PORTAL_WEBHOOK_URL"),
    ({"PORTAL_WEBHOOK_TIMEOUT_SECONDS": "soon"}, "PORTAL_WEBHOOK_TIMEOUT_SECONDS"),
])
def test_unsafe_or_broken_webhook_settings_refuse_to_start(monkeypatch, tmp_path, env, problem):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=problem):
        load_config(str(tmp_path))


def test_a_complete_setting_is_read(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_WEBHOOK_URL", "https://lender.example/hooks")
    monkeypatch.setenv("PORTAL_WEBHOOK_SECRET", "s" * 32)
    monkeypatch.setenv("PORTAL_WEBHOOK_TIMEOUT_SECONDS", "2.5")
    config = load_config(str(tmp_path))
    assert (config["WEBHOOK_URL"], config["WEBHOOK_SECRET"], config["WEBHOOK_TIMEOUT_SECONDS"]) == \
        ("https://lender.example/hooks", "s" * 32, 2.5)
