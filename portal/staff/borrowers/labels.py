"""Visible names on the staff borrower pages (one place)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.accounts.rules import mask_id_number
from portal.complaints.labels import STATE_LABELS as COMPLAINT_STATES
from portal.notify.labels import STATE_LABELS as MESSAGE_STATES
from portal.plans.labels import KIND_LABELS as PLAN_KINDS
from portal.plans.labels import STAFF_STATE_LABELS as PLAN_STATES  # the staff plans queue's words
from portal.visits.labels import STAFF_STATE_LABELS as VISIT_STATES

LOOKUP_KIND_LABELS = {
    "phone": _l("phone number"),
    "id_number": _l("ID number"),
    "id_tail": _l("last 4 of the ID number"),
    "loan_ref": _l("loan reference"),
    "complaint_ref": _l("complaint reference"),
    "name_key": _l("name"),
}
LOCALE_LABELS = {"zh_Hans": "简体中文", "zh_Hant": "繁體中文"}
CONTACT_LABELS = {
    "sms": _l("By SMS"),
    "phone": _l("By phone call"),
    "portal": _l("Only through this portal, when possible"),
}


def template_helpers() -> dict:
    return {"lookup_kind_labels": LOOKUP_KIND_LABELS, "locale_labels": LOCALE_LABELS,
            "borrower_contact_labels": CONTACT_LABELS, "mask_id": mask_id_number,
            "complaint_states": COMPLAINT_STATES, "plan_kinds": PLAN_KINDS, "plan_states": PLAN_STATES,
            "visit_states": VISIT_STATES, "message_states": MESSAGE_STATES}
