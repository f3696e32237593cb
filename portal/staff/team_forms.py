"""Forms of team administration and of a member's one-time setup link."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from portal.forms import ActionForm, folded, no_control_chars, stripped

_required = DataRequired(message=_l("This field is required."))


def _roles():
    return [SelectChoice("agent", _l("Agent")), SelectChoice("supervisor", _l("Supervisor"))]


def _lower(value: str | None) -> str:
    return (value or "").strip().lower()


class NewMemberForm(ActionForm):
    display_name = StringField(_l("Name"), description=_l("As colleagues and the audit log will see it."),
                               filters=[stripped], validators=[_required, Length(max=100), no_control_chars])
    username = StringField(
        _l("Username"), description=_l("2 to 64 characters: lower-case letters, digits, dot, hyphen, underscore."),
        filters=[_lower],
        validators=[_required, Regexp(r"^[a-z0-9._-]{2,64}$",
                                      message=_l("Use 2 to 64 lower-case letters, digits, dots, hyphens or "
                                                 "underscores."))])
    role = RadioField(_l("Role"), choices=_roles(), default="agent", validators=[_required])


class RoleForm(ActionForm):
    role = RadioField(_l("Role"), choices=_roles(), validators=[_required])


class SetupForm(ActionForm):
    password = PasswordField(
        _l("New password"), description=_l("At least 12 characters."),
        validators=[_required, Length(min=12, max=128, message=_l("Use 12 to 128 characters."))])
    confirm = PasswordField(_l("New password again"),
                            validators=[_required, EqualTo("password", message=_l("The two passwords differ."))])
    otp = StringField(_l("6-digit code from your authenticator app"), filters=[folded],
                      validators=[_required, Regexp(r"^[0-9]{6}$", message=_l("The code has 6 digits."))])
