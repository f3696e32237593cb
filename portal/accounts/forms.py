from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from portal.forms import ActionForm, folded, mainland_mobile, stripped

_required = DataRequired(message=_l("This field is required."))


class LoginForm(ActionForm):
    phone = StringField(_l("Mobile number"), filters=[folded], validators=[_required, mainland_mobile])
    password = PasswordField(_l("Password"), validators=[_required, Length(max=128)])


class RequestCodeForm(ActionForm):
    phone = StringField(_l("Mobile number"), filters=[folded], validators=[_required, mainland_mobile])


class ActivateStartForm(RequestCodeForm):
    id_tail = StringField(
        _l("Last 6 characters of your resident ID number"),
        description=_l("For example 074514, or 07451X if your number ends in X."),
        filters=[folded],
        validators=[_required, Regexp(r"^[0-9]{5}[0-9xX]$",
                                      message=_l("Enter exactly 6 characters: digits, the last may be X."))],
    )


class _NewPasswordFields:
    """A new password typed twice (activation, reset, change)."""

    password = PasswordField(
        _l("New password"),
        description=_l("At least 8 characters. Do not use your birthday or phone number."),
        validators=[_required, Length(min=8, max=128, message=_l("Use 8 to 128 characters."))],
    )
    confirm = PasswordField(_l("New password again"),
                            validators=[_required, EqualTo("password", message=_l("The two passwords differ."))])


class NewPasswordForm(ActionForm, _NewPasswordFields):
    code = StringField(_l("6-digit code from the SMS"), filters=[folded],
                       validators=[_required, Regexp(r"^[0-9]{6}$", message=_l("The code has 6 digits."))])


class StaffLoginForm(ActionForm):
    username = StringField(_l("Username"), filters=[stripped], validators=[_required, Length(max=64)])
    password = PasswordField(_l("Password"), validators=[_required, Length(max=128)])
    otp = StringField(
        _l("6-digit code from your authenticator app"),
        description=_l("Lost your phone? Enter one of your recovery codes instead."),
        filters=[folded],
        validators=[_required, Regexp(r"^([0-9]{6}|[0-9A-Za-z]{10})$",
                                      message=_l("Enter the 6-digit code, or a 10-character recovery code."))])


class PreferencesForm(ActionForm):
    locale = RadioField(_l("Language"), choices=[SelectChoice("zh_Hans", "简体中文"), SelectChoice("zh_Hant", "繁體中文")],
                        validators=[_required])
    preferred_contact = RadioField(
        _l("How should we contact you?"),
        choices=[SelectChoice("sms", _l("By SMS")), SelectChoice("phone", _l("By phone call")),
                 SelectChoice("portal", _l("Only through this portal, when possible"))],
        validators=[_required],
    )
    family_contact_consent = BooleanField(
        _l("If you cannot be reached, the lender may ask a family member to pass on a message to call back"),
        description=_l("They are never told about your loan. You can change this at any time."),
    )


class ChangePasswordForm(ActionForm, _NewPasswordFields):
    current = PasswordField(_l("Current password"), validators=[_required, Length(max=128)])
