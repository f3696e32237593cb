"""Complaint operations: validate, write (add/flush), audit. Never commit: the view commits once."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal import uploads
from portal.accounts.models import Borrower, StaffUser
from portal.audit.services import record
from portal.complaints import rules
from portal.complaints.feed import complaint_event
from portal.complaints.models import (Complaint, ComplaintCategory, ComplaintCounter, ComplaintEvent,
                                      ComplaintEvidence, ComplaintExtension, ComplaintMessage, ComplaintNote)
from portal.extensions import db
from portal.i18n import lender_tz, local_today
from portal.notify import events
from portal.orm import utcnow


class StaleComplaint(Exception):
    """The complaint changed since the form was shown."""


@dataclass
class Filing:
    """What a complainant tells us (both the borrower form and the third-party form)."""

    categories: list[str]
    channel: str
    what_happened: str
    occurred_on: date | None = None
    occurred_time: time | None = None
    collector_name: str = ""
    collector_badge: str = ""
    collector_phone: str = ""
    outcome_wanted: str = ""
    preferred_contact: str = "portal"
    contact_phone: str = ""
    loan_id: int | None = None
    visit_id: int | None = None
    reporter_name: str = ""
    reporter_relation: str | None = None
    debtor_name: str = ""
    locale: str = "zh_Hans"
    files: list[tuple[bytes, str]] = field(default_factory=list)

    @classmethod
    def from_form(cls, form: Any, loans: Iterable[Any], **extra: Any) -> "Filing":
        """A filing from a complaint form (the borrower's, or staff taking one on the phone): the fields both
        forms share, the loan chosen among ``loans`` (the complainant's own), plus what only one caller knows."""
        loan = next((loan for loan in loans if loan.loan_ref == form.loan.data), None)
        return cls(
            categories=form.categories.data, channel=form.channel.data, what_happened=form.what_happened.data,
            occurred_on=form.occurred_on.data, occurred_time=form.occurred_time.data,
            collector_name=form.collector_name.data, collector_badge=form.collector_badge.data,
            collector_phone=form.collector_phone.data, outcome_wanted=form.outcome_wanted.data,
            preferred_contact=form.preferred_contact.data, loan_id=loan.id if loan else None, **extra)


# ---- reference, secret ------------------------------------------------------------------------------------

def next_reference(day: date) -> str:
    """TS-YYYYMMDD-NNNN from a per-day counter row updated in this transaction (safe under concurrency)."""
    session = db.session
    bump = (update(ComplaintCounter).where(ComplaintCounter.day == day)
            .values(last_seq=ComplaintCounter.last_seq + 1).execution_options(synchronize_session=False))
    if session.execute(bump).rowcount == 0:
        try:
            with session.begin_nested():
                session.add(ComplaintCounter(day=day, last_seq=1))
        except IntegrityError:  # another filing created today's row first
            session.execute(bump)
        else:
            return rules.format_reference(day, 1)
    seq = session.scalar(select(ComplaintCounter.last_seq).where(ComplaintCounter.day == day))
    return rules.format_reference(day, seq)


def new_secret() -> str:
    raw = "".join(secrets.choice(rules.SECRET_ALPHABET) for _ in range(16))
    return _group(raw)


def secret_for_token(token: str) -> str:
    """The third-party secret for a report form's one-time token: HMAC with the app key, so two submissions of
    the same form get the same secret and no secret is ever stored in clear (only its hash)."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), b"report-secret:" + token.encode(),
                      hashlib.sha256).digest()
    return _group("".join(rules.SECRET_ALPHABET[b % len(rules.SECRET_ALPHABET)] for b in digest[:16]))


def _group(raw: str) -> str:
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(rules.normalize_secret(secret).encode()).hexdigest()


_DUMMY_HASH = hashlib.sha256(b"no such report").hexdigest()


def find_report(reference: str, secret: str) -> Complaint | None:
    """A third-party report by reference and secret; an unknown reference and a wrong secret look the same."""
    reference = rules.normalize_reference(reference)
    complaint = db.session.scalar(select(Complaint).where(Complaint.reference == reference,
                                                          Complaint.borrower_id.is_(None))) \
        if rules.is_reference(reference) else None
    expected = complaint.secret_hash if complaint is not None and complaint.secret_hash else _DUMMY_HASH
    if hmac.compare_digest(expected, _secret_hash(secret)) and complaint is not None:
        return complaint
    return None


def find_by_key(key: str | None) -> Complaint | None:
    if not key:
        return None
    return db.session.scalar(select(Complaint).where(Complaint.idempotency_key == key))


# ---- filing and the complainant's follow-up ----------------------------------------------------------------

def _event(complaint: Complaint, kind: str, detail: str = "", at: datetime | None = None) -> None:
    complaint.events.append(ComplaintEvent(kind=kind, detail=detail, at=at or utcnow()))


def _attach(complaint: Complaint, files: list[tuple[bytes, str]], added_by: str,
            at: datetime | None = None) -> None:
    """``at``: the filing's own moment for files sent with the complaint (later files are new word for staff)."""
    for data, original in files:
        stored = uploads.save(data)
        complaint.evidence.append(ComplaintEvidence(
            stored_name=stored.name, sha256=stored.sha256, size=stored.size, mime=stored.mime,
            original_name=uploads.clean_filename(original), added_by=added_by, at=at or utcnow()))


def file_complaint(filing: Filing, *, borrower: Borrower | None = None, key: str | None = None,
                   now: datetime | None = None, secret: str | None = None,
                   taken_by: StaffUser | None = None) -> tuple[Complaint, str | None]:
    """Create a complaint (and its files); returns it with the third-party secret (None for borrowers).
    ``taken_by``: the staff member who wrote down a borrower's complaint made by phone."""
    now = now or utcnow()
    if not filing.categories or set(filing.categories) - set(rules.CATEGORIES):
        raise rules.RuleError("categories")
    if len(filing.files) > rules.MAX_FILES_PER_SUBMISSION:
        raise rules.RuleError("too_many_files")
    due = rules.deadlines(now, lender_tz())
    if borrower is not None:
        secret = None
    elif secret is None:
        secret = new_secret()
    complaint = Complaint(
        reference=next_reference(rules.local_date(now, lender_tz())), borrower_id=borrower.id if borrower else None,
        loan_id=filing.loan_id, visit_id=filing.visit_id, reporter_name=filing.reporter_name,
        reporter_relation=filing.reporter_relation if borrower is None else None, debtor_name=filing.debtor_name,
        contact_phone=filing.contact_phone, preferred_contact=filing.preferred_contact,
        secret_hash=_secret_hash(secret) if secret else None, occurred_on=filing.occurred_on,
        occurred_time=filing.occurred_time, channel=filing.channel, collector_name=filing.collector_name,
        collector_badge=filing.collector_badge, collector_phone=filing.collector_phone,
        what_happened=filing.what_happened, outcome_wanted=filing.outcome_wanted, locale=filing.locale,
        state=rules.RECEIVED, received_at=now, acknowledge_due=due.acknowledge_by, decide_due=due.decide_by,
        idempotency_key=key or None, taken_by_id=taken_by.id if taken_by is not None else None)
    complaint.category_rows = [ComplaintCategory(category=c) for c in dict.fromkeys(filing.categories)]
    _event(complaint, "filed", at=now)
    if taken_by is not None:
        _event(complaint, "taken_by_phone", taken_by.display_name or taken_by.username, at=now)
    db.session.add(complaint)
    _attach(complaint, filing.files, "complainant", at=now)
    if filing.files:
        _event(complaint, "evidence_added", str(len(filing.files)), at=now)
    db.session.flush()
    if taken_by is not None:
        record("complaint.taken_by_phone", "complaint", complaint.reference, staff=taken_by, borrower_id=borrower.id)
    else:
        record("complaint.filed", "complaint", complaint.reference, borrower=borrower, third_party=borrower is None)
    complaint_event(complaint, "complaint.filed")
    events.complaint_sms(complaint, "filed")  # a third party who chose SMS gets the reference, never the secret
    return complaint, secret


def add_information(complaint: Complaint, text: str, files: list[tuple[bytes, str]]) -> None:
    if len(files) > rules.MAX_FILES_PER_SUBMISSION or \
            len(complaint.evidence) + len(files) > rules.MAX_FILES_PER_COMPLAINT:
        raise rules.RuleError("too_many_files")
    if not text.strip() and not files:
        raise rules.RuleError("empty")
    if text.strip():
        complaint.messages.append(ComplaintMessage(author_kind="complainant", body=text.strip()))
    if files:
        _attach(complaint, files, "complainant")
        _event(complaint, "evidence_added", str(len(files)))
    db.session.flush()
    record("complaint.information_added", "complaint", complaint.reference, files=len(files))


def mark_decision_seen(complaint: Complaint) -> None:
    """The complainant's own page shows the decision: remember the first time (the review window starts here)."""
    if complaint.is_closed and complaint.decision_seen_at is None:
        complaint.decision_seen_at = utcnow()
        db.session.flush()


def review_until(complaint: Complaint):
    """The last day to ask for a review (None while the decision has not been shown)."""
    if complaint.decision_seen_at is None:
        return None
    return rules.review_until(rules.local_date(complaint.decision_seen_at, lender_tz()))


def can_request_review(complaint: Complaint) -> bool:
    seen = complaint.decision_seen_at
    return rules.can_respond(complaint.state, complaint.response) and rules.can_request_review(
        rules.local_date(seen, lender_tz()) if seen else None, local_today())


def respond(complaint: Complaint, response: str, reason: str = "") -> None:
    """The complainant accepts the outcome, or says they are not satisfied and why: a review request staff answer,
    refused after the 30 days from when the decision was shown."""
    if response not in rules.RESPONSES or not rules.can_respond(complaint.state, complaint.response):
        raise rules.RuleError("respond")
    now = utcnow()
    if response == rules.NOT_SATISFIED:
        seen = complaint.decision_seen_at
        rules.check_review_request(complaint.state, complaint.response,
                                   rules.local_date(seen, lender_tz()) if seen else None, local_today(), reason)
        complaint.review_requested_at = now
        complaint.review_reason = reason.strip()
    if complaint.decision_seen_at is None:  # answering it means it was shown
        complaint.decision_seen_at = now
    complaint.response = response
    complaint.responded_at = now
    _event(complaint, response, at=now)
    db.session.flush()
    record("complaint." + response, "complaint", complaint.reference)
    if response == rules.NOT_SATISFIED:
        complaint_event(complaint, "complaint.review_requested")


def answer_review(complaint: Complaint, text: str, actor: StaffUser) -> None:
    """Staff answer the complainant's review request, once; the complainant reads it on their page."""
    if not complaint.review_pending:
        raise rules.RuleError("no_review")
    if not text.strip():
        raise rules.RuleError("empty")
    now = utcnow()
    complaint.review_answer = text.strip()
    complaint.review_answered_at = now
    complaint.review_answered_by_id = actor.id
    _event(complaint, "review_answered", at=now)
    db.session.flush()
    record("complaint.review_answered", "complaint", complaint.reference, staff=actor)


def create_complaint_from_visit_dispute(borrower: Borrower, visit, text: str) -> Complaint:
    """A disputed visit record opens a complaint linked to that visit."""
    filing = Filing(categories=["visit_conduct"], channel="visit", what_happened=text, visit_id=visit.id,
                    loan_id=visit.loan_id, locale=borrower.locale, contact_phone=borrower.phone,
                    occurred_on=visit.window_start.astimezone(lender_tz()).date())
    complaint, _secret = file_complaint(filing, borrower=borrower)
    return complaint


def complaint_for_disputed_record(borrower: Borrower, visit, text: str) -> str:
    """The visits domain's ``on_record_disputed`` handler: the new complaint's reference."""
    return create_complaint_from_visit_dispute(borrower, visit, text).reference


# ---- staff -------------------------------------------------------------------------------------------------

def check_version(complaint: Complaint, version: int | str | None) -> None:
    if str(complaint.version) != str(version):
        raise StaleComplaint()


def assign(complaint: Complaint, to: StaffUser | None, actor: StaffUser) -> bool:
    """Agents take a complaint or give up their own; only supervisors move someone else's or assign to others.
    False, and nothing written or recorded, when it is assigned to ``to`` already."""
    if complaint.assignee_id == (to.id if to is not None else None):
        return False
    others_complaint = complaint.assignee_id is not None and complaint.assignee_id != actor.id
    if not actor.is_supervisor and ((to is not None and to.id != actor.id) or others_complaint):
        raise rules.RuleError("assign_others")
    complaint.assignee = to  # the relationship, not only the id: the page then names the new assignee
    db.session.flush()
    record("complaint.assigned", "complaint", complaint.reference, staff=actor, to=to.username if to else "")
    return True


def add_note(complaint: Complaint, text: str, actor: StaffUser) -> None:
    if not text.strip():
        raise rules.RuleError("empty")
    complaint.notes.append(ComplaintNote(staff_id=actor.id, body=text.strip()))
    db.session.flush()
    record("complaint.note_added", "complaint", complaint.reference, staff=actor)


def reply(complaint: Complaint, text: str, actor: StaffUser) -> None:
    if not text.strip():
        raise rules.RuleError("empty")
    complaint.messages.append(ComplaintMessage(author_kind="staff", staff_id=actor.id, body=text.strip()))
    db.session.flush()
    record("complaint.replied", "complaint", complaint.reference, staff=actor)
    events.complaint_sms(complaint, "reply")


def change_state(complaint: Complaint, new_state: str, actor: StaffUser, outcome: str | None = None,
                 explanation: str = "") -> None:
    rules.check_transition(complaint.state, new_state, outcome, explanation)
    now = utcnow()
    complaint.state = new_state
    if new_state == rules.ACKNOWLEDGED:
        complaint.acknowledged_at = now
    if new_state in rules.CLOSED:
        complaint.decided_at = now
        complaint.outcome_category = outcome
        complaint.outcome_explanation = explanation.strip()
    if complaint.assignee_id is None:
        complaint.assignee_id = actor.id
    _event(complaint, new_state, at=now)
    db.session.flush()
    record("complaint.state_changed", "complaint", complaint.reference, staff=actor, state=new_state,
           outcome=outcome or "")
    if new_state in rules.CLOSED:
        complaint_event(complaint, "complaint.decided")
    what = "acknowledged" if new_state == rules.ACKNOWLEDGED else "decided" if new_state in rules.CLOSED else "state"
    events.complaint_sms(complaint, what)


def extend(complaint: Complaint, reason: str, actor: StaffUser) -> None:
    level = rules.extend(complaint.extension_level, reason, complaint.state, by_supervisor=actor.is_supervisor)
    received_on = rules.local_date(complaint.received_at, lender_tz())
    complaint.extension_level = level
    complaint.decide_due = rules.decide_by(received_on, level)
    complaint.extensions.append(ComplaintExtension(level=level, reason=reason.strip(), staff_id=actor.id,
                                                   new_due=complaint.decide_due))
    _event(complaint, "extended", reason.strip())
    db.session.flush()
    record("complaint.extended", "complaint", complaint.reference, staff=actor, level=level)
    events.complaint_sms(complaint, "extended")  # the new date and the link: the page shows why (design §6)
