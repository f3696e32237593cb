"""Plan operations: drafts, preview, sending, staff decisions, the borrower's answer. Add and flush; never commit."""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Iterable
from datetime import date
from functools import partial

from sqlalchemy import select

from portal.audit.services import record
from portal.extensions import db
from portal.i18n import local_today
from portal.lifecycle import after_commit
from portal.loans.models import Loan
from portal.loans.queries import payment_order
from portal.loans.rules import paid_up_to, payments_of, status_of
from portal.notify import events
from portal.orm import utcnow
from portal.plans import rules
from portal.plans.feed import plan_event
from portal.plans.forms import limits
from portal.plans.hooks import plan_agreed
from portal.plans.models import PlanLine, PlanProof, PlanProposal
from portal.uploads import IMAGES, PDF, UploadError, clean_filename, delete, save

MAX_PROOFS = 5
PROOF_KINDS = IMAGES | PDF


class StaleProposal(Exception):
    """Someone else changed the proposal since the page was loaded."""


class PlanInForce(Exception):
    """The loan already has a proposal waiting for an answer or an agreed plan: no second one."""

    def __init__(self, existing: PlanProposal) -> None:
        super().__init__(existing.id)
        self.existing = existing


class DatesPassed(Exception):
    """The proposal's first payment date is already past: approving it would put the borrower in arrears at once."""


# ---- what is owed and the preview ----------------------------------------------------------------------

def owed_of(loan: Loan, as_of: date) -> rules.Owed:
    status = status_of(loan, as_of, payment_order())
    later = tuple(rules.Line(i.due_date, i.unpaid_fen) for i in status.instalments if not i.is_due and i.unpaid_fen)
    return rules.Owed(status.due_principal_fen, status.due_interest_fen, status.due_penalty_fen,
                      status.due_fee_fen, later)


@dataclass(frozen=True)
class Preview:
    owed: rules.Owed
    schedule: rules.Schedule
    comparison: rules.Comparison
    affordability: rules.Affordability | None
    paid_fen: int = 0  # what had been paid by the day of ``owed``: counted in it, not again once the plan is agreed

    @property
    def digest(self) -> str:
        text = ";".join(f"{x.due_date.isoformat()}={x.amount_fen}" for x in self.schedule.lines)
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def preview(loan: Loan, terms: rules.Terms, budget: rules.Budget | None, as_of: date) -> Preview:
    """The exact schedule, the cost comparison and the affordability check (raises ``rules.PlanError``)."""
    owed = owed_of(loan, as_of)
    schedule = rules.build_schedule(owed, terms, as_of, limits())
    afford = rules.affordability(budget, schedule, limits()) if budget is not None else None
    return Preview(owed, schedule, rules.compare(owed, schedule), afford, paid_up_to(payments_of(loan), as_of))


# ---- loading -------------------------------------------------------------------------------------------

def open_proposal(loan: Loan) -> PlanProposal | None:
    """A proposal waiting for an answer, or an agreed plan in force: either way no new proposal for this loan."""
    return db.session.scalar(select(PlanProposal).where(
        PlanProposal.loan_id == loan.id, PlanProposal.state.in_(rules.OPEN_STATES + rules.AGREED_STATES))
        .order_by(PlanProposal.id.desc()).limit(1))


def find_draft(borrower, loan: Loan) -> PlanProposal | None:
    return db.session.scalar(select(PlanProposal).where(
        PlanProposal.borrower_id == borrower.id, PlanProposal.loan_id == loan.id, PlanProposal.state == "draft"))


def draft_data(draft: PlanProposal | None) -> dict:
    return json.loads(draft.draft_json or "{}") if draft is not None else {}


# ---- the borrower's draft ------------------------------------------------------------------------------

DRAFT_VALUE_MAX = 2000  # characters kept of one typed value (the longest field allows 2,000)


def save_step(borrower, loan: Loan, step: str, raw: dict, fields: Iterable[str]) -> PlanProposal:
    """Keep what was typed in one step (raw text, valid or not) on the borrower's draft for this loan: only the
    step's own ``fields``, each cut to ``DRAFT_VALUE_MAX`` characters, so a draft can never grow unbounded."""
    draft = find_draft(borrower, loan)
    if draft is None:
        draft = PlanProposal(borrower_id=borrower.id, loan_id=loan.id, state="draft")
        db.session.add(draft)
    data = draft_data(draft)
    keep = set(fields) - {"csrf_token", "proofs", "next"}
    data[step] = {k: str(v)[:DRAFT_VALUE_MAX] for k, v in raw.items() if k in keep}
    draft.draft_json = json.dumps(data, ensure_ascii=False)
    draft.draft_token = secrets.token_urlsafe(24)  # any change makes an open preview stale
    db.session.flush()
    return draft


