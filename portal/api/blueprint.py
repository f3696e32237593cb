"""``/api/v1``: the lender's API. JSON in and out; token auth (``Authorization: Bearer``), no cookies, no CSRF.

Every request is authenticated before any view runs (deny by default); a view names the scope it needs with
``@scoped(...)``, which also documents it. The per-token rate limit is keyed by the token's hash, so a refused
request costs no database work."""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, request
from flask_smorest import Blueprint
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from portal.api import tokens
from portal.api.errors import ErrorSchema, error_response, from_http_exception
from portal.extensions import db, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1",
               description="The lender's API: loans in, contacts in, events out (token auth).")
bp.gate_kind = "api_token"  # type: ignore[attr-defined]  # read by the access tests
bp.public_endpoints = frozenset()  # type: ignore[attr-defined]

BODY_METHODS = ("POST", "PUT", "PATCH")


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _limit_key() -> str:
    token = bearer_token()
    return "api-token:" + tokens.hash_token(token) if token else "api-anonymous:" + (request.remote_addr or "")


limiter.limit(lambda: current_app.config["API_TOKEN_RATE_LIMIT"], key_func=_limit_key)(bp)


@bp.before_request
def _authenticate():
    limit = current_app.config["API_MAX_BODY_MB"] * 1024 * 1024
    request.max_content_length = limit
    token = bearer_token()
    row = tokens.authenticate(db.session, token) if token else None
    if row is None:
        return error_response(401, headers={"WWW-Authenticate": 'Bearer realm="api"'})
    g.api_token = row
    if request.method in BODY_METHODS:
        if request.mimetype != "application/json":
            return error_response(415, errors={"Content-Type": [f"expected application/json, got "
                                                                f"{request.mimetype or 'nothing'}"]})
        if not request.content_length and "chunked" not in request.headers.get("Transfer-Encoding", ""):
            return error_response(400, "The request has no body.", errors={"body": ["a JSON body is required"]})
        if request.content_length is not None and request.content_length > limit:
            return error_response(413, errors={"body": [f"at most {limit} bytes"]})
    return None

RETRY_AFTER = {"Retry-After": {"description": "seconds until the token may send requests again", "required": True,
                               "schema": {"type": "integer", "minimum": 1}}}


def scoped(scope: str):
    """The view needs a token with ``scope`` (else 403); put it right under ``@bp.route``."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if scope not in g.api_token.scope_list:
                return error_response(403, errors={"scope": [f"this token lacks {scope}"]})
            return view(*args, **kwargs)

        wrapped = bp.doc(**{"x-required-scope": scope}, security=[{"bearerAuth": []}])(wrapped)
        for code, what in ((401, "no valid token"), (403, f"the token lacks {scope}")):
            wrapped = bp.alt_response(code, schema=ErrorSchema, description=what)(wrapped)
        wrapped = bp.alt_response(429, schema=ErrorSchema, description="too many requests for this token",
                                  headers=RETRY_AFTER)(wrapped)
        for code, what in ((500, "an error on our side; nothing was stored"),
                           (503, "the database is briefly unavailable; nothing was stored, retry later")):
            wrapped = bp.alt_response(code, schema=ErrorSchema, description=what)(wrapped)
        return wrapped

    return decorator


def with_body(view):
    """Document what ``_authenticate`` answers for a request body before the view runs (PUT, POST)."""
    for code, what in ((400, "the body is missing or not valid JSON"),
                       (413, "the body is larger than PORTAL_API_MAX_BODY_MB"),
                       (415, "the body is not sent as application/json")):
        view = bp.alt_response(code, schema=ErrorSchema, description=what)(view)
    return view


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    db.session.rollback()
    return from_http_exception(error)


@bp.errorhandler(OperationalError)
def _db_down(error):
    db.session.rollback()
    return error_response(503)


@bp.errorhandler(Exception)
def _unexpected(error: Exception):
    current_app.logger.exception("unhandled error in the API")
    db.session.rollback()
    return error_response(500)
