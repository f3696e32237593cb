"""Open visits on the loan pages (through ``portal.loans.panels``): one query for all of a borrower's loans."""
from __future__ import annotations

from flask import url_for
from sqlalchemy import bindparam, select

from portal.extensions import db
from portal.i18n import local_today
from portal.loans.models import Loan
from portal.loans.panels import LoanPanel
from portal.memo import per_request
from portal.visits.labels import describe
from portal.visits.models import Visit
from portal.visits.rules import OPEN_STATES


def open_visits(borrower) -> list[Visit]:
    """The open visits of the borrower's loans, earliest window first: one query, once per request (the loan
    badges and the home's "needs you" read the same rows)."""
    return per_request(("visits.open", borrower.id),
                       lambda: list(db.session.scalars(_OPEN, {"borrower_id": borrower.id})))


_OPEN = (select(Visit).join(Loan, Visit.loan_id == Loan.id)
         .where(Loan.borrower_id == bindparam("borrower_id"), Visit.state.in_(OPEN_STATES))
         .order_by(Visit.window_start, Visit.id))  # built once


def visit_badges(borrower, loans: list) -> dict[int, list[LoanPanel]]:
    ids = {loan.id for loan in loans}
    out: dict[int, list[LoanPanel]] = {}
    today = local_today()
    for visit in open_visits(borrower):
        if visit.loan_id not in ids:
            continue
        told = describe(visit, today)
        if told.badge is None:
            continue
        out.setdefault(visit.loan_id, []).append(
            LoanPanel(badge=told.badge, tone=told.tone, url=url_for("visits.detail", visit_id=visit.id)))
    return out


def needs_you(borrower, today) -> list:
    """For the borrower's home: visits waiting for an answer, and visits due today or tomorrow."""
    from flask_babel import gettext as _

    from portal.attention import Attention

    items = []
    for visit in open_visits(borrower):
        told = describe(visit, today)
        url = url_for("visits.detail", visit_id=visit.id)
        if told.needs_answer:
            items.append(Attention("visit", told.headline, _("Answer the visit request"), url, rank=20,
                                   detail=told.next_step, day_word=told.day_word))
        elif told.upcoming and told.day_word:
            items.append(Attention("visit", told.headline, _("See the visit"), url, rank=25,
                                   detail=told.next_step, day_word=told.day_word))
    return items
