"""Deadline alerts: open complaints whose acknowledgement or decision is due within one working day, or late.

They head the staff home (``/staff/``) and go out in a daily e-mail digest (working days, from 08:00 local) to
the assigned agent, or to every member of staff with an e-mail address while nobody is assigned.
"""
from __future__ import annotations

from datetime import date, time

from flask_babel import gettext as _
from sqlalchemy import Integer, bindparam, or_, select

from portal.accounts.models import StaffUser
from portal.complaints import rules
from portal.complaints.models import Complaint
from portal.complaints.queries import is_open
from portal.extensions import db
from portal.i18n import fmt_date

DIGEST_AT = time(8, 0)
LIMIT = 50


def horizon(today: date) -> date:
    """The last day that counts as 'within one working day' of ``today``."""
    return rules.next_working_day(today)


def _due_soon_statement(mine: bool, limited: bool):
    stmt = select(Complaint).where(is_open, Complaint.queue_due <= bindparam("horizon"))
    if mine:
        stmt = stmt.where(or_(Complaint.assignee_id == bindparam("staff_id"), Complaint.assignee_id.is_(None)))
    stmt = stmt.order_by(Complaint.queue_due, Complaint.id)
    return stmt.limit(bindparam("limit", type_=Integer)) if limited else stmt


# (an agent's own and the unassigned ones, at most ``limit``) → the statement, built once: the staff home asks
# one on every view
_DUE_SOON = {(mine, limited): _due_soon_statement(mine, limited) for mine in (False, True) for limited in (False, True)}


def due_soon(today: date, staff: StaffUser | None = None, limit: int | None = LIMIT) -> list[Complaint]:
    """Open complaints due by the next working day or late, nearest first; for an agent only their own and the
    unassigned ones (supervisors see all)."""
    mine = staff is not None and not staff.is_supervisor
    params = {"horizon": horizon(today)}
    if mine:
        params["staff_id"] = staff.id
    if limit:
        params["limit"] = limit
    return list(db.session.scalars(_DUE_SOON[mine, bool(limit)], params))


def describe(c: Complaint, today: date) -> tuple[str, str, str]:
    """(what is due, when, urgency) in the current locale."""
    what = _("acknowledgement due") if c.state == rules.RECEIVED else _("decision due")
    due = c.queue_due
    if due < today:
        return what, _("late since %(date)s", date=fmt_date(due)), "overdue"
    if due == today:
        return what, _("today, %(date)s", date=fmt_date(due)), "due-today"
    return what, _("by the end of %(date)s", date=fmt_date(due)), "due-soon"


def alert_items(staff: StaffUser, today: date) -> list[dict]:
    from flask import url_for

    items = []
    for c in due_soon(today, staff):
        what, when, urgency = describe(c, today)
        items.append({"label": f"{c.reference} · {what}", "due_text": when, "urgency": urgency,
                      "url": url_for("staff_complaints.detail", reference=c.reference),
                      "unassigned": c.assignee_id is None})
    return items
