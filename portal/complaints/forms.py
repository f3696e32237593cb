"""Complaint forms: the borrower's, the third party's, follow-up, tracking and the staff actions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import DateField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.complaints import labels, rules
from portal.forms import ActionForm, folded, mainland_mobile, no_control_chars, stripped
from portal.i18n import local_today

_required = DataRequired(message=_l("This field is required."))
_choose = InputRequired(message=_l("Please choose one."))


def _reporter_mobile(form, field) -> None:
    """A third party's own number: the check of ``mainland_mobile``, but they never borrowed, so the message does
    not speak of the number given to the lender."""
    try:
        mainland_mobile(form, field)
    except ValidationError:
        raise ValidationError(_l("Enter an 11-digit mainland China mobile number, e.g. 138 0013 8000.")) from None


def _choices(mapping: dict, codes) -> list[SelectChoice]:
    return [SelectChoice(code, mapping[code]) for code in codes]


def choice_list(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _not_future(form, field) -> None:
    if field.data and field.data > local_today():
        raise ValidationError(_l("The date cannot be in the future."))


def _text(label, max_len: int, required: bool = False, description=None):
    validators = [_required if required else Optional(), Length(max=max_len, message=_l(
        "Please keep this under %(max)d characters.", max=max_len)), no_control_chars]
    return TextAreaField(label, description=description, filters=[stripped], validators=validators)


def _line(label, max_len: int, description=None, required: bool = False):
    return StringField(label, description=description, filters=[stripped],
                       validators=[_required if required else Optional(), Length(max=max_len), no_control_chars])


class _FactsForm(ActionForm):
    # A one-time token: submitting the same form twice creates one complaint.
    token = HiddenField()
    categories = CheckboxesField(_l("What happened? Choose all that apply"),
                                 choices=_choices(labels.CATEGORY_LABELS, rules.CATEGORIES),
                                 validators=[DataRequired(message=_l("Choose at least one."))])
    channel = RadioField(_l("How were you contacted?"), choices=_choices(labels.CHANNEL_LABELS, rules.CHANNELS),
                         validators=[_choose])
    occurred_on = DateField(_l("Date it happened"), validators=[Optional(), _not_future],
                            description=_l("If you are not sure, give the closest date you remember."))
    occurred_time = TimeField(_l("Time (if you know it)"), validators=[Optional()])
    collector_name = _line(_l("Collector's name (if known)"), 100)
    collector_badge = _line(_l("Badge or staff number (if known)"), 40)
    collector_phone = StringField(_l("Number they called or texted from (if known)"), filters=[folded],
                                  validators=[Optional(), Length(max=30)])
    what_happened = _text(_l("What happened?"), 5000, required=True,
                          description=_l("In your own words: who, what was said or done, and who else was there."))
    outcome_wanted = _text(_l("What would you like us to do?"), 2000,
                           description=_l("For example: an apology, stop calling my family, correct the amount."))
    evidence = MultipleFileField(_l("Evidence (optional)"))


class ComplaintForm(_FactsForm):
    loan = SelectField(_l("Which loan is it about?"), validators=[Optional()])
    visit_id = HiddenField()
    contact_ids = HiddenField()  # contacts from the contact log this complaint is about
    preferred_contact = RadioField(_l("How should we contact you about it?"),
                                   choices=_choices(labels.CONTACT_LABELS, rules.CONTACT_METHODS), default="portal",
                                   validators=[_choose])


class ReportForm(_FactsForm):
    reporter_name = _line(_l("Your name"), 100, required=True)
    reporter_relation = RadioField(_l("How do you know the borrower?"),
                                   choices=_choices(labels.RELATION_LABELS, rules.RELATIONS), validators=[_choose])
    contact_phone = StringField(_l("Your mobile number"), filters=[folded], validators=[_required, _reporter_mobile],
                                description=_l("We use it only to answer your report."))
    preferred_contact = RadioField(_l("How should we contact you?"),
                                   choices=_choices(labels.CONTACT_LABELS, ("phone", "sms")), default="sms",
                                   validators=[_choose])
    debtor_name = _line(_l("Name of the person the debt is about (if you know it)"), 100)


class FollowUpForm(ActionForm):
    body = _text(_l("Add information or reply"), 5000)
    evidence = MultipleFileField(_l("Add evidence (optional)"))


class ReviewRequestForm(ActionForm):
    """"Not satisfied": why, which opens a review request staff must answer."""
    reason = _text(_l("Why are you not satisfied with our decision?"), rules.REVIEW_REASON_MAX, required=True,
                   description=_l("Say what you think we got wrong and what you want us to look at again."))


class StatusLookupForm(ActionForm):
    reference = StringField(_l("Reference number"), filters=[stripped], validators=[_required, Length(max=30)],
                            description=_l("It looks like TS-20261122-0042."))
    secret = StringField(_l("Secret code"), filters=[stripped], validators=[_required, Length(max=40)],
                         description=_l("The code shown once when you sent the report, e.g. ABCD-EFGH-JKLM-NPQR."))


class _Versioned(ActionForm):
    version = HiddenField()


class AssignForm(_Versioned):
    assignee = SelectField(_l("Assign to"), validators=[Optional()])


class NoteForm(_Versioned):
    body = _text(_l("Internal note (never shown to the complainant)"), 5000, required=True)


class ReplyForm(_Versioned):
    body = _text(_l("Reply to the complainant"), 5000, required=True)


class ReviewAnswerForm(_Versioned):
    body = _text(_l("Answer to the review request (the complainant reads it)"), rules.REVIEW_ANSWER_MAX,
                 required=True)


class StateForm(_Versioned):
    state = SelectField(_l("New status"), validators=[_choose])
    outcome = SelectField(_l("Outcome category (required to close)"),
                          choices=[SelectChoice("", _l("Choose…"))] + _choices(labels.OUTCOME_LABELS, rules.OUTCOMES),
                          validators=[Optional()])
    explanation = _text(_l("Explanation to the complainant (required to close)"), 5000,
                        description=_l("What was checked, the basis of the decision and the remedies."))


class ExtendForm(_Versioned):
    reason = _text(_l("Reason for the extension (shown to the complainant)"), 2000, required=True)
