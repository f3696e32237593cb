"""The 'my work' home collects queues from the domains; each domain registers a provider here.

A provider is ``fn(staff_user) -> dict(title, url, count, items=[dict(label, url, due_text, urgency)])``
where ``urgency`` is ``"overdue"``, ``"due-today"`` or ``None``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from portal import paging
from portal.translated import safe

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


@dataclass(frozen=True)
class StaffLayout:
    """The console layout's constant parts for one locale and script root: ``nav`` holds (endpoint, href, label,
    minimum role) of the menu entries the app has."""

    home: str
    logout: str
    nav: tuple[tuple[str, str, Markup, str], ...]


def _build_layout() -> StaffLayout:
    views = current_app.view_functions
    return StaffLayout(home=url_for("staff.home"),
                       logout=url_for("staff.logout"),
                       nav=tuple((e, url_for(e), safe(label), role) for e, label, role in STAFF_NAV if e in views))


def staff_layout() -> StaffLayout:
    """Built on the first console page of each locale and script root instead of 15 url_for calls and 14 lazy
    labels on every page (the same HTML)."""
    from portal.i18n import current_locale

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = (current_locale(), request.script_root)
    cache = app.extensions.setdefault("portal_staff_layout", {})
    found = cache.get(key)
    if found is None:
        found = cache[key] = _build_layout()
    return found


def configure_staff_console(app: Flask) -> None:
    @app.context_processor
    def _staff_helpers() -> dict:
        def staff_queues(user) -> list[dict]:
            return [provider(user) for provider in app.extensions.get("staff_queues", [])]

        return {"staff_layout": staff_layout, "staff_queues": staff_queues, "staff_alerts": staff_alerts,
                "count_words": paging.count_words, "count_cap": paging.COUNT_CAP}
