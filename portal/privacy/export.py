"""The borrower's download of everything the portal holds about them (PIPL Art. 45): a ZIP with ``data.json``
(every row the borrower can see on their own pages) and their own evidence and proof files.

The page asks for it (``request_export``: a pending row, in the request's transaction); once that commits, the
worker builds the ZIP (``build``, idempotent) and stores it like evidence. The link works for ``LINK_HOURS`` from
the request, for that borrower only; the retention run deletes expired downloads, rows and files.

Each table lists the columns it exports, by name: what the borrower's pages show, never staff names or ids,
staff-internal notes, secrets (hashes, tokens) or anyone else's rows. A column added to a model is not exported
until it is listed here.
"""
from __future__ import annotations

import hashlib
import io
import json
import secrets
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import uploads
from portal.uploads import store
from portal.accounts.models import Borrower, LoginSession
from portal.audit.models import AuditEvent
from portal.complaints.models import (Complaint, ComplaintCategory, ComplaintEvent, ComplaintEvidence,
                                      ComplaintMessage)
from portal.contacts.models import Contact
from portal.extensions import db
from portal.lifecycle import after_commit
from portal.loans.models import Instalment, Loan, Payment
from portal.notify.models import Outbox
from portal.orm import utcnow
from portal.plans.models import PlanLine, PlanProof, PlanProposal
from portal.queue import enqueue
from portal.privacy.models import DataExport, DataRequest
from portal.visits.models import Visit, VisitAnnotation, VisitAnswer, VisitDispute, VisitRecord

LINK_HOURS = 24
BUILD = "build_export"  # the worker's task (registered by portal.privacy.configure)
FORMAT = 1

BORROWER = ("name", "phone", "id_number", "address", "locale", "preferred_contact", "family_contact_consent",
            "activated_at", "created_at")
LOAN = ("loan_ref", "product", "principal_fen", "annual_rate", "penalty_daily_rate", "start_date")
INSTALMENT = ("seq", "due_date", "principal_fen", "interest_fen", "fee_fen")
PAYMENT = ("seq", "paid_on", "amount_fen")
VISIT = ("address", "window_start", "window_end", "purpose", "state", "code", "reschedule_count",
         "requested_start", "requested_end", "family_contact_allowed", "remote_reason", "record_answer",
         "created_at", "answered_at")
VISITOR = ("name", "badge_number")  # the borrower's visit page names who comes (the roster's public part)
VISIT_ANSWER = ("kind", "detail", "slot_start", "slot_end", "created_at")
VISIT_RECORD = ("held", "arrived_at", "departed_at", "met", "identity_shown", "outcome", "next_step",
                "recorded_at")
VISIT_NOTE = ("text", "created_at")  # "Notes from the lender" on the visit page
VISIT_DISPUTE = ("text", "complaint_ref", "created_at")
PLAN = ("state", "kind", "months", "deferral_days", "start_date", "owed_principal_fen", "owed_interest_fen",
        "owed_penalty_fen", "owed_fee_fen", "owed_later_fen", "income_fen", "housing_fen", "food_fen",
        "utilities_fen", "transport_fen", "medical_fen", "education_fen", "dependants_fen", "other_debts_fen",
        "dependants", "hardship_reason", "hardship_detail", "decline_reason", "answer_note", "counter_kind",
        "counter_months", "counter_deferral_days", "counter_start_date", "created_at", "submitted_at",
        "decided_at", "closed_at")
PLAN_LINE = ("which", "seq", "due_date", "amount_fen")
FILE = ("original_name", "mime", "size", "sha256")
COMPLAINT = ("reference", "reporter_name", "reporter_relation", "debtor_name", "contact_phone",
             "preferred_contact", "occurred_on", "occurred_time", "channel", "collector_name", "collector_badge",
             "collector_phone", "what_happened", "outcome_wanted", "state", "received_at", "acknowledged_at",
             "decided_at", "acknowledge_due", "decide_due", "outcome_category", "outcome_explanation", "response",
             "responded_at")
COMPLAINT_MESSAGE = ("author_kind", "body", "at")  # who wrote it as "complainant" or "staff", never which staff
COMPLAINT_EVENT = ("kind", "at")
MESSAGE = ("kind", "channel", "recipient", "state", "created_at", "sent_at")  # the text may hold a used code
CONTACT = ("contact_ref", "at", "channel", "answered", "duration_s", "to_number", "to_party", "from_number", "agent",
           "agency_code", "summary", "collectors_count")  # the contact log the lender exported (/contacts)
DATA_REQUEST = ("kind", "detail", "state", "received_at", "due_on", "answer", "answered_at")


