"""Forms of the staff borrower pages: the lookup (GET), a note, showing personal data, a phone-in complaint."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Form, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.complaints.forms import ComplaintForm
from portal.forms import ActionForm, no_control_chars, stripped
from portal.staff.borrowers.lookup import MAX_QUERY_LENGTH
from portal.staff.borrowers.models import NOTE_MAX_LENGTH


class LookupForm(Form):
    """A GET form (no CSRF: it changes nothing); the length is checked by the lookup, which keeps what was typed."""

    q = StringField(_l("Phone number, name, loan or complaint reference, or last 4 characters of the ID number"),
                    filters=[stripped],
                    description=_l("Any format: 138 0013 8000, +86 13800138000, a name in either script, "
                                   "L2024000123, TS-20261122-0042, 4514."))


class NoteForm(ActionForm):
    body = TextAreaField(_l("Note for the borrower's file"), filters=[stripped],
                         description=_l("Staff only: the borrower does not see notes. Notes cannot be changed later."),
                         validators=[DataRequired(message=_l("Write the note first.")),
                                     Length(max=NOTE_MAX_LENGTH, message=_l(
                                         "Please keep this under %(max)d characters.", max=NOTE_MAX_LENGTH)),
                                     no_control_chars])


class RevealForm(ActionForm):
    """Showing the full phone, ID number and address: a POST, so that each look is a recorded action."""


class PhoneComplaintForm(ComplaintForm):
    """The borrower's complaint form, worded for the agent who writes down what the caller says."""

    evidence = None  # files come through the borrower's own page or by post; not over the phone
    visit_id = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        relabel = {
            "categories": _l("What does the borrower complain about? Choose all that apply"),
            "channel": _l("How was the borrower contacted?"),
            "what_happened": _l("What happened, in the borrower's words"),
            "outcome_wanted": _l("What does the borrower want us to do?"),
            "loan": _l("Which loan is it about?"),
            "preferred_contact": _l("How does the borrower want to hear from us about it?"),
        }
        for name, text in relabel.items():
            getattr(self, name).label.text = text
        # The borrower's hints say "in your own words", "my family": the agent writes down what the caller says.
        hints = {
            "what_happened": _l("As the borrower tells it: who, what was said or done, and who else was there."),
            "outcome_wanted": _l("For example: an apology, no more calls to the borrower's family, a corrected "
                                 "amount."),
        }
        for name, text in hints.items():
            getattr(self, name).description = text
