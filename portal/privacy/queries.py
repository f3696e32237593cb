"""Reads of the data-rights domain: what the portal holds about a borrower, their requests, the staff queue."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import abort, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import Borrower, LoginSession
from portal.audit.models import AuditEvent
from portal.complaints import rules as complaint_rules
from portal.complaints.models import Complaint, ComplaintEvidence
from portal.contacts.models import Contact
from portal.extensions import db
from portal.i18n import fmt_date, local_today
from portal.loans.models import Loan
from portal.notify.models import Outbox
from portal.plans.models import PlanProposal
from portal.privacy import rules
from portal.privacy.labels import KIND_LABELS
from portal.privacy.models import DataRequest
from portal.paging import FirstAndCount
from portal.visits.models import Visit


@dataclass(frozen=True)
class MyData:
    """What the portal holds about one borrower, computed once for the page."""

    name: str
    masked_id: str
    address: str
    phone: str
    locale: str
    preferred_contact: str
    family_contact_consent: bool
    consent_changed_at: datetime | None
    loan_refs: list[str]
    visits: int
    visits_with_family_choice: int
    plans: int
    plan_drafts: int
    complaints: int
    evidence_files: int
    sessions: list[datetime]
    requests: list[DataRequest] = field(default_factory=list)
    messages: list[Outbox] = field(default_factory=list)
    messages_total: int = 0
    contacts: int = 0


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def my_data(borrower: Borrower) -> MyData:
    loans = list(db.session.scalars(select(Loan.loan_ref).where(Loan.borrower_id == borrower.id)
                                    .order_by(Loan.loan_ref)))
    visits = select(Visit.id).join(Loan, Visit.loan_id == Loan.id).where(Loan.borrower_id == borrower.id)
    plans = select(PlanProposal.id).where(PlanProposal.borrower_id == borrower.id)
    complaints = select(Complaint.id).where(Complaint.borrower_id == borrower.id)
    evidence = (select(ComplaintEvidence.id).join(Complaint, ComplaintEvidence.complaint_id == Complaint.id)
                .where(Complaint.borrower_id == borrower.id))
    consent_at = db.session.scalar(
        select(func.max(AuditEvent.at)).where(AuditEvent.borrower_id == borrower.id,
                                              AuditEvent.action == "borrower.family_contact_consent"))
    sessions = list(db.session.scalars(select(LoginSession.created_at).where(LoginSession.borrower_id == borrower.id)
                                       .order_by(LoginSession.created_at.desc())))
    return MyData(
        # Only the last 4 characters of the ID number: enough to recognise it, not to copy it.
        name=borrower.name, masked_id="*" * (len(borrower.id_number) - 4) + borrower.id_number[-4:],
        address=borrower.address,
        phone=borrower.phone, locale=borrower.locale, preferred_contact=borrower.preferred_contact,
        family_contact_consent=borrower.family_contact_consent, consent_changed_at=consent_at,
        loan_refs=loans, visits=_count(visits),
        visits_with_family_choice=_count(visits.where(Visit.family_contact_allowed.is_not(None))),
        plans=_count(plans.where(PlanProposal.state != "draft")),
        plan_drafts=_count(plans.where(PlanProposal.state == "draft")),
        complaints=_count(complaints), evidence_files=_count(evidence), sessions=sessions,
        requests=requests_of(borrower), messages=messages_of(borrower),
        messages_total=_count(select(Outbox.id).where(Outbox.borrower_id == borrower.id)),
        contacts=_count(select(Contact.id).join(Loan, Contact.loan_id == Loan.id)
                        .where(Loan.borrower_id == borrower.id)),
    )


MESSAGES_SHOWN = 50


def messages_of(borrower: Borrower, limit: int | None = MESSAGES_SHOWN) -> list[Outbox]:
    """The messages the portal sent (or is sending) to the borrower, newest first."""
    stmt = select(Outbox).where(Outbox.borrower_id == borrower.id).order_by(Outbox.created_at.desc(), Outbox.id.desc())
    return list(db.session.scalars(stmt.limit(limit) if limit else stmt))


# Translators: what a message the portal sent to the borrower was about (the "messages sent" list on the data page).
MESSAGE_KINDS = {
    "account_code": _l("A code to activate your account or reset your password"),
    "account_active": _l("Your account is active"),
    "visit_proposed": _l("A visit was proposed"),
    "visit_rescheduled": _l("A visit was moved"),
    "visit_cancelled": _l("A visit was cancelled"),
    "visit_remote_declined": _l("Your request for a video call instead of a visit was declined"),
    "visit_recorded": _l("The record of a visit is ready"),
    "visit_tomorrow": _l("Reminder: a visit tomorrow"),
    "plan_approved": _l("Your repayment plan was approved"),
    "plan_declined": _l("Your repayment plan was declined"),
    "plan_counter": _l("The lender made a counter-offer to your repayment plan"),
    "plan_agreed": _l("Your repayment plan is agreed"),
    "instalment_due": _l("An instalment is due soon"),
    "instalment_missed": _l("An instalment was missed"),
    "plan_payment_due": _l("A payment under your repayment plan is due soon"),
    "plan_payment_missed": _l("A payment under your repayment plan was missed"),
    "complaint_acknowledged": _l("Your complaint was received"),
    "complaint_extended": _l("The answer to your complaint will take longer"),
    "complaint_reply": _l("A reply to your complaint"),
    "complaint_decided": _l("Your complaint has been decided"),
    "report_received": _l("Your report was received"),
    "report_updated": _l("Your report was updated"),
}
# Translators: how a message was sent to the borrower.
MESSAGE_CHANNELS = {"sms": _l("Text message (SMS)"), "email": _l("Email")}
# Translators: where a message to the borrower stands.
MESSAGE_STATES = {"pending": _l("Waiting to be sent"), "sending": _l("Being sent"), "sent": _l("Sent"),
                  "failed": _l("Could not be sent")}


def message_kind_label(kind: str) -> str:
    return str(MESSAGE_KINDS.get(kind, _l("Another message")))


def message_channel_label(channel: str) -> str:
    return str(MESSAGE_CHANNELS.get(channel, channel))


def message_state_label(state: str) -> str:
    return str(MESSAGE_STATES.get(state, state))


def requests_of(borrower: Borrower) -> list[DataRequest]:
    return list(db.session.scalars(select(DataRequest).where(DataRequest.borrower_id == borrower.id)
                                   .order_by(DataRequest.id.desc())))


def request_for_staff(request_id: int) -> DataRequest:
    item = db.session.get(DataRequest, request_id)
    if item is None:
        abort(404)
    return item


QUEUE_FILTERS = ("open", "answered", "all")


def staff_queue(which: str) -> list[DataRequest]:
    stmt = select(DataRequest)
    if which == "open":
        stmt = stmt.where(DataRequest.state == rules.OPEN).order_by(DataRequest.due_on, DataRequest.id)
    elif which == "answered":
        stmt = stmt.where(DataRequest.state != rules.OPEN).order_by(DataRequest.answered_at.desc())
    else:
        stmt = stmt.order_by(DataRequest.id.desc())
    return list(db.session.scalars(stmt.limit(200)))


# The borrower joined: the home names them (masked) on each row, as the other lists do.
_HOME_OPEN = FirstAndCount(DataRequest, (DataRequest.state == rules.OPEN,), (DataRequest.due_on, DataRequest.id),
                           (joinedload(DataRequest.borrower),))


def queue_provider(staff) -> dict:
    """Open data requests, nearest deadline first, for the staff "my work" home."""
    rows, count = _HOME_OPEN(10)
    today = local_today()
    items = [{"label": _("%(ref)s · %(kind)s", ref=r.reference, kind=kind_label(r.kind)),
              "who": r.borrower.masked_name, "url": url_for("staff_privacy.detail", request_id=r.id),
              "due_text": _("Answer by %(date)s", date=fmt_date(r.due_on)),
              "urgency": complaint_rules.urgency(r.due_on, today)} for r in rows]
    return {"title": _("Data requests to answer"), "url": url_for("staff_privacy.queue"), "count": count,
            "items": items}


def kind_label(kind: str) -> str:
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind


def state_label(state: str) -> str:
    # Translators: the state of a borrower's request to correct or delete their personal information.
    return {rules.OPEN: _("Waiting for our answer"), rules.DONE: _("Done as you asked"),
            rules.DECLINED: _("Not done (see the reason)")}.get(state, state)
