"""The API's one error shape (JSON, never an HTML page): ``{"code", "status", "message", "errors"}``, where
``errors`` maps a field's dotted path (``borrower.phone``, ``schedule.0.due_date``, ``body`` for the request as a
whole) to a list of reasons."""
from __future__ import annotations

import math
import time
from typing import Any

from flask import jsonify
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

MESSAGES = {
    400: "The request body is not valid JSON.",
    401: "Send a valid, unrevoked API token as 'Authorization: Bearer <token>'.",
    403: "This token does not have the scope this endpoint needs.",
    404: "Not found.",
    405: "This method is not allowed here.",
    413: "The request body is too large.",
    415: "Send the body as JSON with 'Content-Type: application/json'.",
    422: "Some fields are not valid; see errors.",
    429: "Too many requests for this token; slow down and retry later.",
    500: "Something went wrong on our side; nothing was stored.",
    503: "The database is briefly unavailable; nothing was stored. Retry later.",
}


class ErrorSchema(Schema):
    code = fields.Integer(required=True, metadata={"description": "the HTTP status code"})
    status = fields.String(required=True, metadata={"description": "the HTTP status name"})
    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "reasons per field (dotted path; 'body' for the whole body)"})


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow/webargs nested messages ``{"json": {"borrower": {"phone": [...]}}}`` as dotted paths."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = "" if key == "_schema" else str(key)
            path = f"{prefix}.{name}" if prefix and name else (prefix or name)
            for k, v in flatten(value, path).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(messages, (list, tuple)) and all(isinstance(m, str) for m in messages):
        out[prefix or "body"] = list(messages)
    elif isinstance(messages, (list, tuple)):
        for m in messages:
            for k, v in flatten(m, prefix).items():
                out.setdefault(k, []).extend(v)
    else:
        out[prefix or "body"] = [str(messages)]
    return out


def _strip_location(messages: Any) -> Any:
    """webargs keys messages by location (json, query): the field names alone say enough."""
    if isinstance(messages, dict) and set(messages) <= {"json", "query", "view_args"}:
        merged: dict = {}
        for location, value in messages.items():
            if isinstance(value, dict):
                merged.update(value)
            else:
                merged.setdefault("body" if location == "json" else location, value)
        return merged
    return messages


def error_response(code: int, message: str | None = None, errors: dict[str, list[str]] | None = None,
                   headers: dict | None = None):
    body: dict[str, Any] = {"code": code, "status": HTTP_STATUS_CODES.get(code, "Error"),
                            "message": message or MESSAGES.get(code, HTTP_STATUS_CODES.get(code, "Error"))}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = code
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def from_http_exception(error: HTTPException):
    data = getattr(error, "data", None) or {}
    errors = flatten(_strip_location(data["messages"])) if data.get("messages") else data.get("errors")
    code = error.code or 500
    headers = dict(data.get("headers") or {})
    if code == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="api"')
    if code == 429:
        headers.setdefault("Retry-After", str(retry_after()))
    return error_response(code, data.get("message"), errors, headers)


def retry_after() -> int:
    """Seconds until the token's rate limit window that was hit resets (Flask-Limiter's window; at least 1)."""
    from portal.extensions import limiter

    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.window[0] - time.time()))
