"""Loading proposals for their owner or for staff, the loan-page panels and the staff "my work" queue."""
from __future__ import annotations

from flask import abort, url_for
from flask_babel import gettext as _
from sqlalchemy import bindparam, literal, select, text, tuple_
from sqlalchemy.orm import attributes, contains_eager, joinedload, selectinload

from portal.extensions import db
from portal.i18n import lender_tz
from portal.loans.models import Loan
from portal.loans.panels import AgreedPlan, LoanPanel, PlanPayment
from portal.memo import per_request
from portal.orm import utcnow
from portal.plans import rules
from portal.plans.labels import describe, schedule_rows, terms_now
from portal.plans.models import WAITING_SQL, PlanLine, PlanProposal
from portal.paging import FirstAndCount, parse_time_key, time_key

_LOAD = (selectinload(PlanProposal.lines), selectinload(PlanProposal.proofs), selectinload(PlanProposal.loan))


def proposal_for_borrower(borrower, proposal_id: int) -> PlanProposal:
    """A sent proposal of this borrower, or 404 (the same for another person's and a missing one)."""
    p = db.session.scalar(select(PlanProposal).where(
        PlanProposal.id == proposal_id, PlanProposal.borrower_id == borrower.id, PlanProposal.state != "draft",
    ).options(*_LOAD))
    if p is None:
        abort(404)
    return p


def proposals_of(borrower) -> list[PlanProposal]:
    """Every sent proposal of the borrower, newest first, with its loan and its lines: two queries, once per
    request (``/plans``, the loan panels and the home's "needs you" read the same rows)."""
    return per_request(("plans.proposals", borrower.id), lambda: _load_proposals(borrower.id))


_PROPOSALS = (select(PlanProposal).join(Loan, PlanProposal.loan_id == Loan.id)
              .where(PlanProposal.borrower_id == bindparam("borrower_id"), PlanProposal.state != "draft")
              .options(contains_eager(PlanProposal.loan))
              .order_by(PlanProposal.submitted_at.desc(), PlanProposal.id.desc()))  # built once
# Their lines, in the relationship's order: a statement built once (``selectinload`` builds and keys a new one for
# every load, which cost more than loading the rows).
_LINES = (select(PlanLine).where(PlanLine.proposal_id.in_(bindparam("ids", expanding=True)))
          .order_by(PlanLine.proposal_id, PlanLine.which, PlanLine.seq))


def _load_proposals(borrower_id: int) -> list[PlanProposal]:
    rows = list(db.session.scalars(_PROPOSALS, {"borrower_id": borrower_id}))
    # As selectinload does: only the proposals whose lines are not loaded yet get them (loaded ones are kept).
    lines: dict[int, list[PlanLine]] = {p.id: [] for p in rows if "lines" not in p.__dict__}
    if lines:
        for line in db.session.scalars(_LINES, {"ids": list(lines)}):
            lines[line.proposal_id].append(line)
        for p in rows:
            if p.id in lines:
                attributes.set_committed_value(p, "lines", lines[p.id])
    return rows


def _oldest_first(p: PlanProposal) -> tuple:
    return (p.submitted_at is not None, p.submitted_at or 0, p.id)


def proposal_for_staff(proposal_id: int) -> PlanProposal:
    p = db.session.scalar(select(PlanProposal).where(PlanProposal.id == proposal_id, PlanProposal.state != "draft")
                          .options(*_LOAD, selectinload(PlanProposal.borrower)))
    if p is None:
        abort(404)
    return p


QUEUE_FILTERS = {"waiting": rules.WAITING_FOR_STAFF, "countered": ("countered",),
                 "decided": ("approved", "declined", "accepted", "withdrawn")}


QUEUE_PAGE = 50


def staff_queue(which: str, after: str | None = None) -> tuple[list[PlanProposal], str | None]:
    """A page of proposals in a filter, oldest first (the decided ones newest first), paginated by key
    (``after`` is the last row's ``time_key``); returns the rows and the next page's key."""
    states = QUEUE_FILTERS.get(which, rules.WAITING_FOR_STAFF)
    newest_first = which == "decided"
    # The waiting queue's condition is literal SQL so that the partial index ix_plan_proposals_waiting serves it.
    condition = text(WAITING_SQL) if states == rules.WAITING_FOR_STAFF else PlanProposal.state.in_(states)
    stmt = select(PlanProposal).where(condition)
    key = parse_time_key(after)
    if key is not None:
        at, last_id = key
        row = tuple_(PlanProposal.submitted_at, PlanProposal.id)
        # the key's time through the column's own type (aware to naive UTC), as the rows were written
        key = tuple_(literal(at, PlanProposal.submitted_at.type), last_id)
        stmt = stmt.where(row < key if newest_first else row > key)
    order = (PlanProposal.submitted_at.desc(), PlanProposal.id.desc()) if newest_first else \
        (PlanProposal.submitted_at, PlanProposal.id)
    rows = list(db.session.scalars(stmt.options(joinedload(PlanProposal.loan), joinedload(PlanProposal.borrower))
                                   .order_by(*order).limit(QUEUE_PAGE + 1)))  # each row's loan and borrower joined
    more = len(rows) > QUEUE_PAGE
    rows = rows[:QUEUE_PAGE]
    next_key = time_key(rows[-1].submitted_at, rows[-1].id) if more and rows else None
    return rows, next_key


