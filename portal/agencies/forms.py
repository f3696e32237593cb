"""Forms: "who called me?" (public) and the published list in the console (supervisors)."""
from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, RadioField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from portal.agencies import rules
from portal.contacts.rules import InvalidNumber, normalize_number
from portal.forms import ActionForm, no_control_chars, stripped
from portal.security import db_id

_required = DataRequired(message=_l("This field is required."))
# Dates: InputRequired, not DataRequired (which would replace "not a date" by "required").
_typed = InputRequired(message=_l("This field is required."))
_date_message = _l("Enter a date, e.g. 2026-03-01.")

USCC_MESSAGES = {
    "length": _l("A unified social credit code has 18 characters."),
    "chars": _l("Use digits and capital letters only (not I, O, S, V or Z)."),
    "division": _l("Characters 3 to 8 of the code are digits."),
    "check": _l("The last character does not match the others: check the code for a typing mistake."),
}
PROBLEMS = {
    "code_taken": _l("Another organisation on the list already has this code."),
    "uscc_taken": _l("Another organisation on the list already has this unified social credit code."),
    "second_lender": _l("The lender is already on the list. Choose collection agency."),
    "dates_order": _l("The last day cannot be before the first day."),
    "stale": _l("Someone changed this entry after you opened it. Nothing was saved; please look again."),
}


class LocalDateField(DateField):
    """A date field whose "not a date" message is in the reader's language."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_date_message)) from None


def _phone(form, field) -> None:
    try:
        field.data = normalize_number(field.data or "")
    except InvalidNumber:
        raise ValidationError(_l("This is not a phone number we can read. Type it as your phone shows it, e.g. "
                                 "020 6123 4567 or 138 0013 8000."))


class WhoCalledForm(ActionForm):
    number = StringField(_l("The number that called or texted you"),
                         description=_l("Any format: with or without spaces, +86 or the area code."),
                         filters=[stripped], validators=[_required, Length(max=40), _phone])


def _uscc(form, field) -> None:
    try:
        field.data = rules.normalize_uscc(field.data or "")
    except rules.InvalidUSCC as exc:
        raise ValidationError(USCC_MESSAGES[exc.reason])


def _numbers(form, field) -> None:
    found = []
    for line in (field.data or "").replace("，", "\n").replace(",", "\n").splitlines():
        if not line.strip():
            continue
        try:
            found.append(normalize_number(line))
        except InvalidNumber:
            # gettext, not lazy_gettext: a lazy string counts as safe HTML and the typed value would not be escaped.
            raise ValidationError(gettext("%(value)s is not a phone number we can read.", value=line.strip()))
    form.parsed_numbers = found


def _kinds():
    return [SelectChoice("agency", _l("Collection agency")), SelectChoice("lender", _l("The lender itself"))]


class AgencyForm(ActionForm):
    code = StringField(_l("Code"), description=_l("The code the contact log uses for them, e.g. AG-GZ02."),
                       filters=[stripped], validators=[
                           _required, Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$",
                                             message=_l("Up to 32 letters, digits, dots, hyphens or underscores."))])
    kind = RadioField(_l("Kind"), choices=_kinds(), default="agency", validators=[_required])
    name = StringField(_l("Registered name"), filters=[stripped],
                       validators=[_required, Length(max=100), no_control_chars])
    name_hant = StringField(_l("Name in Traditional characters"), description=_l("Leave empty if it is the same."),
                            filters=[stripped], validators=[Length(max=100), no_control_chars])
    uscc = StringField(_l("Unified social credit code"), description=_l("18 characters, as on the business licence."),
                       filters=[stripped], validators=[_required, _uscc])
    numbers = TextAreaField(_l("Numbers they call or text from"), description=_l("One number a line."),
                            filters=[stripped], validators=[Length(max=2000), _numbers])
    since = LocalDateField(_l("First day"), validators=[_typed], render_kw={"type": "date"})
    until = LocalDateField(_l("Last day"), description=_l("Leave empty while they still work for the lender."),
                      validators=[Optional()], render_kw={"type": "date"})
    version = HiddenField()

    parsed_numbers: list[str] = []

    def version_number(self) -> int | None:
        return db_id(self.version.data)


class EndAgencyForm(ActionForm):
    until = LocalDateField(_l("Last day they worked for the lender"), validators=[_typed], render_kw={"type": "date"})
    version = HiddenField()

    def version_number(self) -> int | None:
        return db_id(self.version.data)