def _moment(value: datetime) -> str:
    """A stored UTC moment as the pages show it: in the lender's time zone with its offset
    (2026-12-07T15:00:00+08:00): the same instant, machine-readable, and the clock time the borrower saw."""
    from portal.i18n import lender_tz

    return value.astimezone(lender_tz()).isoformat()


def _value(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return _moment(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj, columns) -> dict:
    return {name: _value(getattr(obj, name)) for name in columns}


def collect(session: Session, borrower: Borrower) -> tuple[dict, list[tuple[str, str]]]:
    """The JSON document and the files to add (stored name, name inside the ZIP), for this borrower only."""
    files: list[tuple[str, str]] = []

    def _all(stmt) -> list:
        return list(session.scalars(stmt))

    def file_entry(item, folder: str) -> dict:
        inside = f"files/{folder}/{item.id}-{uploads.clean_filename(item.original_name)}"
        files.append((item.stored_name, inside))
        return {**_row(item, FILE), "file": inside}

    loans = []
    for loan in _all(select(Loan).where(Loan.borrower_id == borrower.id).order_by(Loan.loan_ref)):
        loans.append({
            **_row(loan, LOAN),
            "schedule": [_row(i, INSTALMENT) for i in _all(select(Instalment).where(Instalment.loan_id == loan.id)
                                                              .order_by(Instalment.seq))],
            "payments": [_row(p, PAYMENT) for p in _all(select(Payment).where(Payment.loan_id == loan.id)
                                                           .order_by(Payment.seq))],
        })

    visits = []
    for visit in _all(select(Visit).join(Loan, Visit.loan_id == Loan.id).where(Loan.borrower_id == borrower.id)
                      .order_by(Visit.window_start, Visit.id)):
        record = session.scalar(select(VisitRecord).where(VisitRecord.visit_id == visit.id))
        visits.append({
            **_row(visit, VISIT), "loan_ref": visit.loan.loan_ref,
            "visitors": [_row(v, VISITOR) for v in visit.visitors],
            "answers": [_row(a, VISIT_ANSWER) for a in _all(select(VisitAnswer).where(VisitAnswer.visit_id == visit.id)
                                                               .order_by(VisitAnswer.id))],
            "record": _row(record, VISIT_RECORD) if record is not None else None,
            "notes_from_the_lender": [_row(n, VISIT_NOTE) for n in _all(
                select(VisitAnnotation).where(VisitAnnotation.visit_id == visit.id).order_by(VisitAnnotation.id))],
            "disputes": [_row(d, VISIT_DISPUTE) for d in _all(
                select(VisitDispute).where(VisitDispute.visit_id == visit.id).order_by(VisitDispute.id))],
        })

    plans = []
    for plan in _all(select(PlanProposal).where(PlanProposal.borrower_id == borrower.id).order_by(PlanProposal.id)):
        plans.append({
            **_row(plan, PLAN), "loan_ref": plan.loan.loan_ref,
            "lines": [_row(line, PLAN_LINE) for line in _all(select(PlanLine).where(PlanLine.proposal_id == plan.id)
                                                              .order_by(PlanLine.which, PlanLine.seq))],
            "proofs": [file_entry(p, "plans") for p in _all(select(PlanProof).where(PlanProof.proposal_id == plan.id)
                                                             .order_by(PlanProof.id))],
        })

    complaints = []
    for c in _all(select(Complaint).where(Complaint.borrower_id == borrower.id).order_by(Complaint.id)):
        complaints.append({
            **_row(c, COMPLAINT),
            "categories": sorted(session.scalars(select(ComplaintCategory.category)
                                                    .where(ComplaintCategory.complaint_id == c.id))),
            "messages": [_row(m, COMPLAINT_MESSAGE) for m in _all(
                select(ComplaintMessage).where(ComplaintMessage.complaint_id == c.id).order_by(ComplaintMessage.id))],
            "timeline": [_row(e, COMPLAINT_EVENT) for e in _all(
                select(ComplaintEvent).where(ComplaintEvent.complaint_id == c.id).order_by(ComplaintEvent.id))],
            "evidence": [file_entry(e, "complaints") for e in _all(
                select(ComplaintEvidence).where(ComplaintEvidence.complaint_id == c.id,
                                                ComplaintEvidence.added_by == "complainant")
                .order_by(ComplaintEvidence.id))],
        })

    consent_changes = [_moment(a.at) for a in _all(
        select(AuditEvent).where(AuditEvent.borrower_id == borrower.id,
                                 AuditEvent.action == "borrower.family_contact_consent").order_by(AuditEvent.at))]
    logins = [{"logged_in_at": _moment(s.created_at), "last_seen_at": _moment(s.last_seen_at)} for s in _all(
        select(LoginSession).where(LoginSession.borrower_id == borrower.id).order_by(LoginSession.created_at))]
    document = {
        "format": FORMAT,
        "generated_at": _moment(utcnow()),
        "time_zone": current_app.config["PORTAL_TIMEZONE"],
        "about": about(borrower.locale),
        "identity_and_contact": _row(borrower, BORROWER),
        "consent": {"family_contact_consent": borrower.family_contact_consent,
                    "preferred_contact": borrower.preferred_contact, "changed_at": consent_changes},
        "loans": loans,
        "visits": visits,
        "repayment_plans": plans,
        "complaints": complaints,
        "collection_contacts": [_row(c, CONTACT) | {"loan_ref": ref} for c, ref in session.execute(
            select(Contact, Loan.loan_ref).join(Loan, Contact.loan_id == Loan.id)
            .where(Loan.borrower_id == borrower.id).order_by(Contact.at, Contact.id))],
        "data_requests": [_row(r, DATA_REQUEST) | {"reference": r.reference} for r in _all(
            select(DataRequest).where(DataRequest.borrower_id == borrower.id).order_by(DataRequest.id))],
        "messages_sent": [_row(m, MESSAGE) for m in _all(
            select(Outbox).where(Outbox.borrower_id == borrower.id).order_by(Outbox.created_at, Outbox.id))],
        "logins": logins,
    }
    return document, files


def about(locale: str) -> str:
    """What data.json is, in the borrower's language (the keys stay English: they are for programs); forced, since
    the worker that builds the download has no request to take the language from."""
    from portal.i18n import local_now

    with force_locale(locale):
        return _("Personal information that the borrower portal holds about you (Personal Information "
                 "Protection Law, Art. 45). Amounts whose name ends in _fen are in fen (1/100 yuan). Times are in "
                 "the lender's time zone (%(zone)s) and end with their offset from UTC, for example %(offset)s.",
                 zone=current_app.config["PORTAL_TIMEZONE"], offset=local_now().isoformat()[-6:])


def build_zip(session: Session, borrower: Borrower) -> tuple[bytes, int]:
    """The ZIP's bytes and how many files it carries besides data.json."""
    document, files = collect(session, borrower)
    buffer = io.BytesIO()
    added = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(document, ensure_ascii=False, indent=2))
        for stored_name, inside in files:
            try:
                with uploads.open_file(stored_name) as fh:
                    archive.writestr(inside, fh.read())
                added += 1
            except FileNotFoundError:
                continue  # deleted by retention meanwhile: data.json still lists it
    return buffer.getvalue(), added


