"""Security mechanics, one module per purpose; none of them imports a domain's models.

- ``hashing``: argon2id password hashes;
- ``sessions``: Flask-Login wiring with the user loader the accounts domain registers (the login-session rows
  themselves are ``portal.accounts.sessions``);
- ``gate``: deny-by-default blueprint gates;
- ``redirects``: local-only ``next`` redirects;
- ``headers``: response headers and the reverse-proxy setting;
- ``inputs``: bounds on ids, JSON depth and NUL bytes.
"""
from __future__ import annotations

from flask import Flask

from portal.security.gate import gate
from portal.security.hashing import hash_password, verify_password
from portal.security.headers import configure_headers, configure_proxy
from portal.security.inputs import DB_INT_MAX, configure_input_bounds, db_id, db_int, json_depth
from portal.security.redirects import is_safe_next, redirect_next
from portal.security.sessions import configure_sessions, use_user_loader

__all__ = ["DB_INT_MAX", "configure_headers", "configure_input_bounds", "configure_proxy", "configure_security",
           "configure_sessions", "db_id", "db_int", "gate", "hash_password", "is_safe_next", "json_depth",
           "redirect_next", "use_user_loader", "verify_password"]


def configure_security(app: Flask) -> None:
    from portal.security.hashing import configure_hashing

    configure_proxy(app)
    configure_hashing(app)
    configure_input_bounds(app)  # the NUL-byte check runs before the user is loaded, as it always did
    configure_sessions(app)
    configure_headers(app)
