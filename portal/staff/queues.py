"""The 'my work' home collects queues from the domains; each domain registers a provider here.

A provider is ``fn(staff_user) -> dict(title, url, count, items=[dict(label, url, due_text, urgency)])``
where ``urgency`` is ``"overdue"``, ``"due-today"`` or ``None``.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask
from flask_babel import lazy_gettext as _l

QueueProvider = Callable[[object], dict]

# (endpoint, label, minimum role) of the console menu; entries whose endpoint is missing are skipped.
STAFF_NAV = [
    ("staff_borrowers.search", _l("Find a borrower"), "agent"),
    ("staff_complaints.queue", _l("Complaints"), "agent"),
    ("staff_plans.queue", _l("Plans"), "agent"),
    ("staff_visits.queue", _l("Visits"), "agent"),
    ("staff_privacy.queue", _l("Data requests"), "agent"),
    ("staff_visits.roster", _l("Visitor roster"), "supervisor"),
    ("staff_agencies.index", _l("Agencies"), "supervisor"),
    ("staff_messages.index", _l("Messages"), "supervisor"),
    ("staff_webhooks.index", _l("Webhooks"), "supervisor"),
    ("staff_imports.index", _l("Imports"), "supervisor"),
    ("staff_audit.index", _l("Audit log"), "supervisor"),
    ("staff_reports.index", _l("Reports"), "supervisor"),
    ("staff_team.index", _l("Team"), "supervisor"),
    ("staff_api_tokens.index", _l("API tokens"), "supervisor"),
]


def register_queue(app: Flask, provider: QueueProvider) -> None:
    app.extensions.setdefault("staff_queues", []).append(provider)


def staff_alerts(user) -> list[dict]:
    """Deadline alerts heading the staff home: complaints due within one working day or late."""
    from portal.complaints.alerts import alert_items
    from portal.i18n import local_today

    return alert_items(user, local_today())


def configure_staff_console(app: Flask) -> None:
    @app.context_processor
    def _staff_helpers() -> dict:
        def staff_queues(user) -> list[dict]:
            return [provider(user) for provider in app.extensions.get("staff_queues", [])]

        return {
            "staff_nav": [(e, label, role) for e, label, role in STAFF_NAV if e in app.view_functions],
            "staff_queues": staff_queues,
            "staff_alerts": staff_alerts,
        }