def request_export(borrower: Borrower) -> DataExport:
    """A pending download in the request's transaction; the worker is asked to build it once that commits."""
    now = utcnow()
    item = DataExport(borrower_id=borrower.id, created_at=now, expires_at=now + timedelta(hours=LINK_HOURS))
    db.session.add(item)
    db.session.flush()
    app, export_id = current_app._get_current_object(), item.id
    after_commit(lambda: _enqueue(app, export_id))
    return item


def enqueue_build(export_id: int) -> None:
    """Ask a worker to build the borrower's data download ``export_id``."""
    enqueue(BUILD, export_id)


def _enqueue(app, export_id: int) -> None:
    from flask import has_app_context

    if has_app_context():
        enqueue_build(export_id)
    else:
        with app.app_context():
            enqueue_build(export_id)


def build(export_id: int) -> bool:
    """Build and store the ZIP of pending download ``export_id`` (the worker's task; a second run does nothing).
    The file is written before the row says so; if that commit fails the file is deleted again."""
    with Session(bind=db.engine, expire_on_commit=False) as session:
        item = session.get(DataExport, export_id)
        if item is None or item.stored_name is not None or item.expires_at <= utcnow():
            return False
        borrower = session.get(Borrower, item.borrower_id)
        data, _ = build_zip(session, borrower)
        name = secrets.token_hex(16)
        store.backend().write(name, data)
        try:
            item.stored_name, item.size, item.sha256 = name, len(data), hashlib.sha256(data).hexdigest()
            item.ready_at = utcnow()
            session.commit()
        except BaseException:
            session.rollback()
            uploads.delete(name)
            raise
        return True


def export_for(borrower: Borrower, export_id: int) -> DataExport | None:
    """The borrower's own export, or None (someone else's id and an unknown id look the same)."""
    item = db.session.get(DataExport, export_id)
    return item if item is not None and item.borrower_id == borrower.id else None


def exports_of(borrower: Borrower, now: datetime | None = None) -> list[DataExport]:
    return list(db.session.scalars(select(DataExport).where(DataExport.borrower_id == borrower.id,
                                         DataExport.expires_at > (now or utcnow()))
                                   .order_by(DataExport.id.desc())))
