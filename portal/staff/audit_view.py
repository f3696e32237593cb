"""The audit log as people read it: actor names, localised actions, objects as links, details as text.

The console stands above the domains, so it is the one place that knows how to name and link each object type.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.models import Borrower, StaffUser
from portal.api.labels import SCOPE_LABELS
from portal.audit.labels import ACTION_LABELS, ACTOR_KIND_LABELS, DETAIL_LABELS, VALUE_LABELS
from portal.audit.models import AuditEvent
from portal.complaints.labels import OUTCOME_LABELS as COMPLAINT_OUTCOME_LABELS
from portal.complaints.labels import QUEUE_STATUS_LABELS as COMPLAINT_QUEUE_LABELS
from portal.complaints.labels import STATE_LABELS as COMPLAINT_STATE_LABELS
from portal.complaints.models import Complaint
from portal.extensions import db
from portal.i18n import fmt_datetime, money
from portal.imports.labels import KIND_LABELS as IMPORT_KIND_LABELS
from portal.imports.models import ImportJob
from portal.loans.models import Loan
from portal.notify.labels import FILTER_LABELS as MESSAGE_FILTER_LABELS
from portal.notify.labels import KIND_LABELS as MESSAGE_KIND_LABELS
from portal.plans.labels import DECLINE_LABELS, KIND_LABELS as PLAN_KIND_LABELS
from portal.plans.labels import QUEUE_FILTER_LABELS as PLAN_QUEUE_LABELS
from portal.plans.models import PlanProposal
from portal.privacy import rules as privacy_rules
from portal.privacy.labels import KIND_LABELS as DATA_REQUEST_KIND_LABELS
from portal.privacy.labels import OUTCOME_LABELS as DATA_REQUEST_OUTCOME_LABELS
from portal.privacy.models import DataRequest
from portal.security import db_id
from portal.visits.labels import METHOD_LABELS as VISIT_METHOD_LABELS
from portal.visits.models import Visit, Visitor
from portal.webhooks.labels import FILTER_LABELS as WEBHOOK_FILTER_LABELS
from portal.webhooks.models import WebhookDelivery, WebhookEndpoint

# Staff-side pages of a borrower, whichever the console has (the first registered endpoint wins).
BORROWER_ENDPOINTS = ("staff_borrowers.detail",)
LOAN_ENDPOINT = "staff_borrowers.loan"


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***: enough to recognise a borrower in a list, not to identify a stranger."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else "*"


def _borrower_url(borrower_id: int) -> str | None:
    for endpoint in BORROWER_ENDPOINTS:
        if endpoint in current_app.view_functions:
            return url_for(endpoint, borrower_id=borrower_id)
    return None


def staff_names() -> list[tuple[int, str]]:
    """Every staff member (id, name) for the filter, disabled ones too: their past actions stay in the log."""
    return list(db.session.execute(select(StaffUser.id, StaffUser.display_name).order_by(StaffUser.display_name)))


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    # Translators: an audit action that has no name yet; %(code)s is its internal code.
    return str(label) if label is not None else _("did %(code)s", code=code)


def borrower_objects(borrower_id: int) -> dict[str, list[str]]:
    """The ids (as the audit log stores them) of a borrower's loans, complaints, plans and visits."""
    loans = list(db.session.execute(select(Loan.id, Loan.loan_ref).where(Loan.borrower_id == borrower_id)))
    loan_ids = [loan_id for loan_id, _ref in loans]
    return {
        "loan": [ref for _id, ref in loans],
        "complaint": list(db.session.scalars(select(Complaint.reference).where(Complaint.borrower_id == borrower_id))),
        "plan": [str(i) for i in db.session.scalars(select(PlanProposal.id)
                                                    .where(PlanProposal.borrower_id == borrower_id))],
        "visit": [str(i) for i in db.session.scalars(select(Visit.id).where(Visit.loan_id.in_(loan_ids)))]
        if loan_ids else [],
    }


# ---- objects --------------------------------------------------------------------------------------------

Resolved = dict[str, tuple[str, str | None]]  # object id -> (text, url)


