"""Loaders of the visits domain: ownership checked as they load (the borrower's own visits; 404 for the rest),
the staff queue (visits waiting for staff, upcoming visits), the roster."""
from __future__ import annotations

from datetime import datetime

from flask import abort
from sqlalchemy import bindparam, literal, select, tuple_
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from portal.extensions import db
from portal.loans.models import Loan, folded_loan_ref
from portal.paging import FirstAndCount, first_and_count, time_key
from portal.visits import rules
from portal.visits.models import Visit, VisitDispute, Visitor

WAITING_STATES, SCHEDULED_STATES = rules.WAITING_STATES, rules.SCHEDULED_STATES


def _visit_query():
    return select(Visit).options(selectinload(Visit.visitors), selectinload(Visit.record),
                                 selectinload(Visit.answers), selectinload(Visit.disputes),
                                 selectinload(Visit.loan).selectinload(Loan.borrower))


def borrower_visits(borrower: Borrower) -> list[Visit]:
    """Every visit of the borrower's loans, newest window first, with its loan and its record (what ``/visits``
    shows): two queries."""
    return list(db.session.scalars(_BORROWER_VISITS, {"borrower_id": borrower.id}))


_BORROWER_VISITS = (select(Visit).join(Loan, Visit.loan_id == Loan.id)
                    .where(Loan.borrower_id == bindparam("borrower_id")).options(contains_eager(Visit.loan), selectinload(Visit.record))
                    .order_by(Visit.window_start.desc()))  # built once


def borrower_visit(borrower: Borrower, visit_id: int) -> Visit | None:
    """The visit if it belongs to one of the borrower's loans; None otherwise (the view answers 404)."""
    query = (_visit_query().options(selectinload(Visit.annotations)).join(Loan, Visit.loan_id == Loan.id)
             .where(Visit.id == visit_id, Loan.borrower_id == borrower.id))
    return db.session.scalar(query)


def staff_visit(visit_id: int) -> Visit | None:
    return db.session.scalar(_visit_query().options(selectinload(Visit.annotations)).where(Visit.id == visit_id))


def active_visitors() -> list[Visitor]:
    return list(db.session.scalars(select(Visitor).where(Visitor.active.is_(True)).order_by(Visitor.name)))


def other_windows(loan_id: int, exclude_id: int | None = None) -> list[tuple[datetime, datetime]]:
    """Windows of the loan's other open visits (for the overlap rule)."""
    query = select(Visit.window_start, Visit.window_end).where(
        Visit.loan_id == loan_id, Visit.state.in_(rules.OPEN_STATES))
    if exclude_id is not None:
        query = query.where(Visit.id != exclude_id)
    return [(s, e) for s, e in db.session.execute(query)]


def not_yet_held(loan_id: int, now: datetime) -> list[Visit]:
    """The loan's open visits that have not taken place: waiting for staff's answer to the borrower's request, or
    on the calendar with a window that has not ended. (A scheduled visit whose window has ended may have taken
    place: it waits for its record.)"""
    return list(db.session.scalars(select(Visit).options(selectinload(Visit.loan)).where(
        Visit.loan_id == loan_id, Visit.state.in_(rules.OPEN_STATES),
        Visit.state.in_(WAITING_STATES) | (Visit.window_end > now)).order_by(Visit.window_start, Visit.id)))


def staff_visit_or_404(visit_id: int) -> Visit:
    visit = staff_visit(visit_id)
    if visit is None:
        abort(404)
    return visit


def _needs_staff(now: datetime):
    """Visits waiting for staff: an answer to act on, a disputed record, or a past window not recorded."""
    return select(Visit).where(_needs_staff_condition(now))


def _needs_staff_condition(now: datetime):
    # A dispute that opened a complaint is handled in the complaint queue, with its deadlines.
    open_dispute = (Visit.record_answer == "disputed") & ~Visit.disputes.any(VisitDispute.complaint_ref.isnot(None))
    return ((Visit.state.in_(WAITING_STATES)) | open_dispute
            | (Visit.state.in_(SCHEDULED_STATES) & (Visit.window_end < now)))


# What a row of the staff lists shows besides the visit: its loan and the borrower, joined (one row each per
# visit), and the answers (one statement for the whole list, not one per row).
_LOAN_AND_BORROWER = joinedload(Visit.loan).joinedload(Loan.borrower)
_ROW = (_LOAN_AND_BORROWER, selectinload(Visit.answers))
# The visits waiting for staff, oldest window first (the queue's rows and the home's, which shows no answers).
_WAITING_NOW, _BY_WINDOW = (_needs_staff_condition(bindparam("now")),), (Visit.window_start, Visit.id)


QUEUE_PAGE = 100  # rows of each list on the staff visit queue; the page says how many there are in all


_WAITING = FirstAndCount(Visit, _WAITING_NOW, _BY_WINDOW, _ROW)


def waiting_for_staff(now: datetime, limit: int | None = None) -> tuple[list[Visit], int]:
    """The visits waiting for staff, oldest window first: the first ``limit`` (``QUEUE_PAGE``) with their loans, borrowers and
    answers, and how many wait (``portal.paging.first_and_count``: capped, index-backed)."""
    return _WAITING(limit or QUEUE_PAGE, now=now)


_HOME_WAITING = FirstAndCount(Visit, _WAITING_NOW, _BY_WINDOW, (_LOAN_AND_BORROWER,))


def home_waiting(now: datetime, limit: int) -> tuple[list[Visit], int]:
    """The first visits waiting for staff with their loans and borrowers, and how many wait: one statement."""
    return _HOME_WAITING(limit, now=now)


def upcoming(now: datetime, limit: int | None = None,
             after: tuple[datetime, int] | None = None) -> tuple[list[Visit], int, str | None]:
    """The visits on the calendar from now on, soonest first: a page of ``limit`` (``QUEUE_PAGE``), from after the
    visit ``after`` (its window's start and id) when given; how many there are in all; and the key of the next
    page (``portal.paging.time_key``, None on the last page)."""
    limit = limit or QUEUE_PAGE
    # The key's time goes through the column's own type (aware to naive UTC), not a generic timestamp whose
    # meaning on PostgreSQL would depend on the connection's time zone.
    later = () if after is None else (
        tuple_(Visit.window_start, Visit.id) > tuple_(literal(after[0], Visit.window_start.type), after[1]),)
    rows, count = first_and_count(Visit, (Visit.state.in_(SCHEDULED_STATES), Visit.window_end >= now),
                                  _BY_WINDOW, limit + 1, _ROW, after=later)
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, count, (time_key(rows[-1].window_start, rows[-1].id) if more else None)


def loan_for_staff(typed: str | None) -> Loan | None:
    """The loan of a reference staff typed, for proposing a visit (role checked by the view), or None. References
    are written as the lender wrote them (L2025000102) but may be typed in any case or full width; one written as
    typed (or in capitals) wins over another differing only in case; two others are not guessed between."""
    ref = rules.normalize_loan_ref(typed)
    if not ref:
        return None
    found = {loan.loan_ref: loan for loan in db.session.scalars(
        select(Loan).where(folded_loan_ref() == ref.lower()).order_by(Loan.id))}
    only = next(iter(found.values())) if len(found) == 1 else None
    return found.get(ref) or found.get(ref.upper()) or only


def roster() -> list[Visitor]:
    """Every visitor, active first, by name."""
    return list(db.session.scalars(select(Visitor).order_by(Visitor.active.desc(), Visitor.name)))


def visitor_or_404(visitor_id: int) -> Visitor:
    visitor = db.session.get(Visitor, visitor_id)
    if visitor is None:
        abort(404)
    return visitor