def add_proof(draft: PlanProposal, filename: str, data: bytes) -> PlanProof:
    """Store one proof file (image or PDF, type from the bytes, size-limited); raises ``UploadError``."""
    if len(draft.proofs) >= MAX_PROOFS:
        raise UploadError("too_many")
    stored = save(data, PROOF_KINDS)
    proof = PlanProof(stored_name=stored.name, original_name=clean_filename(filename), sha256=stored.sha256,
                      size=stored.size, mime=stored.mime)
    draft.proofs.append(proof)
    db.session.flush()
    return proof


def remove_proof(draft: PlanProposal, proof_id: int) -> str | None:
    """Remove a proof from the draft; its stored file is deleted once the change is committed."""
    for proof in list(draft.proofs):
        if proof.id == proof_id:
            draft.proofs.remove(proof)
            db.session.flush()
            after_commit(partial(delete, proof.stored_name))
            return proof.stored_name
    return None


def _set_lines(proposal: PlanProposal, which: str, schedule: rules.Schedule) -> None:
    for line in proposal.lines_of(which):
        proposal.lines.remove(line)
    db.session.flush()
    for seq, x in enumerate(schedule.lines, 1):
        proposal.lines.append(PlanLine(which=which, seq=seq, due_date=x.due_date, amount_fen=x.amount_fen))


def submit(draft: PlanProposal, terms: rules.Terms, budget: rules.Budget, hardship_reason: str,
           hardship_detail: str, result: Preview) -> PlanProposal:
    """Send the draft: it becomes a proposal with the previewed schedule (one open proposal per loan, none while an
    agreed plan is in force: raises ``PlanInForce``)."""
    existing = open_proposal(draft.loan)
    if existing is not None and existing.id != draft.id:
        raise PlanInForce(existing)
    draft.state = rules.transition(draft.state, "submit", "borrower")
    draft.kind, draft.months, draft.deferral_days = terms.kind, terms.months, terms.deferral_days
    owed = result.owed
    draft.owed_principal_fen, draft.owed_interest_fen = owed.principal_fen, owed.interest_fen
    draft.owed_penalty_fen, draft.owed_fee_fen, draft.owed_later_fen = owed.penalty_fen, owed.fee_fen, owed.later_fen
    for name in ("income", "housing", "food", "utilities", "transport", "medical", "education", "dependants",
                 "other_debts"):
        setattr(draft, name + "_fen", getattr(budget, name + "_fen"))
    draft.dependants = budget.dependants
    draft.hardship_reason, draft.hardship_detail = hardship_reason, hardship_detail
    draft.start_date = result.schedule.start
    draft.proposed_paid_fen = result.paid_fen
    draft.submitted_at = utcnow()
    draft.draft_token = None
    _set_lines(draft, "proposed", result.schedule)
    db.session.flush()
    record("plan.submitted", "plan", draft.id, borrower=draft.borrower, kind=terms.kind,
           total_fen=result.schedule.total_fen)
    plan_event(draft, "plan.submitted")
    return draft


# ---- saved figures -------------------------------------------------------------------------------------

def budget_of(p: PlanProposal) -> rules.Budget:
    return rules.Budget(p.income_fen or 0, p.housing_fen or 0, p.food_fen or 0, p.utilities_fen or 0,
                        p.transport_fen or 0, p.medical_fen or 0, p.education_fen or 0, p.dependants_fen or 0,
                        p.other_debts_fen or 0, p.dependants)


def terms_of(p: PlanProposal, which: str = "proposed") -> rules.Terms:
    if which == "counter":
        return rules.Terms.of(p.counter_kind, p.counter_months, p.counter_deferral_days)
    return rules.Terms.of(p.kind, p.months, p.deferral_days)


def saved_schedule(p: PlanProposal, which: str = "proposed") -> rules.Schedule:
    """A sent schedule from its saved lines. The borrower's was computed from the amounts owed saved at sending, so
    its waiver is what was owed then minus its lines. The lender's counter-offer was computed later, from what was
    owed on its own start day, which is not saved: its waiver comes from ``counter_waived_fen`` (0 if unknown)."""
    lines = tuple(rules.Line(x.due_date, x.amount_fen) for x in p.lines_of(which))
    paid = sum(x.amount_fen for x in lines)
    if which == "counter":
        off = counter_waived_fen(p) or 0
        return rules.Schedule(terms_of(p, which), p.counter_start_date or date.today(), lines, paid + off, off)
    owed = (p.owed_principal_fen or 0) + (p.owed_interest_fen or 0) + (p.owed_penalty_fen or 0) + \
        (p.owed_fee_fen or 0) + (p.owed_later_fen or 0)
    return rules.Schedule(terms_of(p, which), p.start_date or date.today(), lines, owed, max(0, owed - paid))


