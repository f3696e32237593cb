"""Operations on visits: validate with the rules, write (add/flush), audit. Never commit."""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.models import Borrower, StaffUser
from portal.agencies.rules import listed_on
from portal.audit.services import record
from portal.extensions import db
from portal.i18n import lender_tz, local_today
from portal.loans.models import Loan
from portal.notify import events
from portal.orm import utcnow
from portal.visits import queries, rules
from portal.visits.feed import family_consent_event, record_answer_event, visit_event
from portal.visits.hooks import record_disputed
from portal.visits.models import (Visit, VisitAnnotation, VisitAnswer, VisitDispute, Visitor, VisitRecord)
from portal.visits.queries import other_windows


class VisitError(ValueError):
    """A refused operation; ``codes`` are rule codes or service codes (e.g. ``stale``, ``state``)."""

    def __init__(self, *codes: str) -> None:
        super().__init__(", ".join(codes))
        self.codes = list(codes)


def policy() -> rules.VisitPolicy:
    return rules.VisitPolicy.from_config(current_app.config)


def slots_for(visit: Visit) -> list[tuple[datetime, datetime]]:
    """Times the borrower may move the visit to: allowed slots, not overlapping the loan's other visits, and not
    the visit's own current time (choosing it would use up a reschedule for nothing)."""
    slots = rules.reschedule_slots(local_today(), policy=policy(), tz=lender_tz(),
                                   others=other_windows(visit.loan_id, visit.id))
    return [(s, e) for s, e in slots if not (s < visit.window_end and visit.window_start < e)]


# ---- staff: propose, schedule, cancel, record, annotate ------------------------------------------------

def plan_kept(loan: Loan, today: date) -> bool:
    """The borrower has an agreed repayment plan on this loan and nothing under it is overdue: the loan page tells
    them the plan replaces the contract's usual steps for unpaid instalments (a visit among them), so no visit is
    proposed while it is kept. A plan payment left unpaid past its date ends that."""
    from portal.loans import rules as loan_rules
    from portal.loans.panels import agreed_plans

    agreed = agreed_plans(loan.borrower, [loan]).get(loan.id)
    if agreed is None:
        return False
    return not loan_rules.plan_status(agreed.lines, loan_rules.payments_of(loan), agreed.paid_fen, today).is_overdue


def first_proposal_day(loan: Loan, today: date) -> date | None:
    """The day from which the loan's timeline tells the borrower a visit may be proposed (``VISIT_PROPOSAL_DAY``
    days after the oldest unpaid due date): the loan page and this rule say the same thing. ``None``: nothing is
    unpaid, or an agreed plan is kept (``plan_kept``), so no visit."""
    from portal.loans import queries as loan_queries
    from portal.loans import rules as loan_rules

    if plan_kept(loan, today):
        return None
    status = loan_rules.status_of(loan, today, loan_queries.payment_order())
    step = next((s for s in loan_rules.timeline(status, loan_queries.timeline_settings()) if s.kind == "visit"), None)
    return step.on if step else None



def propose_visit(staff: StaffUser, loan: Loan, *, address: str, start: datetime, end: datetime, purpose: str,
                  visitor_ids: list[int]) -> Visit:
    today = local_today()
    open_windows = other_windows(loan.id)
    problems = rules.window_problems(start, end, today=today, policy=policy(), tz=lender_tz(),
                                     others=open_windows)
    if open_windows:  # one open visit per loan (see rules.PROBLEM_FIELDS): refused whatever the time
        problems = [p for p in problems if p != "overlap"] + ["open_visit"]
    if not rules.may_propose(first_proposal_day(loan, today), today):
        problems.append("before_visit_day")
    visitors = list(db.session.scalars(select(Visitor).where(Visitor.id.in_(visitor_ids),
                                                             Visitor.active.is_(True))))
    if len(visitors) < rules.MIN_VISITORS:
        problems.append("visitors")
    if problems:
        raise VisitError(*problems)
    visit = Visit(loan=loan, address=address, window_start=start, window_end=end, purpose=purpose,
                  state="proposed", code=rules.new_visit_code(), proposed_by=staff, visitors=visitors)
    db.session.add(visit)
    db.session.flush()
    record("visit.proposed", "visit", visit.id, staff=staff, loan=loan.loan_ref,
           window=f"{start.isoformat()}/{end.isoformat()}", visitors=[v.badge_number for v in visitors])
    events.visit_sms(visit, "proposed")
    return visit