def _ints(ids: set[str]) -> list[int]:
    return [i for i in map(db_id, ids) if i]


def _complaints(ids: set[str]) -> Resolved:
    return {ref: (ref, url_for("staff_complaints.detail", reference=ref))
            for ref in db.session.scalars(select(Complaint.reference).where(Complaint.reference.in_(ids)))}


def _loan_url(borrower_id: int, loan_ref: str) -> str | None:
    if LOAN_ENDPOINT in current_app.view_functions:
        return url_for(LOAN_ENDPOINT, borrower_id=borrower_id, loan_ref=loan_ref)
    return _borrower_url(borrower_id)


def _loans(ids: set[str]) -> Resolved:
    rows = db.session.execute(select(Loan.loan_ref, Loan.borrower_id).where(Loan.loan_ref.in_(ids)))
    return {ref: (_("Loan %(ref)s", ref=ref), _loan_url(borrower_id, ref)) for ref, borrower_id in rows}


def _plans(ids: set[str]) -> Resolved:
    rows = db.session.execute(select(PlanProposal.id, Loan.loan_ref).join(Loan, Loan.id == PlanProposal.loan_id)
                              .where(PlanProposal.id.in_(_ints(ids))))
    return {str(i): (_("Plan %(id)d for loan %(ref)s", id=i, ref=ref), url_for("staff_plans.detail", proposal_id=i))
            for i, ref in rows}


def _visits(ids: set[str]) -> Resolved:
    rows = db.session.execute(select(Visit.id, Loan.loan_ref).join(Loan, Loan.id == Visit.loan_id)
                              .where(Visit.id.in_(_ints(ids))))
    return {str(i): (_("Visit %(id)d for loan %(ref)s", id=i, ref=ref), url_for("staff_visits.detail", visit_id=i))
            for i, ref in rows}


def _borrowers(ids: set[str]) -> Resolved:
    rows = db.session.execute(select(Borrower.id, Borrower.name).where(Borrower.id.in_(_ints(ids))))
    return {str(i): (_("Borrower %(name)s", name=mask_name(name)), _borrower_url(i)) for i, name in rows}


def _staff(ids: set[str]) -> Resolved:
    rows = db.session.execute(select(StaffUser.id, StaffUser.display_name).where(StaffUser.id.in_(_ints(ids))))
    return {str(i): (name, url_for("staff_team.member", staff_id=i)) for i, name in rows}


def _visitors(ids: set[str]) -> Resolved:
    rows = db.session.execute(select(Visitor.id, Visitor.name, Visitor.badge_number)
                              .where(Visitor.id.in_(_ints(ids))))
    return {str(i): (_("Visitor %(name)s (badge %(badge)s)", name=name, badge=badge),
                     url_for("staff_visits.roster")) for i, name, badge in rows}


def _reports(ids: set[str]) -> Resolved:
    # Translators: audit log object: the reports page, which shows every report at once
    names = {"all": _("All reports"), "complaints": _("Complaint report"), "plans": _("Plan report"),
             "visits": _("Visit report"), "breaches": _("Report of contacts that did not follow the rules")}
    url = url_for("staff_reports.index") if "staff_reports.index" in current_app.view_functions else None
    return {i: (names.get(i, i), url) for i in ids}


