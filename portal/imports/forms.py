"""The console's upload form: what kind of file, and the file."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FileField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal.forms import ActionForm


def _kinds():
    return [SelectChoice("loans", _l("Loans (the loan export: one loan per line)")),
            SelectChoice("contacts", _l("Collection contacts (the contact log: one contact per line)"))]


class UploadForm(ActionForm):
    kind = RadioField(_l("What the file holds"), choices=_kinds, default="loans",
                      validators=[InputRequired(message=_l("Choose what the file holds."))])
    file = FileField(_l("Import file (JSON Lines, .jsonl)"))
