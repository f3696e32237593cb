from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from portal.forms import ActionForm, no_control_chars, stripped
from portal.privacy import rules
from portal.privacy.labels import OUTCOME_LABELS

_required = DataRequired(message=_l("This field is required."))


class DataRequestForm(ActionForm):
    kind = RadioField(
        _l("What would you like us to do?"),
        choices=[SelectChoice(rules.CORRECTION, _l("Correct information that is wrong or incomplete")),
                 SelectChoice(rules.DELETION, _l("Delete information"))],
        validators=[DataRequired(message=_l("Choose correction or deletion."))])
    detail = TextAreaField(
        _l("Which information, and what should it be?"),
        description=_l("For example: my address is now 北京市朝阳区…; or: delete the photo I sent with complaint "
                       "TS-…. Do not write passwords or codes here."),
        filters=[stripped],
        validators=[_required, Length(max=rules.DETAIL_MAX, message=_l("Use at most %(max)d characters.")),
                    no_control_chars])


class AnswerForm(ActionForm):
    version = HiddenField()
    outcome = RadioField(
        _l("Answer"),
        choices=[SelectChoice(outcome, label) for outcome, label in OUTCOME_LABELS.items()],
        validators=[DataRequired(message=_l("Choose an answer."))])
    answer = TextAreaField(
        _l("What was done, or why not (the borrower reads this)"), filters=[stripped],
        validators=[_required, Length(max=rules.ANSWER_MAX, message=_l("Use at most %(max)d characters.")),
                    no_control_chars])


class DataExportForm(ActionForm):
    """The "prepare my download" button (CSRF only)."""
