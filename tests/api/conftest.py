"""API test helpers: tokens with chosen scopes, JSON requests with them, and every response checked against the
OpenAPI document the app serves (openapi-core: status, content type and body schema)."""
from __future__ import annotations

import json

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from portal.api import tokens
from portal.api.models import SCOPES
from tests.loans.test_import import record as loan_record


@pytest.fixture
def make_token(session):
    def factory(scopes=SCOPES, name=None) -> str:
        _row, token = tokens.create_token(session, name or f"sys-{len(tokens.all_tokens(session))}", list(scopes))
        session.commit()
        return token

    return factory


@pytest.fixture
def token(make_token) -> str:
    return make_token()


@pytest.fixture(scope="session")
def openapi(app) -> OpenAPI:
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return OpenAPI.from_dict(response.get_json())


class Api:
    """``api.put("/loans/L1", body)``: the request with the token, the response checked against the document."""

    def __init__(self, client, openapi: OpenAPI, token: str | None) -> None:
        self.client, self.openapi, self.token = client, openapi, token

    def open(self, method: str, path: str, body=None, *, token: str | None = "default", raw: bytes | None = None,
             content_type: str = "application/json", headers: dict | None = None, check: bool = True):
        token = self.token if token == "default" else token
        sent = {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
        data = raw if raw is not None else (json.dumps(body, ensure_ascii=False).encode() if body is not None
                                            else None)
        response = self.client.open("/api/v1" + path, method=method, data=data, headers=sent,
                                    content_type=content_type if data is not None else None)
        assert response.mimetype == "application/json", (response.status_code, response.data[:200])
        assert "Set-Cookie" not in response.headers
        if check:
            request = Request(EnvironBuilder(path="/api/v1" + path, method=method, data=data, headers=sent,
                                             content_type=content_type if data is not None else None).get_environ())
            self.openapi.validate_response(WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response))
        return response

    def get(self, path, **kw):
        return self.open("GET", path, **kw)

    def put(self, path, body=None, **kw):
        return self.open("PUT", path, body, **kw)

    def post(self, path, body=None, **kw):
        return self.open("POST", path, body, **kw)


@pytest.fixture
def api(client, openapi, token) -> Api:
    return Api(client, openapi, token)


def loan(ref: str = "L2024000123", **over) -> dict:
    return loan_record(loan_ref=ref, **over)
