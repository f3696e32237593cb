"""What staff read of console imports: the kind of file and the state of its import (the import pages and the
audit log)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    # Translators: what a console import file holds (staff console)
    "loans": _l("loans"),
    "contacts": _l("collection contacts"),
}
STATE_LABELS = {
    # Translators: state of a console import
    "queued": _l("waiting for the worker"),
    "running": _l("importing"),
    "done": _l("finished"),
    "failed": _l("stopped with an error"),
}
