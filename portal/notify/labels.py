"""What staff read of the outbox: a name for each kind of message and each state, and the list's filter values.

tests/notify/test_labels.py fails when a kind in ``portal.notify.kinds`` has no name here.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Translators: the kind of a message in the staff console's outbox (what the SMS or e-mail is about)
KIND_LABELS = {
    "account_code": _l("Code to activate the account or reset the password"),
    "account_active": _l("Account activated"),
    "visit_proposed": _l("Visit proposed"),
    "visit_rescheduled": _l("Visit moved to another time"),
    "visit_cancelled": _l("Visit cancelled"),
    "visit_remote_declined": _l("Video check declined, the visit stands"),
    "visit_recorded": _l("Visit record to confirm"),
    "visit_tomorrow": _l("Reminder of tomorrow's visit"),
    "plan_approved": _l("Repayment plan approved"),
    "plan_declined": _l("Repayment plan not approved"),
    "plan_counter": _l("Other terms proposed for a repayment plan"),
    "plan_agreed": _l("Repayment plan agreed"),
    "instalment_due": _l("Reminder of a payment due"),
    "instalment_missed": _l("Payment missed"),
    "plan_payment_due": _l("Reminder of a payment due under an agreed plan"),
    "plan_payment_missed": _l("Payment under an agreed plan missed"),
    "complaint_acknowledged": _l("Complaint received"),
    "complaint_extended": _l("Complaint deadline extended"),
    "complaint_reply": _l("Reply to a complaint"),
    "complaint_decided": _l("Complaint decided"),
    "report_received": _l("Third party's report received"),
    "report_updated": _l("Third party's report: status changed"),
    "staff_digest": _l("Staff e-mail: complaint deadlines"),
}

STATE_LABELS = {
    # Translators: state of a message in the outbox (staff console)
    "pending": _l("waiting to be sent"),
    "sending": _l("being sent"),
    # Translators: message state: the SMS or e-mail was handed to the gateway
    "sent": _l("sent"),
    # Translators: message state: the SMS or e-mail could not be delivered
    "failed": _l("failed"),
}

# The outbox list's filter: one state, or every message.
FILTER_LABELS = {**STATE_LABELS, "all": _l("all messages")}


def kind_label(kind: str) -> str:
    """A kind's name; a kind with no name yet shows as its code rather than nothing."""
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind
