"""``GET /api/v1/loans/<loan_ref>``: what the portal knows of a loan now, for the lender's systems.

Everything comes from one function, ``loan_state``, which reads the loan domain's typed page object
(``portal.loans.queries.loan_view`` -> ``LoanPage``: the figures and the agreed plan as the borrower sees them) and the
open visits, open complaints (references and states only) and consent choices. Amounts are decimal strings in yuan.

``figures`` are always the contract's. An agreed plan replaces them for the borrower (the loan page, the reminders
and the collection steps go by the plan): ``in_force`` says which standing holds, and ``effective`` carries what the
borrower's page shows -- the page's own ``LoanState`` (``portal.loans.labels.standing_of``), never a second sum.
"""
from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, fields
from sqlalchemy import select

from portal.complaints.models import OPEN_STATES as COMPLAINT_OPEN, Complaint
from portal.extensions import db
from portal.i18n import local_today
from portal.loans import queries
from portal.loans.models import Loan
from portal.plans.models import PlanProposal
from portal.plans.rules import AGREED_STATES
from portal.visits.models import Visit
from portal.visits.rules import OPEN_STATES as VISIT_OPEN


def yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def _money(metadata: dict | None = None, **kw) -> fields.String:
    return fields.String(metadata={"pattern": r"^-?\d+\.\d{2}$", "example": "1180.00", **(metadata or {})}, **kw)


class FiguresOut(Schema):
    as_of = fields.Date(required=True)
    due_now = _money(required=True)
    due_principal = _money(required=True)
    due_interest = _money(required=True)
    due_penalty = _money(required=True)
    due_fee = _money(required=True)
    outstanding = _money(required=True)
    paid_total = _money(required=True)
    days_overdue = fields.Integer(required=True)
    stage = fields.String(required=True, metadata={"enum": ["current", "M1", "M2", "M3", "M4+"]})


class EffectiveOut(Schema):
    """What the borrower's loan page shows, under the standing in force (``in_force``)."""

    due_now = _money(required=True, metadata={"description": "due now: the plan's payments due and unpaid under "
                                                             "a plan, else the contract's figures.due_now"})
    outstanding = _money(required=True)
    days_overdue = fields.Integer(required=True, metadata={
        "description": "under a plan: days since its oldest unpaid payment fell due (0: the plan is kept); else "
                       "the contract's figures.days_overdue"})
    overdue = fields.Boolean(required=True)
    stage = fields.String(required=True, allow_none=True, metadata={
        "enum": ["current", "M1", "M2", "M3", "M4+", None],
        "description": "the contract's stage; null under a plan, which replaces the contract's collection stages"})
    pay_by = fields.Date(required=True, allow_none=True, metadata={
        "description": "when the amount due now fell due (its earliest part), or the next payment's date when "
                       "nothing is due; null when nothing is left to pay"})


class PlanLineOut(Schema):
    due_date = fields.Date(required=True)
    amount = _money(required=True)
    unpaid = _money(required=True)


class PlanOut(Schema):
    plan = fields.Integer(required=True, metadata={"description": "the portal's id of the plan proposal"})
    state = fields.String(required=True, metadata={"enum": list(AGREED_STATES)})
    since = fields.Date(required=True, allow_none=True)
    due_now = _money(required=True)
    outstanding = _money(required=True)
    days_overdue = fields.Integer(required=True)
    schedule = fields.List(fields.Nested(PlanLineOut), required=True)


class VisitOut(Schema):
    visit = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"enum": sorted(VISIT_OPEN)})
    window_start = fields.DateTime(required=True)
    window_end = fields.DateTime(required=True)
    family_contact_allowed = fields.Boolean(required=True, allow_none=True,
                                            metadata={"description": "null: the borrower has not answered"})


class ComplaintOut(Schema):
    reference = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": list(COMPLAINT_OPEN)})


class ConsentOut(Schema):
    family_contact = fields.Boolean(required=True, metadata={"description": "on the account"})


