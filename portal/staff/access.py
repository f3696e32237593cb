"""Role checks for the staff console, in one decorator that answers 403."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

ROLE_RANK = {"agent": 1, "supervisor": 2}


def require_role(role: str):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if ROLE_RANK.get(getattr(current_user, "role", ""), 0) < ROLE_RANK[role]:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
