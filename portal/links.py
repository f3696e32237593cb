"""Absolute links for messages and one-time links: ``PORTAL_BASE_URL`` + the route's path, never the Host header
of the request (which anyone can set)."""
from __future__ import annotations

from flask import current_app, url_for


def absolute_url(endpoint: str, **values) -> str:
    return current_app.config["BASE_URL"] + url_for(endpoint, **values, _external=False)
