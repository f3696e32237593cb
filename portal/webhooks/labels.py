"""What supervisors read of webhook deliveries: the state of each one and the delivery list's filter (the webhook
pages and the audit log)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATE_LABELS = {
    # Translators: state of a webhook delivery (staff console)
    "pending": _l("waiting to be sent"),
    "sending": _l("being sent"),
    "delivered": _l("delivered"),
    "failed": _l("failed"),
}
# The delivery list's state filter: each state, or every delivery.
FILTER_LABELS = {**STATE_LABELS, "all": _l("all deliveries")}