def _check(visit: Visit, version: str | int | None, action: str) -> None:
    if str(version) != str(visit.version):
        raise VisitError("stale")
    if not rules.can(visit.state, action):
        raise VisitError("state")


def _move(visit: Visit, action: str) -> None:
    visit.state = rules.next_state(visit.state, action)


def schedule_reschedule(staff: StaffUser, visit: Visit, version) -> None:
    """Accept the slot the borrower chose."""
    _check(visit, version, "schedule_reschedule")
    if visit.requested_start <= utcnow():
        raise VisitError("requested_passed")  # nobody may come at a time the borrower was not told of in advance
    problems = rules.window_problems(visit.requested_start, visit.requested_end, today=local_today(),
                                     policy=policy(), tz=lender_tz(), notice_days=0,
                                     others=other_windows(visit.loan_id, visit.id))
    if problems:
        raise VisitError(*problems)
    visit.window_start, visit.window_end = visit.requested_start, visit.requested_end
    visit.requested_start = visit.requested_end = None
    _move(visit, "schedule_reschedule")
    db.session.flush()
    record("visit.rescheduled", "visit", visit.id, staff=staff, window=visit.window_start.isoformat())
    events.visit_sms(visit, "rescheduled")


def cancel_visit(staff: StaffUser | None, visit: Visit, version, reason: str, *, plan: int | None = None,
                 by_system: bool = False) -> None:
    """Cancel an open visit: the reason is a note the borrower and staff read, the borrower gets an SMS. ``plan``:
    the agreed repayment plan that replaces the visit; with ``by_system`` (the borrower accepted a counter-offer)
    the audit log names the system as the actor and ``staff`` only signs the note (None: no note)."""
    _check(visit, version, "cancel")
    _move(visit, "cancel")
    if staff is not None:
        db.session.add(VisitAnnotation(visit_id=visit.id, staff_id=staff.id, text=reason))
    db.session.flush()
    if plan is None:
        record("visit.cancelled", "visit", visit.id, staff=staff, reason=reason)
    else:
        record("visit.cancelled", "visit", visit.id, staff=None if by_system else staff, system=by_system,
               reason=reason, plan=plan)
    events.visit_sms(visit, "cancelled")


def cancel_for_agreed_plan(proposal, staff: StaffUser | None = None) -> list[Visit]:
    """The ``portal.plans.hooks.on_plan_agreed`` handler: an agreed plan replaces the contract's steps for unpaid
    instalments, a visit among them (``plan_kept``), so the loan's visits that have not taken place are cancelled
    in the same transaction. Approved by ``staff``: cancelled by them. A counter-offer the borrower accepted: by
    the system, the note signed by the staff member who made the offer."""
    loan = proposal.loan
    with force_locale(loan.borrower.locale):  # the note is read by the borrower, in their script
        reason = _("The repayment plan for loan %(ref)s was agreed. It replaces the visits, so this visit is "
                   "cancelled.", ref=loan.loan_ref)
    visits = queries.not_yet_held(loan.id, utcnow())
    for visit in visits:
        cancel_visit(staff or proposal.decided_by, visit, visit.version, reason, plan=proposal.id,
                     by_system=staff is None)
    return visits


