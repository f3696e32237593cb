"""Menus shared by every page, and the parts of the layout that are the same on every page. Entries whose endpoint
is not registered are left out.

The layout's constant parts (menu links and labels, the footer, the stylesheet and form addresses) depend only on
the app, the reader's locale, the script root and the lender's hotline: they are built once for each such key
(``Layout``) and reused by every page; what varies per request (the current menu entry, the CSRF token, the
"next" address) stays in the templates."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, current_app, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from portal.i18n import current_locale

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
_CACHE = "portal_layout"
_PAGES = "portal_action_pages"


@dataclass(frozen=True)
class Layout:
    """The layout's constant parts for one locale: ``nav`` holds (href, label, section) with section the
    blueprint that marks the entry as the current page; ``links`` holds (href, label)."""

    stylesheet: str
    home: str
    logout: str
    set_language: str
    nav: tuple[tuple[str, str, str], ...]
    links: tuple[tuple[str, str], ...]
    footer: Markup


def nav_url(endpoint: str, **values) -> str | None:
    """URL of an endpoint when the app has it, else None (templates skip the link)."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def _build() -> Layout:
    views = current_app.view_functions
    links = tuple((url_for(e), str(label)) for e, label in PUBLIC_LINKS if e in views)
    footer = current_app.jinja_env.get_template("_footer.html").render(links=links)
    return Layout(
        stylesheet=url_for("static", filename="portal.css"),
        home=url_for("pages.home"),
        logout=url_for("accounts.logout"),
        set_language=url_for("accounts.set_language"),
        nav=tuple((url_for(e), str(label), e.partition(".")[0]) for e, label in BORROWER_NAV if e in views),
        links=links,
        footer=Markup(footer),
    )


def layout() -> Layout:
    """The current request's layout parts, built on the first page of each locale (and script root)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = (current_locale(), request.script_root, app.config.get("LENDER_HOTLINE"))
    cache = app.extensions.setdefault(_CACHE, {})
    found = cache.get(key)
    if found is None:
        found = cache[key] = _build()
    return found


def action_addresses(bp: Blueprint, page: str, *rules: str) -> None:
    """Addresses that take only a form's POST and may answer it with the page again (the errors next to the
    fields, a preview), so that the address bar then shows them (``/staff/plans/6/decline``). Opened with GET (a
    reload from the address bar, the history, the login after a session ended, the language switch) they lead
    to the object's page, the endpoint ``page`` of ``bp`` taking the same values (those it does not take are left
    out: a list page), instead of answering 405; and the language switch of a page such a POST shows returns to
    that page (``page_address``). A page shown once (a secret) is never shown again that way."""
    target = f"{bp.name}.{page}"

    def opened_again(**values):
        return redirect(_page_url(target, values))

    for rule in rules:
        bp.add_url_rule(rule, "opened_again", opened_again, methods=["GET"])
    bp.record_once(lambda state: state.app.extensions.setdefault(_PAGES, {}).update(
        {f"{state.name}.opened_again": target}))


def page_address() -> str:
    """The address of the page shown, where the language switch returns: the request's own, or for a page shown
    by a POST to an action address (``action_addresses``) the object's page a GET of that address leads to."""
    here = request.full_path.rstrip("?")
    if request.method == "GET" or request.url_rule is None:
        return here
    adapter = current_app.create_url_adapter(request)
    try:
        endpoint, values = adapter.match(method="GET")  # type: ignore[union-attr]
    except HTTPException:  # no GET at this address (or a redirecting rule)
        return here
    page = current_app.extensions.get(_PAGES, {}).get(endpoint)
    return _page_url(page, values) if page else here


def _page_url(page: str, values: dict) -> str:
    """The address of the endpoint ``page`` from the values of an action's address that it takes."""
    takes = {arg for rule in current_app.url_map.iter_rules(page) for arg in rule.arguments}
    return url_for(page, **{k: v for k, v in values.items() if k in takes})


def configure_navigation(app: Flask) -> None:
    @app.context_processor
    def _menus() -> dict:
        return {"layout": layout(), "nav_url": nav_url, "page_address": page_address, "db_down": False}
