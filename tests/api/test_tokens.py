"""API tokens: the command line, the console page, 401/403 as JSON, revocation, the per-token rate limit."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.api import tokens
from portal.api.models import ApiToken
from portal.audit.models import AuditEvent


def _api_paths(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule.build({arg: "L1" for arg in rule.arguments}, append_unknown=False)[1]


def test_every_api_route_answers_401_json_without_a_valid_token(app, api, make_token, session):
    revoked = make_token(name="old")
    tokens.revoke_token(session, tokens.token_named(session, "old"))
    session.commit()
    paths = list(_api_paths(app))
    assert len(paths) >= 5
    for method, path in paths:
        for token in (None, "bpt_" + "x" * 43, revoked, "not-even-a-token"):
            response = api.open(method, path.removeprefix("/api/v1"), {"loans": []} if method != "GET" else None,
                                token=token)
            assert response.status_code == 401, (method, path, token)
            assert response.get_json()["code"] == 401
            assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("method, path, scope", [
    ("PUT", "/loans/L1", "loans:write"), ("POST", "/loans", "loans:write"), ("GET", "/loans/L1", "loans:read"),
    ("POST", "/contacts", "contacts:write"), ("GET", "/events", "events:read"),
])
def test_a_token_without_the_scope_gets_403_and_nothing_runs(api, make_token, method, path, scope):
    others = [s for s in ("loans:write", "loans:read", "contacts:write", "events:read") if s != scope]
    response = api.open(method, path, {"loans": [], "contacts": []} if method != "GET" else None,
                        token=make_token(others))
    assert response.status_code == 403
    assert response.get_json()["errors"] == {"scope": [f"this token lacks {scope}"]}


def test_cli_creates_a_token_shown_once_and_revokes_it(app, session, api):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-api-token", "core-banking", "--scopes", "loans:write,events:read"])
    assert result.exit_code == 0, result.output
    token = re.search(r"^(bpt_[A-Za-z0-9_-]{43})$", result.output, re.M).group(1)
    row = session.scalar(select(ApiToken).where(ApiToken.name == "core-banking"))
    assert row.token_hash == tokens.hash_token(token) and token not in (row.token_hash, row.prefix)
    assert row.scope_list == ["loans:write", "events:read"]
    assert api.get("/events", token=token).status_code == 200
    assert api.get("/loans/L1", token=token).status_code == 403
    session.expire_all()
    assert session.get(ApiToken, row.id).last_used_at is not None

    again = runner.invoke(args=["create-api-token", "core-banking", "--scopes", "loans:write"])
    assert again.exit_code != 0 and "exists already" in again.output
    bad = runner.invoke(args=["create-api-token", "x", "--scopes", "loans:delete"])
    assert bad.exit_code != 0 and "loans:delete" in bad.output

    assert runner.invoke(args=["revoke-api-token", "core-banking"]).exit_code == 0
    assert api.get("/events", token=token).status_code == 401
    assert runner.invoke(args=["revoke-api-token", "nobody"]).exit_code != 0
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["api_token.created", "api_token.revoked"]


def test_rate_limit_per_token(app, api, make_token, monkeypatch):
    monkeypatch.setitem(app.config, "API_TOKEN_RATE_LIMIT", "3 per minute")
    other = make_token(name="other")
    for _ in range(3):
        assert api.get("/events").status_code == 200
    limited = api.get("/events")
    assert limited.status_code == 429 and limited.get_json()["code"] == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60  # seconds until the minute's window resets
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    spec = next(p for path, p in doc["paths"].items() if path.endswith("/events"))["get"]["responses"]["429"]
    spec = spec["headers"]["Retry-After"]
    assert spec["required"] is True and spec["schema"]["type"] == "integer"
    assert api.get("/events", token=other).status_code == 200  # another token has its own budget


def test_supervisors_create_see_and_revoke_tokens_in_the_console(client, login, create_staff, session, api,
                                                                   csrf_on):
    lead = create_staff(role="supervisor")
    login(client, lead)
    page = client.get("/staff/api-tokens/new")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    empty = client.post("/staff/api-tokens/new", data={"csrf_token": csrf, "name": "bad name!"})
    assert empty.status_code == 200 and len(tokens.all_tokens(session)) == 1  # only the fixture's
    made = client.post("/staff/api-tokens/new", data={"csrf_token": csrf, "name": "collections",
                                                       "scopes": ["events:read", "loans:read"]})
    assert made.status_code == 200
    token = re.search(r"(bpt_[A-Za-z0-9_-]{43})", made.get_data(as_text=True)).group(1)
    assert api.get("/events", token=token).status_code == 200
    listing = client.get("/staff/api-tokens").get_data(as_text=True)
    assert "collections" in listing and token not in listing and token[:10] in listing
    row = session.scalar(select(ApiToken).where(ApiToken.name == "collections"))
    assert client.post(f"/staff/api-tokens/{row.id}/revoke", data={"csrf_token": csrf}).status_code == 302
    assert api.get("/events", token=token).status_code == 401
    audit = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(a.action, a.staff_id) for a in audit] == [("api_token.created", lead.id), ("api_token.revoked", lead.id)]


def test_agents_cannot_manage_tokens(client, login, create_staff):
    login(client, create_staff(role="agent"))
    assert client.get("/staff/api-tokens").status_code == 403
    assert client.post("/staff/api-tokens/new", data={"name": "x", "scopes": ["events:read"]}).status_code == 403
