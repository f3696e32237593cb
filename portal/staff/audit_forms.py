"""The audit log's filters (a GET form: no CSRF token, nothing changes)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from portal.forms import folded, mainland_mobile, no_control_chars, plausible_day, stripped


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    staff = SelectField(_l("Staff member"), choices=[], default="", validate_choice=True)
    # Translators: audit log column: what was done (logged in, changed a plan…)
    action = SelectField(_l("Action"), choices=[], default="", validate_choice=True)
    # Translators: audit log column: what an action was done to (a loan, a complaint, a staff account)
    object = StringField(_l("Object"), description=_l("A complaint or loan reference, or a plan or visit number."),
                         filters=[stripped], validators=[Optional(), Length(max=64), no_control_chars])
    borrower = StringField(_l("Borrower's mobile number"), filters=[folded], validators=[Optional(), mainland_mobile])
    since = DateField(_l("From"), validators=[Optional(), plausible_day],
                      render_kw={"autocomplete": "off"})
    until = DateField(_l("Until"), validators=[Optional(), plausible_day], render_kw={"autocomplete": "off"})

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            from wtforms import ValidationError

            raise ValidationError(_l("The end date is before the start date."))
