"""Forms of the visits domain (borrower answers, staff proposal and record, roster, visitor check)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (DateField, Form, HiddenField, RadioField, SelectField, SelectMultipleField, StringField,
                     TextAreaField, TimeField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import ActionForm, no_control_chars, stripped

_required = DataRequired(message=_l("This field is required."))
_chosen = InputRequired(message=_l("Please choose one."))

# Messages for the codes of rules.py and services.py.
PROBLEMS = {
    "order": _l("The end must be after the start."),
    "length": _l("A visit window is 1 to 4 hours long."),
    "hours": _l("Visits are only allowed between %(start)s and %(end)s on one day (never 22:00 to 08:00)."),
    "holiday": _l("That day is a public holiday. Choose another day."),
    "notice": _l("A visit must be proposed at least %(days)d days ahead."),
    "overlap": _l("This loan already has a visit at that time."),
    "open_visit": _l("This loan already has an open visit (proposed, confirmed, or waiting for staff's answer). "
                     "A loan has one visit at a time: answer, record or cancel that visit first, then propose the "
                     "next one."),
    "before_visit_day": _l("A visit can be proposed only from %(visit_day)d days after the loan's oldest unpaid due "
                           "date, as the loan's timeline tells the borrower (and not when nothing is unpaid)."),
    "visitors": _l("Choose at least two active visitors."),
    "stale": _l("This visit changed after the page was opened. Nothing was changed; please look again."),
    "state": _l("This is no longer possible for this visit."),
    "reschedule_limit": _l("This visit cannot be moved again. You can still ask for a video call instead."),
    "slot": _l("That time is no longer available. Please choose another."),
    "too_early": _l("A visit can be recorded only after its window has started."),
    "arrival": _l("The arrival time cannot be in the future."),
    "departure": _l("The departure must be after the arrival and not in the future."),
    "badge_taken": _l("This badge number is already on the roster."),
    "requested_passed": _l("The time the borrower chose has already begun: nobody may come without telling them in "
                           "advance. Contact the borrower, or cancel this visit and propose a new one."),
    "decline_too_late": _l("It is too late to keep the visit at its time: the borrower must be told before the day of "
                           "the visit. Arrange the video call, or cancel this visit and propose a new one."),
}


def problem_message(code: str) -> str:
    from flask import current_app

    config = current_app.config
    values = {"start": f"{config['VISIT_HOURS'].start:02d}:00", "end": f"{config['VISIT_HOURS'].end:02d}:00",
              "days": config["VISIT_MIN_NOTICE_DAYS"], "visit_day": config["VISIT_PROPOSAL_DAY"]}
    return str(PROBLEMS.get(code, PROBLEMS["state"])) % values


class VersionForm(ActionForm):
    """A POST that names the version of the visit it answers: a replayed form changes nothing."""

    version = HiddenField()


class RescheduleForm(VersionForm):
    slot = RadioField(_l("Choose a new time"), choices=[], validators=[_chosen])


class RemoteForm(VersionForm):
    reason = TextAreaField(
        _l("Why would a video call suit you better?"),
        description=_l("For example: you work away from home, you care for someone, or a visit would upset "
                       "your family."),
        filters=[stripped], validators=[_required, Length(max=1000), no_control_chars])


class FamilyForm(VersionForm):
    allowed = RadioField(
        _l("May the visitors speak with family members or others who are present?"),
        choices=[SelectChoice("no", _l("No, only with me")), SelectChoice("yes", _l("Yes, they may speak with them"))],
        description=_l("Even if you say yes, they may not tell anyone about your loan."),
        validators=[_chosen])


class DisputeForm(VersionForm):
    text = TextAreaField(_l("What is wrong in this record?"),
                         description=_l("Say what happened in your own words. Staff will look into it."),
                         filters=[stripped], validators=[_required, Length(max=3000), no_control_chars])


class VerifyVisitorForm(ActionForm):
    badge = StringField(_l("Badge number"), description=_l("Printed on the visitor's staff card."),
                        filters=[stripped], validators=[_required, Length(max=32)])
    code = StringField(_l("Visit code"), description=_l("Ask the visitor to say it. It has 6 letters and digits."),
                       filters=[stripped], validators=[_required, Length(max=12)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoanChoiceForm(Form):
    """``/staff/visits/new?loan=``: which loan the visit is about (a GET form: no CSRF, it changes nothing)."""

    loan = StringField(_l("Loan reference"), filters=[stripped],
                       description=_l("As on the loan page, for example L2025000102."),
                       validators=[DataRequired(message=_l("Enter the loan reference."))])

    def no_loan(self) -> None:
        """Say why the reference sent finds no loan: it is empty, or no loan's (the same words for any reference:
        nothing else is told)."""
        if self.validate():
            self.loan.errors = [_l("No loan has this reference. Check it on the loan page or the borrower's "
                                   "papers, and enter it again.")]


class ProposeForm(ActionForm):
    address = TextAreaField(_l("Address"), filters=[stripped], validators=[_required, Length(max=300),
                                                                            no_control_chars])
    day = DateField(_l("Date"), validators=[_required])
    start = TimeField(_l("From"), validators=[_required])
    # Translators: date filter: the last day of the period shown
    end = TimeField(_l("To"), validators=[_required])
    purpose = TextAreaField(_l("Purpose of the visit"),
                            description=_l("The borrower sees this. Plain and factual, for example: confirm "
                                           "the address and talk about a repayment plan."),
                            filters=[stripped], validators=[_required, Length(max=500), no_control_chars])
    visitors = MultiCheckboxField(_l("Visitors (at least two)"), coerce=int, choices=[])

    def window(self, tz) -> tuple[datetime, datetime]:
        """The proposed window in the lender's time zone ``tz`` (once the form is valid)."""
        return (datetime.combine(self.day.data, self.start.data, tzinfo=tz),
                datetime.combine(self.day.data, self.end.data, tzinfo=tz))

    def place_problems(self, fields_of: dict[str, tuple[str, ...]]) -> list[tuple[str, str | None]]:
        """Put each refused rule's message next to the fields it concerns (``rules.problem_fields``); answer the
        summary's entries, in the order of the fields: (message, the id of the first field it concerns, or None)."""
        order = list(self._fields)
        summary = []
        for code, names in sorted(fields_of.items(), key=lambda item: [order.index(n) for n in item[1]] or [99]):
            message = problem_message(code)
            for name in names:
                field = self[name]
                field.errors = [" ".join([*field.errors, message])]  # the field shows one line: all of them
            summary.append((message, self[names[0]].id if names else None))
        return summary


