"""Links in messages: absolute, built from ``PORTAL_BASE_URL`` (never the request's Host header), and the links
of rows queued before their kind carried one."""
from __future__ import annotations

from flask import current_app


def link(endpoint: str, **values) -> str:
    """An absolute link for a message: PORTAL_BASE_URL (never the request's Host header) plus the route's path."""
    base = current_app.config["BASE_URL"]  # PORTAL_BASE_URL (portal/config.py)
    adapter = current_app.url_map.bind("localhost", url_scheme="http")
    return base + adapter.build(endpoint, values, force_external=False)


def current_params(kind: str, params: dict[str, str]) -> dict[str, str]:
    """The parameters of a row queued with an older shape of its kind, in the current one (rows may wait hours for
    08:00 across a deploy): an extension's free-text reason is dropped, a missing link is added."""
    params = dict(params)
    if kind == "complaint_extended":
        params.pop("reason", None)
    if "url" not in params:
        if kind.startswith(("instalment_", "plan_payment_")) and "ref" in params:
            params["url"] = link("loans.detail", loan_ref=params["ref"])
        elif kind in ("plan_approved", "plan_declined", "plan_agreed"):
            params["url"] = link("plans.index")
        elif kind == "account_active":
            params["url"] = link("accounts.login")
        elif kind in ("report_received", "report_updated"):
            params["url"] = link("complaints.report_status")
    return params
