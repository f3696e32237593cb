"""Deny by default, checked over the whole URL map (so routes that domains add are covered automatically):
anonymous users are sent to the right login, borrowers never reach staff pages, staff never reach borrower pages.
Per-object checks (another borrower's object -> 404) live in each domain's tests."""
from __future__ import annotations

import pytest

# Blueprints that are public as a whole (no personal data): api-docs serves the API's OpenAPI document.
PUBLIC_BLUEPRINTS = {"pages", "health", "rights", "api-docs"}


def _protected(app, kind):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "." not in rule.endpoint:
            continue
        bp = app.blueprints[rule.endpoint.split(".")[0]]
        if getattr(bp, "gate_kind", None) != kind or rule.endpoint in bp.public_endpoints:
            continue
        values = {arg: "1" for arg in rule.arguments}
        method = "GET" if "GET" in rule.methods else "POST"
        yield method, rule.build(values, append_unknown=False)[1]


def test_every_blueprint_is_gated_or_public(app):
    for name, bp in app.blueprints.items():
        assert name in PUBLIC_BLUEPRINTS or getattr(bp, "gate_kind", None) in {"borrower", "staff", "api_token"}, name


@pytest.mark.parametrize("kind,login_path", [("borrower", "/login"), ("staff", "/staff/login")])
def test_anonymous_users_are_sent_to_log_in(app, client, kind, login_path):
    paths = list(_protected(app, kind))
    assert paths, "no protected routes found"
    for method, path in paths:
        response = client.open(path, method=method)
        assert response.status_code == 302, (method, path, response.status_code)
        assert response.headers["Location"].startswith(login_path), (method, path)


def test_borrowers_never_reach_staff_pages(app, client, create_borrower, login):
    login(client, create_borrower())
    for method, path in _protected(app, "staff"):
        response = client.open(path, method=method)
        assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login"), path


def test_staff_never_reach_borrower_pages(app, client, create_staff, login):
    login(client, create_staff(role="supervisor"))
    for method, path in _protected(app, "borrower"):
        response = client.open(path, method=method)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path
