"""Open visits on the loan pages (through ``portal.loans.panels``): one query for all of a borrower's loans."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.i18n import fmt_date
from portal.visits.models import Visit
from portal.visits.rules import OPEN_STATES


def visit_badges(borrower, loans: list) -> dict[int, list[dict]]:
    rows = db.session.scalars(
        select(Visit).where(Visit.loan_id.in_([loan.id for loan in loans]), Visit.state.in_(OPEN_STATES))
        .order_by(Visit.window_start)
    )
    out: dict[int, list[dict]] = {}
    for visit in rows:
        if visit.state == "proposed":
            text, tone = _("Visit proposed for %(date)s: please answer", date=fmt_date(visit.window_start)), "warning"
        elif visit.state == "remote_requested":
            text, tone = _("You asked for a remote check instead of a visit"), "info"
        else:
            text, tone = _("Visit on %(date)s", date=fmt_date(visit.window_start)), "info"
        out.setdefault(visit.loan_id, []).append(
            {"badge": text, "tone": tone, "url": url_for("visits.detail", visit_id=visit.id)})
    return out
