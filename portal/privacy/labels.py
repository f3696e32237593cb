"""What staff read of a borrower's personal information requests: the kind of request and the answer given (the
request pages and the audit log)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.privacy import rules

KIND_LABELS = {
    # Translators: the kind of a borrower's request: to correct their personal data
    rules.CORRECTION: _l("Correction"),
    # Translators: the kind of a borrower's request: to delete their personal data
    rules.DELETION: _l("Deletion"),
}
# Staff's answer to a request (the borrower reads the state in their own words: queries.state_label).
OUTCOME_LABELS = {
    rules.DONE: _l("Done as asked"),
    rules.DECLINED: _l("Not done"),
}
