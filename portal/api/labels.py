"""What staff read of API tokens: what each scope lets the lender's systems do (the token pages and the audit
log)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

SCOPE_LABELS = {
    # Translators: what an API token of the lender's systems may do (staff console)
    "loans:write": _l("send loans (create and update)"),
    "loans:read": _l("read a loan's current state"),
    "contacts:write": _l("send collection contacts"),
    "events:read": _l("read the event feed"),
}
