"""The catalog of events for the lender: every event type the portal emits, what it means and the schema of its
``data`` (marshmallow). ``portal.events.emit`` refuses a type that is not here and a ``data`` that does not match
its schema, so the feed, the webhooks and the OpenAPI document say the same thing.

``data`` is the minimum the lender needs to act (PIPL Art. 6, design §6): references, states, dates and the
amounts of a plan; never free text a person typed, evidence, names, phone numbers or addresses. Amounts are decimal
strings in yuan (as in the import format); dates ``YYYY-MM-DD``; times ISO 8601 in UTC.
"""
from __future__ import annotations

from dataclasses import dataclass

from marshmallow import Schema, ValidationError, fields, validate

from portal.complaints import rules as complaint_rules
from portal.plans import rules as plan_rules
from portal.privacy import rules as privacy_rules
from portal.visits import rules as visit_rules


def _money(description: str = "yuan, a decimal string with two decimals", **kw) -> fields.String:
    return fields.String(validate=validate.Regexp(r"^\d+\.\d{2}$"),
                         metadata={"description": description, "example": "1200.00"}, **kw)


def _one_of(values, **kw) -> fields.String:
    return fields.String(validate=validate.OneOf(list(values)), **kw)


class Line(Schema):
    due_date = fields.Date(required=True)
    amount = _money(required=True)


class PlanSummary(Schema):
    """A repayment plan's terms as sent (``plan.submitted``) or as they end (``plan.withdrawn``)."""

    plan = fields.Integer(required=True, metadata={"description": "the portal's id of the plan proposal"})
    state = _one_of(plan_rules.STATES, required=True)
    kind = _one_of(plan_rules.KINDS, required=True)
    months = fields.Integer(allow_none=True, required=True,
                            metadata={"description": "instalments kinds only; null for a deferral or a waiver"})
    deferral_days = fields.Integer(allow_none=True, required=True,
                                   metadata={"description": "a deferral only; null for the other kinds"})
    start_date = fields.Date(allow_none=True, required=True)
    total = _money("the sum of the schedule's payments, yuan (two decimals)", required=True)
    instalments = fields.Integer(required=True)
    first_due = fields.Date(allow_none=True, required=True)
    last_due = fields.Date(allow_none=True, required=True)


class PlanWithSchedule(PlanSummary):
    """A plan whose schedule the lender acts on: approved or agreed (in force), or the lender's counter-offer."""

    in_force = fields.Boolean(required=True, metadata={"description": "the schedule replaces the loan's; collection "
                                                                      "stops unless the borrower fails it"})
    schedule = fields.List(fields.Nested(Line), required=True)


class PlanDeclined(Schema):
    plan = fields.Integer(required=True)
    state = _one_of(["declined"], required=True)
    reason = _one_of(plan_rules.DECLINE_REASONS, required=True)


class PlanWithdrawn(PlanSummary):
    previous_state = _one_of(plan_rules.STATES, required=True)


class Visit(Schema):
    visit = fields.Integer(required=True, metadata={"description": "the portal's id of the visit"})
    state = _one_of(visit_rules.STATES, required=True)
    window_start = fields.DateTime(required=True)
    window_end = fields.DateTime(required=True)


class VisitReschedule(Visit):
    requested_start = fields.DateTime(required=True)
    requested_end = fields.DateTime(required=True)


class VisitRecordAnswer(Schema):
    visit = fields.Integer(required=True)
    held = fields.Boolean(required=True, metadata={"description": "the record says the visit took place"})
    answer = _one_of(["confirmed", "disputed"], required=True)
    complaint = fields.String(allow_none=True, required=True,
                              metadata={"description": "reference of the complaint a dispute opened"})


class ConsentChanged(Schema):
    consent = _one_of(["family_contact"], required=True)
    scope = _one_of(["account", "visit"], required=True)
    visit = fields.Integer(allow_none=True, required=True, metadata={"description": "set when scope is visit"})
    given = fields.Boolean(required=True)