def record_visit(staff: StaffUser, visit: Visit, version, *, held: bool, arrived_at: datetime,
                 departed_at: datetime, met: str, identity_shown: bool, outcome: str, next_step: str) -> None:
    _check(visit, version, "complete" if held else "miss")
    if visit.record is not None:
        raise VisitError("state")
    if utcnow() < visit.window_start:
        raise VisitError("too_early")
    if arrived_at > utcnow():
        raise VisitError("arrival")
    if departed_at < arrived_at or departed_at > utcnow():
        raise VisitError("departure")
    method = "video" if visit.state == "remote_requested" else "home visit"
    visit.record = VisitRecord(held=held, arrived_at=arrived_at, departed_at=departed_at, met=met,
                               identity_shown=identity_shown, outcome=outcome, next_step=next_step,
                               recorded_by_id=staff.id)
    _move(visit, "complete" if held else "miss")
    db.session.flush()
    # design §5: every visit is registered (time, place, method, staff) for audit.
    record("visit.recorded", "visit", visit.id, staff=staff, held=held, arrived=arrived_at.isoformat(),
           departed=departed_at.isoformat(), address=visit.address, method=method,
           visitors=[v.badge_number for v in visit.visitors])
    events.visit_sms(visit, "recorded")  # with the link to confirm or dispute the record


def decline_remote(staff: StaffUser, visit: Visit, version, reason: str) -> None:
    """The lender cannot do the check by video: the visit stays proposed at its time; the reason is kept. Only
    before the day of the visit: until staff answer, nobody comes (the borrower's page says so), and a refusal on
    the day itself would send visitors with no notice."""
    _check(visit, version, "decline_remote")
    if visit.window_start.astimezone(lender_tz()).date() <= local_today():
        raise VisitError("decline_too_late")
    _move(visit, "decline_remote")
    db.session.add(VisitAnnotation(visit_id=visit.id, staff_id=staff.id, text=reason))
    db.session.flush()
    record("visit.remote_declined", "visit", visit.id, staff=staff, reason=reason)
    events.visit_sms(visit, "remote_declined")


def annotate(staff: StaffUser, visit: Visit, text: str) -> None:
    db.session.add(VisitAnnotation(visit_id=visit.id, staff_id=staff.id, text=text))
    db.session.flush()
    record("visit.annotated", "visit", visit.id, staff=staff)


# ---- borrower answers ------------------------------------------------------------------------------------

def _answer(visit: Visit, borrower: Borrower, kind: str, detail: str = "", **slot) -> None:
    visit.answered_at = utcnow()
    db.session.add(VisitAnswer(visit_id=visit.id, kind=kind, detail=detail, **slot))
    db.session.flush()
    record(f"visit.answer.{kind}", "visit", visit.id, borrower=borrower, detail=detail[:200])


def confirm(borrower: Borrower, visit: Visit, version) -> None:
    _check(visit, version, "confirm")
    _move(visit, "confirm")
    _answer(visit, borrower, "confirm")
    visit_event(visit, "visit.confirmed")


def request_reschedule(borrower: Borrower, visit: Visit, version, slot: str) -> None:
    _check(visit, version, "request_reschedule")
    if rules.reschedules_left(visit.reschedule_count, policy()) <= 0:
        raise VisitError("reschedule_limit")
    tz = lender_tz()
    chosen = [(s, e) for s, e in slots_for(visit) if rules.slot_key(s, tz) == slot]
    if not chosen:
        raise VisitError("slot")
    start, end = chosen[0]
    visit.requested_start, visit.requested_end = start, end
    visit.reschedule_count += 1
    _move(visit, "request_reschedule")
    _answer(visit, borrower, "reschedule", slot_start=start, slot_end=end)
    visit_event(visit, "visit.reschedule_requested")


def request_remote(borrower: Borrower, visit: Visit, version, reason: str) -> None:
    _check(visit, version, "request_remote")
    visit.remote_reason = reason
    _move(visit, "request_remote")
    _answer(visit, borrower, "remote", reason)
    visit_event(visit, "visit.remote_requested")


