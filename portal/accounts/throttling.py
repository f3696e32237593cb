"""Throttles of the login and code pages: a budget per IP and one per account.

A login's budgets are against password guessing: they count failed attempts only (the view calls
``failed_attempt()``), so someone who logs in and out all day is never locked out, nor are the many phones a
mobile carrier puts behind one address (carrier-grade NAT) when they log in, while five wrong passwords lock the
account for everyone, the right password too, and twenty from one address lock that address, until the window
has passed. The code pages' budgets count every POST: each request for a code sends an SMS, and each code
entered is a guess.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, g

from portal.extensions import limiter


def failed_attempt() -> None:
    """Count this request against the account's budget of failed attempts (a wrong password or code)."""
    g.failed_attempt = True


def _was_failed_attempt(_response) -> bool:
    return bool(g.get("failed_attempt"))


def _per_ip() -> str:
    return current_app.config["LOGIN_LIMIT_PER_IP"]


def throttled(account_limit_key: str, account_key: Callable[[], str], *, failures_only: bool):
    """Throttle POSTs per IP and per account (``account_limit_key`` names the config key of the account's limit).
    With ``failures_only``, only the requests that called ``failed_attempt()`` count against either budget; both
    are still checked before every request."""
    deduct_when = _was_failed_attempt if failures_only else None

    def decorate(view):
        view = limiter.limit(lambda: current_app.config[account_limit_key], key_func=account_key, methods=["POST"],
                             deduct_when=deduct_when)(view)
        return limiter.limit(_per_ip, methods=["POST"], deduct_when=deduct_when)(view)

    return decorate