def counter_waived_fen(p: PlanProposal) -> int | None:
    """The penalty interest and fees a counter-offer waives, worked out again from its own terms on its own start day
    (the loan's schedule and the payments up to that day), and kept only if it matches the offer's saved lines:
    what was owed that day minus the waiver must equal their total. ``None`` when it no longer matches (a payment
    dated on or before that day was recorded later) or the offer waives nothing."""
    terms = terms_of(p, "counter")
    if not terms.waive or p.counter_start_date is None:
        return None
    owed = owed_of(p.loan, p.counter_start_date)
    off = rules.waived(owed, terms)
    total = sum(x.amount_fen for x in p.lines_of("counter"))
    return off if owed.total_fen - off == total else None


# ---- decisions -----------------------------------------------------------------------------------------

def _check_version(p: PlanProposal, version: str | int | None) -> None:
    if str(version or "") != str(p.version):
        raise StaleProposal()


def start_review(p: PlanProposal, staff, version) -> None:
    _check_version(p, version)
    p.state = rules.transition(p.state, "start_review", staff.role)
    db.session.flush()
    record("plan.review_started", "plan", p.id, staff=staff)


def _review_started(p: PlanProposal, staff) -> None:
    """A decision on a proposal nobody opened a review of yet records the review as started by the decider."""
    if p.state == "submitted" and rules.allowed(p.state, "start_review", staff.role):
        record("plan.review_started", "plan", p.id, staff=staff)


def dates_passed(p: PlanProposal, which: str, today: date | None = None) -> bool:
    """Has the first payment of this schedule already fallen due? Agreeing to it then would start the plan late."""
    first = min((x.due_date for x in p.lines_of(which)), default=None)
    return first is not None and first < (today or local_today())


def approve(p: PlanProposal, staff, version, note: str = "", today: date | None = None) -> None:
    _check_version(p, version)
    if dates_passed(p, "proposed", today):
        raise DatesPassed()
    _review_started(p, staff)
    p.state = rules.decide(p.state, "approve", staff.role)
    _decided(p, staff, note)
    record("plan.approved", "plan", p.id, staff=staff)
    plan_event(p, "plan.approved")
    events.plan_sms(p, "approved")
    plan_agreed(p, staff)  # the plan replaces the collection steps: the visits domain cancels the loan's open visits


def decline(p: PlanProposal, staff, version, reason: str, note: str = "") -> None:
    _check_version(p, version)
    _review_started(p, staff)
    p.state = rules.decide(p.state, "decline", staff.role, reason=reason)
    p.decline_reason = reason
    _decided(p, staff, note)
    record("plan.declined", "plan", p.id, staff=staff, reason=reason)
    plan_event(p, "plan.declined")
    events.plan_sms(p, "declined")


def counter(p: PlanProposal, staff, version, terms: rules.Terms, result: Preview, note: str = "") -> None:
    _check_version(p, version)
    _review_started(p, staff)
    p.state = rules.decide(p.state, "counter", staff.role)
    p.counter_kind, p.counter_months, p.counter_deferral_days = terms.kind, terms.months, terms.deferral_days
    p.counter_start_date = result.schedule.start
    p.counter_paid_fen = result.paid_fen
    _set_lines(p, "counter", result.schedule)
    _decided(p, staff, note)
    record("plan.countered", "plan", p.id, staff=staff, kind=terms.kind, total_fen=result.schedule.total_fen)
    plan_event(p, "plan.countered")
    events.plan_sms(p, "counter")  # with the link to accept or withdraw


def _decided(p: PlanProposal, staff, note: str) -> None:
    p.decided_by_id = staff.id
    p.decided_at = utcnow()
    p.answer_note = note or ""
    db.session.flush()


def accept(p: PlanProposal, borrower, version, today: date | None = None) -> None:
    _check_version(p, version)
    if p.state == "countered" and dates_passed(p, "counter", today):
        raise DatesPassed()
    p.state = rules.transition(p.state, "accept", "borrower")
    p.closed_at = utcnow()
    db.session.flush()
    record("plan.accepted", "plan", p.id, borrower=borrower)
    plan_event(p, "plan.agreed")
    events.plan_sms(p, "agreed")
    plan_agreed(p)  # the plan replaces the collection steps: the visits domain cancels the loan's open visits


def withdraw(p: PlanProposal, borrower, version) -> None:
    _check_version(p, version)
    previous = p.state
    p.state = rules.transition(p.state, "withdraw", "borrower")
    p.closed_at = utcnow()
    db.session.flush()
    record("plan.withdrawn", "plan", p.id, borrower=borrower)
    plan_event(p, "plan.withdrawn", previous_state=previous)
