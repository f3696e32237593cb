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


# The home counts each list up to this many (and then says "more than"): counting a backlog of tens of thousands
# would cost the home more than everything else it shows, and a number that large tells staff nothing more.
COUNT_CAP = 999


def _capped_count(entity, condition: tuple, cap: int | None):
    """How many rows of ``entity`` meet ``condition``, counting no further than ``cap + 1`` (an uncorrelated scalar
    subquery)."""
    from sqlalchemy import func, literal, select

    cap = COUNT_CAP if cap is None else cap
    meeting = select(literal(1)).select_from(entity).where(*condition).limit(cap + 1).correlate(None).subquery()
    return select(func.count()).select_from(meeting).scalar_subquery()


def first_and_count(entity, condition: tuple, order: tuple, limit: int, options: tuple = (),
                    cap: int | None = None, after: tuple = ()) -> tuple[list, int]:
    """The first ``limit`` rows of ``entity`` meeting ``condition`` in ``order`` and how many meet it, in one
    statement: the count is an uncorrelated scalar subquery (run once, also when the rows stop at ``limit``) that
    stops at ``cap + 1``, so it reads at most that many index entries however long the backlog; a count above
    ``cap`` (default ``COUNT_CAP``) means "more than ``cap``" (``count_words``). ``after``: conditions for the rows
    only (a later page of the list; the count is still the whole list's). ``options`` should join what the rows
    show (``joinedload``) rather than load it apart."""
    from sqlalchemy import select

    from portal.extensions import db

    total = _capped_count(entity, condition, cap)
    found = db.session.execute(select(entity, total).where(*condition, *after).options(*options)
                               .order_by(*order).limit(limit)).all()
    if not found and after:  # past the last row: the count alone
        return [], db.session.scalar(select(total))
    return [row[0] for row in found], (found[0][1] if found else 0)


class FirstAndCount:
    """``first_and_count`` of a list whose condition, order and options do not change: its statement is built
    once (at import) with bound parameters for what does (``bindparam("staff_id")``, ``bindparam("now")``: typed
    by the column they are compared with) and for the number of rows, so the home, which asks five of them on
    every view, builds none (building a statement cost more than running it from SQLAlchemy's compiled cache).
    Calling it (``_OPEN_FOR(10, staff_id=7)`` in ``portal.complaints.queries``) gives the first ``limit`` rows and the count, as ``first_and_count``
    does."""

    def __init__(self, entity, condition: tuple, order: tuple, options: tuple = (), cap: int | None = None) -> None:
        from sqlalchemy import Integer, bindparam, select

        self._rows = (select(entity, _capped_count(entity, condition, cap)).where(*condition).options(*options)
                      .order_by(*order).limit(bindparam("first_limit", type_=Integer)))

    def __call__(self, limit: int, **params) -> tuple[list, int]:
        from portal.extensions import db

        found = db.session.execute(self._rows, {"first_limit": limit, **params}).all()
        return [row[0] for row in found], (found[0][1] if found else 0)


def time_key(at, row_id: int) -> str:
    """A list's page key: its last row's time (ISO, with the UTC offset) and id."""
    return f"{at.isoformat()}_{row_id}"


def parse_time_key(raw: str | None):
    """``time_key`` read back from an address, or None (the first page) when it is missing or not a key: a time
    without a UTC offset is not one this console wrote. Queries compare the time through the column's own type."""
    from datetime import datetime

    if not raw:
        return None
    try:
        at, row_id = raw.rsplit("_", 1)
        key = datetime.fromisoformat(at), int(row_id)
    except ValueError:
        return None
    return key if key[0].tzinfo is not None else None


def count_words(count: int) -> str:
    """A list's count as the home shows it: the number, or "999+" above the cap."""
    return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)


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
                "count_words": count_words, "count_cap": COUNT_CAP}