def _url(endpoint: str, **values) -> str | None:
    """The page of an object, when the console has it (a domain's blueprint may be left out)."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None


def _imports(ids: set[str]) -> Resolved:
    rows = db.session.execute(select(ImportJob.id, ImportJob.original_name).where(ImportJob.id.in_(_ints(ids))))
    return {str(i): (_("Import of %(name)s", name=name), _url("staff_imports.show", import_id=i)) for i, name in rows}


def _data_requests(refs: set[str]) -> Resolved:
    ids = [i for i in map(privacy_rules.request_id, refs) if i is not None]
    rows = db.session.execute(select(DataRequest.id, DataRequest.kind).where(DataRequest.id.in_(ids)))
    return {privacy_rules.reference(i): (_("%(ref)s · %(kind)s", ref=privacy_rules.reference(i),
                                           kind=DATA_REQUEST_KIND_LABELS.get(kind, kind)),
                                         _url("staff_privacy.detail", request_id=i)) for i, kind in rows}


def _webhook_endpoints(ids: set[str]) -> Resolved:
    rows = db.session.execute(select(WebhookEndpoint.id, WebhookEndpoint.name)
                              .where(WebhookEndpoint.id.in_(_ints(ids))))
    return {str(i): (_("Endpoint “%(name)s”", name=name), _url("staff_webhooks.index")) for i, name in rows}


def _webhook_deliveries(ids: set[str]) -> Resolved:
    found = db.session.scalars(select(WebhookDelivery.id).where(WebhookDelivery.id.in_(_ints(ids))))
    # Translators: audit log object: one delivery of an event to a webhook endpoint, by its number
    return {str(i): (_("Webhook delivery %(id)d", id=i), _url("staff_webhooks.delivery", delivery_id=i))
            for i in found}


RESOLVERS: dict[str, Callable[[set[str]], Resolved]] = {
    "complaint": _complaints, "loan": _loans, "plan": _plans, "visit": _visits, "borrower": _borrowers,
    "staff": _staff, "visitor": _visitors, "report": _reports, "import": _imports, "data_request": _data_requests,
    "webhook_endpoint": _webhook_endpoints, "webhook_delivery": _webhook_deliveries,
}


# ---- details --------------------------------------------------------------------------------------------

# The codes an action records in its details (a status, a kind, an outcome), with their words: the same key means
# different things in different actions ("kind" of a plan, of a message, of an import). tests/audit/test_labels.py
# fails when code records a detail that holds a code and is not here, or a code of it has no words.
ACTION_VALUE_LABELS = {
    ("complaint.queue_viewed", "status"): {**COMPLAINT_QUEUE_LABELS, **COMPLAINT_STATE_LABELS},
    ("complaint.state_changed", "state"): COMPLAINT_STATE_LABELS,
    ("complaint.state_changed", "outcome"): COMPLAINT_OUTCOME_LABELS,
    ("plan.queue_viewed", "status"): PLAN_QUEUE_LABELS,
    ("plan.submitted", "kind"): PLAN_KIND_LABELS,
    ("plan.countered", "kind"): PLAN_KIND_LABELS,
    ("plan.declined", "reason"): DECLINE_LABELS,
    ("messages.viewed", "state"): MESSAGE_FILTER_LABELS,
    ("message.retried", "kind"): MESSAGE_KIND_LABELS,
    ("import.uploaded", "kind"): IMPORT_KIND_LABELS,
    ("data_request.filed", "kind"): DATA_REQUEST_KIND_LABELS,
    ("data_request.answered", "outcome"): DATA_REQUEST_OUTCOME_LABELS,
    ("webhooks.viewed", "state"): WEBHOOK_FILTER_LABELS,
    ("api_token.created", "scopes"): SCOPE_LABELS,  # space-separated, as the token stores them
    ("visit.recorded", "method"): VISIT_METHOD_LABELS,
}
# Details named differently for one action: a redelivery's "kind" is the event type, an identifier the lender's
# systems read, shown as the webhook pages show it.
ACTION_DETAIL_LABELS = {
    ("webhook.redelivered", "kind"): DETAIL_LABELS["event_type"],
}


def _yes_no(value: bool) -> str:
    if value:
        # Translators: the answer to a yes/no question (e.g. did the visitors show their staff cards)
        return _("Yes")
    # Translators: the answer to a yes/no question (e.g. did the visitors show their staff cards)
    return _("No")


def _staff_name(column, value) -> str:
    name = db.session.scalar(select(StaffUser.display_name).where(column == value))
    return name or str(value)


def _value(key: str, value, action: str = "") -> str:
    labels = ACTION_VALUE_LABELS.get((action, key))
    if labels is not None and isinstance(value, str):
        if value in labels:
            return str(labels[value])
        if value.split() and all(v in labels for v in value.split()):  # several codes, as API scopes are stored
            return "、".join(str(labels[v]) for v in value.split())
    if isinstance(value, bool) or value in ("yes", "no"):
        return _yes_no(value in (True, "yes"))
    if isinstance(value, list):
        return "、".join(str(VALUE_LABELS.get(v, v)) for v in value) if value else "—"
    if isinstance(value, dict):
        return "; ".join(f"{_key_label(k)}: {_value(k, v, action)}" for k, v in value.items() if v not in ("", None))
    if key.endswith("_fen") and isinstance(value, int):
        return money(value)
    if key in ("role", "previous_role") and value in ("agent", "supervisor"):
        return _("Supervisor") if value == "supervisor" else _("Agent")
    if key == "to" and isinstance(value, str):  # a complaint assigned to a staff member, stored by username
        return _staff_name(StaffUser.username, value)
    if key == "staff" and isinstance(value, str) and db_id(value):  # the audit log's own staff filter
        return _staff_name(StaffUser.id, db_id(value))
    if key == "action" and isinstance(value, str):  # the audit log's own action filter
        return action_label(value)
    if key == "borrower_id" and isinstance(value, int):
        name = db.session.scalar(select(Borrower.name).where(Borrower.id == value))
        return mask_name(name) if name else str(value)
    if key == "sha256" and isinstance(value, str):
        return value[:12] + "…"
    if key in ("window", "arrived", "departed", "since", "until") and isinstance(value, str):
        try:
            return fmt_datetime(datetime.fromisoformat(value), "short")
        except ValueError:
            return value
    return str(value)


def _key_label(key: str, action: str = "") -> str:
    label = ACTION_DETAIL_LABELS.get((action, key), DETAIL_LABELS.get(key))
    return str(label) if label is not None else key


def detail_parts(raw: str, action: str = "") -> list[tuple[str, str]]:
    """The stored details of an ``action`` as (label, text) pairs; text that is not a JSON object is shown as it
    is."""
    if not raw:
        return []
    try:
        data = json.loads(raw)
    except ValueError:
        return [(_key_label("detail"), raw)]
    if not isinstance(data, dict):
        return [(_key_label("detail"), str(data))]
    return [(_key_label(k, action), _value(k, v, action)) for k, v in data.items() if v not in ("", None, [], {})]


def detail_text(raw: str, action: str = "") -> str:
    return "; ".join(f"{label}: {text}" for label, text in detail_parts(raw, action))


# ---- rows -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    actor_url: str | None
    action: str
    object_text: str
    object_url: str | None
    details: list[tuple[str, str]]
    ip: str


def rows(events: list[AuditEvent]) -> list[AuditRow]:
    wanted: dict[str, set[str]] = {}
    for e in events:
        if e.object_type and e.object_id:
            wanted.setdefault(e.object_type, set()).add(e.object_id)
    resolved = {kind: RESOLVERS[kind](ids) for kind, ids in wanted.items() if kind in RESOLVERS}
    borrower_ids = {str(e.borrower_id) for e in events if e.borrower_id}
    borrowers = _borrowers(borrower_ids) if borrower_ids else {}
    staff_ids = {str(e.staff_id) for e in events if e.staff_id}
    staff = _staff(staff_ids) if staff_ids else {}
    out = []
    for e in events:
        if e.staff_id:
            actor, actor_url = staff.get(str(e.staff_id), (_("Staff member %(id)s", id=e.staff_id), None))
        elif e.borrower_id:
            actor, actor_url = borrowers.get(str(e.borrower_id), (_("A borrower"), None))
        else:
            actor, actor_url = str(ACTOR_KIND_LABELS.get(e.actor_kind, ACTOR_KIND_LABELS["public"])), None
        text, url = resolved.get(e.object_type, {}).get(e.object_id, (e.object_id, None))
        if e.object_type == "audit":
            text, url = _("The audit log"), None
        out.append(AuditRow(id=e.id, at=e.at, actor=actor, actor_url=actor_url, action=action_label(e.action),
                            object_text=text, object_url=url, details=detail_parts(e.detail, e.action), ip=e.ip))
    return out