def set_family_contact(borrower: Borrower, visit: Visit, version, allowed: bool) -> None:
    if str(version) != str(visit.version):
        raise VisitError("stale")
    if visit.state not in rules.OPEN_STATES:
        raise VisitError("state")
    changed = visit.family_contact_allowed is not allowed
    visit.family_contact_allowed = allowed
    _answer(visit, borrower, "family", "yes" if allowed else "no")
    if changed:
        family_consent_event(visit)


def answer_record(borrower: Borrower, visit: Visit, version, *, dispute_text: str | None = None) -> None:
    """Confirm the record (``dispute_text`` None) or dispute it; a dispute runs the handlers registered with
    ``portal.visits.hooks.on_record_disputed`` (the complaints domain opens a linked complaint)."""
    if str(version) != str(visit.version):
        raise VisitError("stale")
    if visit.record is None or visit.record_answer is not None:
        raise VisitError("state")
    if dispute_text is None:
        visit.record_answer = "confirmed"
        _answer(visit, borrower, "record_confirm")
        record_answer_event(visit, "visit.record_confirmed")
        return
    visit.record_answer = "disputed"
    dispute = VisitDispute(visit_id=visit.id, text=dispute_text)
    db.session.add(dispute)
    _answer(visit, borrower, "record_dispute", dispute_text)
    dispute.complaint_ref = record_disputed(borrower, visit, dispute_text)  # the complaints domain opens one
    record_answer_event(visit, "visit.record_disputed", dispute.complaint_ref)


# ---- roster ----------------------------------------------------------------------------------------------

def add_visitor(staff: StaffUser, name: str, badge: str, photo_name: str | None,
                agency_id: int | None = None) -> Visitor:
    badge = rules.normalize_badge(badge)
    if db.session.scalar(select(Visitor.id).where(Visitor.badge_number == badge)) is not None:
        raise VisitError("badge_taken")
    visitor = Visitor(name=name, badge_number=badge, photo_name=photo_name, active=True, agency_id=agency_id)
    db.session.add(visitor)
    db.session.flush()
    record("visitor.added", "visitor", visitor.id, staff=staff, badge=badge)
    return visitor


def set_visitor_active(staff: StaffUser, visitor: Visitor, active: bool) -> None:
    if visitor.active and not active:
        visitor.deactivated_at = utcnow()
    elif active:
        visitor.deactivated_at = None
    visitor.active = active
    db.session.flush()
    record("visitor.activated" if active else "visitor.deactivated", "visitor", visitor.id, staff=staff)


# ---- public visitor check --------------------------------------------------------------------------------

def check_visitor(badge: str, code: str, today: date) -> tuple[Visitor, Visit] | None:
    """Yes only for an active visitor assigned to a visit with that code that is expected today (proposed,
    confirmed or rescheduled; not one the borrower asked to move or to replace by a remote check), and whose
    agency, if they work for one, is on the published list today."""
    visitor = db.session.scalar(select(Visitor).where(Visitor.badge_number == rules.normalize_badge(badge),
                                                      Visitor.active.is_(True)))
    result = None
    if visitor is not None and visitor.agency is not None and \
            not listed_on(today, visitor.agency.since, visitor.agency.until):
        visitor_ok = False  # their agency is not on today's published list: not confirmed
    else:
        visitor_ok = visitor is not None
    if visitor_ok:
        candidates = db.session.scalars(select(Visit).where(
            Visit.code == rules.normalize_code(code), Visit.state.in_(rules.EXPECTED_AT_DOOR),
            Visit.visitors.any(Visitor.id == visitor.id)))
        for visit in candidates:
            if rules.is_today(visit.window_start, today, lender_tz()):
                result = (visitor, visit)
                break
    record("visitor.checked", "visitor", visitor.id if visitor else "", result="yes" if result else "no")
    return result
