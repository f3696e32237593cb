"""Menus shared by every page. Entries whose endpoint is not registered are left out."""
from __future__ import annotations

from flask import Flask, current_app, url_for
from flask_babel import lazy_gettext as _l

BORROWER_NAV = [
    ("loans.index", _l("My loans")),
    ("visits.index", _l("Visits")),
    ("plans.index", _l("Repayment plans")),
    ("contacts.index", _l("Contacts from collectors")),
    ("complaints.index", _l("Complaints")),
    ("rights.index", _l("Your rights")),
    ("accounts.settings", _l("Settings")),
]
PUBLIC_LINKS = [
    ("rights.index", _l("Your rights")),
    ("visits.verify_visitor", _l("Check a visitor")),
    ("agencies.index", _l("Who called me? Our collection agencies and their numbers")),
    ("complaints.report", _l("Report improper collection (family and others)")),
    ("complaints.report_status", _l("Follow a report")),
]


def nav_url(endpoint: str, **values) -> str | None:
    """URL of an endpoint when the app has it, else None (templates skip the link)."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def configure_navigation(app: Flask) -> None:
    @app.context_processor
    def _menus() -> dict:
        views = current_app.view_functions
        return {
            "borrower_nav": [(e, label) for e, label in BORROWER_NAV if e in views],
            "public_links": [(e, label) for e, label in PUBLIC_LINKS if e in views],
            "nav_url": nav_url,
            "db_down": False,
        }
