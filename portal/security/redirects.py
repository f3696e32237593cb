"""Redirects only to local ``next`` targets."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect, request, url_for


def is_safe_next(target: str | None) -> bool:
    if not target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):  # CR/LF would split the header
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") \
        and "\\" not in target


def redirect_next(default_endpoint: str, **values):
    target = request.values.get("next")
    return redirect(target if is_safe_next(target) else url_for(default_endpoint, **values))
