"""Words for visit states and answers, shared by the borrower and staff templates."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATE_LABELS = {
    "proposed": _l("Waiting for your answer"),
    "confirmed": _l("Confirmed"),
    "reschedule_requested": _l("New time requested"),
    "rescheduled": _l("Moved to a new time"),
    "remote_requested": _l("Video call requested"),
    "cancelled": _l("Cancelled"),
    "completed": _l("Visit took place"),
    "missed": _l("Nobody was met"),
}
# Staff see the same states named from their side.
STAFF_STATE_LABELS = dict(STATE_LABELS, proposed=_l("Proposed, no answer yet"))
ANSWER_LABELS = {
    "confirm": _l("Confirmed the visit"),
    "reschedule": _l("Asked for a new time"),
    "remote": _l("Asked for a video call instead"),
    "family": _l("Chose whether visitors may speak with family"),
    "record_confirm": _l("Confirmed the visit record"),
    "record_dispute": _l("Disputed the visit record"),
}


def template_helpers() -> dict:
    return {"state_labels": STATE_LABELS, "staff_state_labels": STAFF_STATE_LABELS,
            "answer_labels": ANSWER_LABELS}