class ComplaintFiled(Schema):
    complaint = fields.String(required=True, metadata={"description": "the complaint's reference"})
    source = _one_of(["borrower", "phone", "third_party"], required=True)
    categories = fields.List(_one_of(complaint_rules.CATEGORIES), required=True)
    channel = _one_of(complaint_rules.CHANNELS, required=True)
    visit = fields.Integer(allow_none=True, required=True)
    received_at = fields.DateTime(required=True)
    decide_due = fields.Date(required=True)


class ComplaintDecided(Schema):
    complaint = fields.String(required=True)
    state = _one_of(sorted(complaint_rules.CLOSED), required=True)
    outcome = _one_of(complaint_rules.OUTCOMES, required=True)
    decided_at = fields.DateTime(required=True)


class ComplaintReviewRequested(Schema):
    complaint = fields.String(required=True)
    requested_at = fields.DateTime(required=True)


class DataRequestFiled(Schema):
    reference = fields.String(required=True)
    kind = _one_of(privacy_rules.KINDS, required=True)
    due_on = fields.Date(required=True)


class DataRequestAnswered(Schema):
    reference = fields.String(required=True)
    kind = _one_of(privacy_rules.KINDS, required=True)
    outcome = _one_of([privacy_rules.DONE, privacy_rules.DECLINED], required=True)


@dataclass(frozen=True)
class EventType:
    schema: type[Schema]
    description: str


EVENT_TYPES: dict[str, EventType] = {
    "plan.submitted": EventType(PlanSummary, "The borrower sent a repayment plan proposal."),
    "plan.approved": EventType(PlanWithSchedule, "Staff approved the borrower's proposal: its schedule is in force."),
    "plan.countered": EventType(PlanWithSchedule, "Staff made a counter-offer; the borrower may accept or withdraw."),
    "plan.declined": EventType(PlanDeclined, "Staff declined the proposal, with a reason code."),
    "plan.agreed": EventType(PlanWithSchedule, "The borrower accepted the counter-offer: its schedule is in force."),
    "plan.withdrawn": EventType(PlanWithdrawn, "The borrower withdrew the proposal."),
    "visit.confirmed": EventType(Visit, "The borrower confirmed the proposed home visit."),
    "visit.reschedule_requested": EventType(VisitReschedule, "The borrower asked for another time slot."),
    "visit.remote_requested": EventType(Visit, "The borrower asked for a video call instead of a home visit."),
    "visit.record_confirmed": EventType(VisitRecordAnswer, "The borrower confirmed the record of the visit."),
    "visit.record_disputed": EventType(VisitRecordAnswer, "The borrower disputed the visit record (a complaint opens)."),
    "consent.changed": EventType(ConsentChanged, "The borrower changed their consent to contact with their family, "
                                                 "on the account (one event per loan) or for one visit."),
    "complaint.filed": EventType(ComplaintFiled, "A complaint was filed (by the borrower, a third party, or taken "
                                                 "down by staff on the phone)."),
    "complaint.decided": EventType(ComplaintDecided, "Staff decided a complaint."),
    "complaint.review_requested": EventType(ComplaintReviewRequested,
                                            "The complainant is not satisfied with the decision and asks for a "
                                            "review."),
    **{f"data_request.{kind}_requested": EventType(DataRequestFiled, f"The borrower asked for a {kind} of their "
                                                                     "personal information (PIPL Arts. 44-47).")
       for kind in privacy_rules.KINDS},
    "data_request.answered": EventType(DataRequestAnswered, "Staff answered a personal information request."),
}


class UnknownEventType(ValueError):
    """An event type that is not in the catalog."""


def check(type: str, data: dict) -> None:
    """Raise ``UnknownEventType`` unless ``type`` is in the catalog, or marshmallow's ``ValidationError`` unless
    ``data`` matches its schema exactly (unknown keys included): a programming error, caught by the tests."""
    entry = EVENT_TYPES.get(type)
    if entry is None:
        raise UnknownEventType(f"event type {type!r} is not in portal/event_types.py")
    errors = entry.schema().validate(data)
    if errors:
        raise ValidationError(errors, field_name=type)
