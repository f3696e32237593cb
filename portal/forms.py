"""Form pieces shared by every domain: localized validators and input folding."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, ValidationError

from portal.accounts.rules import InvalidPhone, fold, normalize_phone


def folded(value: str | None) -> str:
    """Full-width digits and spaces accepted in numbers (１３８ ００１３ ８０００)."""
    return fold(value or "")


def stripped(value: str | None) -> str:
    return (value or "").strip()


def mainland_mobile(form, field) -> None:
    try:
        normalize_phone(field.data or "")
    except InvalidPhone:
        raise ValidationError(_l("Enter the 11-digit mobile number you gave the lender, e.g. 138 0013 8000."))


def no_control_chars(form, field) -> None:
    if field.data and any(ord(ch) < 32 and ch not in "\r\n\t" for ch in field.data):
        raise ValidationError(_l("This field contains characters that cannot be saved. Please retype it."))


# The days a date filter may name: the lists and reports count from such a day back and forth (weeks, the day
# after, its start in UTC), which the calendar's ends (years 1 and 9999) do not allow.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2099, 12, 31)


def plausible_day(form, field) -> None:
    if field.data and not FIRST_DAY <= field.data <= LAST_DAY:
        raise ValidationError(_l("Enter a date from the year %(first)d to the year %(last)d.",
                                 first=FIRST_DAY.year, last=LAST_DAY.year))


class ActionForm(FlaskForm):
    """A POST with nothing but the CSRF token (single buttons) and an optional local ``next``."""

    next = HiddenField()