def age_days(p: PlanProposal) -> int:
    return max(0, (utcnow() - p.submitted_at).days) if p.submitted_at else 0


HOME_LIMIT = 10


# oldest first, as the waiting queue: no plan has a set deadline, age is the order
_HOME_WAITING = FirstAndCount(PlanProposal, (text(WAITING_SQL),), (PlanProposal.submitted_at, PlanProposal.id),
                              (joinedload(PlanProposal.loan), joinedload(PlanProposal.borrower)))


def queue_provider(staff) -> dict:
    """Plans waiting for staff, oldest first, for the "my work" home."""
    waiting, count = _HOME_WAITING(HOME_LIMIT)
    items = []
    for p in waiting:
        items.append({"label": _("Plan %(id)d · loan %(ref)s", id=p.id, ref=p.loan.loan_ref),
                      "who": p.borrower.masked_name, "url": url_for("staff_plans.detail", proposal_id=p.id),
                      "due_text": _("Waiting %(days)d days", days=age_days(p)), "urgency": None})
    return {"title": _("Repayment plans to review"), "url": url_for("staff_plans.queue"), "count": count,
            "items": items}


def agreed_on(p: PlanProposal):
    """The lender's day on which the plan came into force (approved: the decision; accepted: the acceptance)."""
    at = (p.closed_at if p.state == "accepted" else p.decided_at) or p.decided_at or p.submitted_at
    return at.astimezone(lender_tz()).date()


def _agreed_and_open(borrower, loans: list) -> tuple[dict[int, PlanProposal], list[PlanProposal]]:
    """Of the rows of ``proposals_of`` for these loans: the agreed plan of each loan (the latest agreed wins) and
    the open proposals, oldest first."""
    ids = {loan.id for loan in loans}
    live = rules.OPEN_STATES + rules.AGREED_STATES
    agreed: dict[int, PlanProposal] = {}
    still_open = []
    for p in sorted((p for p in proposals_of(borrower) if p.loan_id in ids and p.state in live), key=_oldest_first):
        if p.state in rules.AGREED_STATES:
            agreed[p.loan_id] = p
        else:
            still_open.append(p)
    return agreed, still_open


def _agreed_lines(p: PlanProposal) -> list[tuple]:
    return [(x.due_date, x.amount_fen) for x in p.lines_of(p.agreed_which)]


def _agreed_plan(p: PlanProposal) -> AgreedPlan:
    return AgreedPlan(tuple(PlanPayment(d, a) for d, a in _agreed_lines(p)), agreed_on(p), p.agreed_paid_fen)


def agreed_plans(borrower, loans: list) -> dict[int, AgreedPlan]:
    """The agreed plan of each of these loans that has one (``portal.loans.panels.agreed_plans``)."""
    return {loan_id: _agreed_plan(p) for loan_id, p in _agreed_and_open(borrower, loans)[0].items()}


def loan_panels(borrower, loans: list) -> dict[int, list[LoanPanel]]:
    """Badges for open proposals and, for an agreed plan, its schedule in place of the contract's (the rows of
    ``proposals_of``: no query of its own once they are loaded)."""
    if not loans:
        return {}
    agreed, still_open = _agreed_and_open(borrower, loans)
    out: dict[int, list[LoanPanel]] = {}
    for p in still_open:
        told = describe(p)
        out.setdefault(p.loan_id, []).append(LoanPanel(
            badge=told.badge, tone=told.tone, url=url_for("plans.detail", proposal_id=p.id), plan_pending=True,
            next_step=told.next_step if told.needs_answer else None))
    for loan_id, p in agreed.items():
        lines = _agreed_lines(p)
        now = terms_now(p)  # the terms in force: the same as the plan's card on /plans and its page say
        start = p.counter_start_date if now.which == "counter" else p.start_date
        sched = rules.Schedule(now.terms, start or agreed_on(p), tuple(rules.Line(d, a) for d, a in lines), 0, 0)
        out.setdefault(loan_id, []).append(LoanPanel(
            badge=describe(p).badge, tone="ok", url=url_for("plans.detail", proposal_id=p.id),
            panel_template="plans/_loan_panel.html",
            panel_context={"proposal_id": p.id, "count": len(lines), "total_fen": sum(a for _d, a in lines),
                           "rows": schedule_rows(sched)},
            plan=_agreed_plan(p),
        ))
    return out


def needs_you(borrower, today) -> list:
    """For the borrower's home: counter-offers waiting for the borrower's answer."""
    from portal.attention import Attention

    rows = sorted((p for p in proposals_of(borrower) if p.state == "countered"),
                  key=lambda p: (p.decided_at is not None, p.decided_at or 0, p.id))
    items = []
    for p in rows:
        told = describe(p)
        items.append(Attention("plan", _("Loan %(ref)s: %(what)s", ref=p.loan.loan_ref, what=told.headline),
                               _("See the lender's terms and answer"), url_for("plans.detail", proposal_id=p.id),
                               rank=20, detail=told.next_step))
    return items