class LoanStateOut(Schema):
    loan_ref = fields.String(required=True)
    in_force = fields.String(required=True, metadata={
        "enum": ["contract", "plan"],
        "description": "which standing holds: 'plan' when an agreed repayment plan replaces the contract's "
                       "schedule (then collect by agreed_plan / effective, not by figures), else 'contract'"})
    effective = fields.Nested(EffectiveOut, required=True, metadata={
        "description": "the figures the borrower's loan page shows, under the standing in force"})
    figures = fields.Nested(FiguresOut, required=True, metadata={
        "description": "the contract's figures, always (also while an agreed plan is in force: see in_force; "
                       "then figures.days_overdue and figures.stage do not apply to collection)"})
    plan_pending = fields.Boolean(required=True, metadata={"description": "a proposal waits for an answer"})
    agreed_plan = fields.Nested(PlanOut, required=True, allow_none=True)
    open_visits = fields.List(fields.Nested(VisitOut), required=True, metadata={
        "description": "every open visit of the loan (proposed, confirmed, waiting for staff's answer), earliest "
                       "window first; the portal lets staff propose a visit only while none is open"})
    open_visit = fields.Nested(VisitOut, required=True, allow_none=True, metadata={
        "deprecated": True, "description": "deprecated: the first of open_visits (null when there is none); read "
                                           "open_visits"})
    open_complaints = fields.List(fields.Nested(ComplaintOut), required=True)
    consent = fields.Nested(ConsentOut, required=True)


def loan_state(loan: Loan) -> dict:
    view = queries.loan_view(loan.borrower, loan, local_today())
    visits = _open_visits(loan)
    s = view.status
    figures = {"as_of": s.as_of, "due_now": yuan(s.due_now_fen), "due_principal": yuan(s.due_principal_fen),
               "due_interest": yuan(s.due_interest_fen), "due_penalty": yuan(s.due_penalty_fen),
               "due_fee": yuan(s.due_fee_fen), "outstanding": yuan(s.outstanding_fen),
               "paid_total": yuan(s.paid_total_fen), "days_overdue": s.days_overdue, "stage": s.stage}
    told = view.state
    effective = {"due_now": yuan(told.due_now_fen), "outstanding": yuan(view.outstanding_fen),
                 "days_overdue": told.days_overdue, "overdue": told.overdue, "stage": told.stage_code,
                 "pay_by": told.pay_by}
    return {"loan_ref": loan.loan_ref, "in_force": "plan" if told.under_plan else "contract",
            "effective": effective, "figures": figures, "plan_pending": view.plan_pending,
            "agreed_plan": _agreed_plan(loan, view), "open_visits": visits,
            "open_visit": visits[0] if visits else None,
            "open_complaints": [{"reference": r, "state": st} for r, st in db.session.execute(
                select(Complaint.reference, Complaint.state)
                .where(Complaint.loan_id == loan.id, Complaint.state.in_(COMPLAINT_OPEN)).order_by(Complaint.id))],
            "consent": {"family_contact": bool(loan.borrower.family_contact_consent)}}


def _agreed_plan(loan: Loan, view) -> dict | None:
    if view.plan is None:
        return None
    plan, since = view.plan.status, view.plan.panel.plan.since if view.plan.panel.plan else None
    proposal = db.session.scalar(select(PlanProposal).where(PlanProposal.loan_id == loan.id,
                                                            PlanProposal.state.in_(AGREED_STATES))
                                 .order_by(PlanProposal.id.desc()).limit(1))
    if proposal is None:
        return None
    return {"plan": proposal.id, "state": proposal.state, "since": since,
            "due_now": yuan(plan.due_now_fen), "outstanding": yuan(plan.outstanding_fen),
            "days_overdue": plan.days_overdue,
            "schedule": [{"due_date": line.due_date, "amount": yuan(line.amount_fen),
                          "unpaid": yuan(line.unpaid_fen)} for line in plan.lines]}


def _open_visits(loan: Loan) -> list[dict]:
    return [{"visit": visit.id, "state": visit.state, "window_start": visit.window_start,
             "window_end": visit.window_end, "family_contact_allowed": visit.family_contact_allowed}
            for visit in db.session.scalars(select(Visit).where(Visit.loan_id == loan.id,
                                                                Visit.state.in_(VISIT_OPEN))
                                            .order_by(Visit.window_start, Visit.id))]