class RecordForm(VersionForm):
    held = RadioField(_l("Did the visit take place?"),
                      choices=[SelectChoice("yes", _l("Yes, we met someone")), SelectChoice("no", _l("No, nobody was met"))],
                      validators=[_chosen])
    arrived = TimeField(_l("Arrival time"), validators=[_required])
    departed = TimeField(_l("Departure time"), validators=[_required])
    met = StringField(_l("Who was met"), filters=[stripped], validators=[_required, Length(max=300)])
    identity_shown = RadioField(_l("Did the visitors show their staff cards?"),
                                choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))], validators=[_chosen])
    outcome = TextAreaField(_l("Outcome"), filters=[stripped], validators=[_required, Length(max=2000)])
    next_step = TextAreaField(_l("Next step"), filters=[stripped], validators=[_required, Length(max=1000)])


class CancelForm(VersionForm):
    reason = StringField(_l("Reason for cancelling"), description=_l("The borrower reads this reason on the visit page."),
                         filters=[stripped], validators=[_required, Length(max=300), no_control_chars])


class DeclineRemoteForm(VersionForm):
    reason = StringField(_l("Why a video call is not possible"),
                         description=_l("The borrower reads this reason on the visit page."),
                         filters=[stripped], validators=[_required, Length(max=300), no_control_chars])


class AnnotateForm(ActionForm):
    text = TextAreaField(_l("Note"), description=_l("Notes are added below the record; the record itself "
                                                     "cannot be changed. The borrower can read notes."),
                         filters=[stripped], validators=[_required, Length(max=2000), no_control_chars])


class VisitorForm(ActionForm):
    name = StringField(_l("Name"), filters=[stripped], validators=[_required, Length(max=100)])
    badge = StringField(_l("Badge number"), filters=[stripped], validators=[_required, Length(max=32)])
    photo = FileField(_l("Photo (JPEG, PNG or WebP, at most 2 MB)"))
    # Choices: the lender's own staff ("") and each collection agency on the published list (set by the view).
    agency = SelectField(_l("Works for"), choices=[], default="", validate_choice=True)


class ToggleVisitorForm(ActionForm):
    active = HiddenField()

