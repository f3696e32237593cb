"""Plan forms: the borrower's three steps and the staff decisions. Amounts are typed in yuan."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, MultipleFileField, RadioField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import ActionForm, no_control_chars, stripped
from portal.plans import rules
from portal.plans.labels import BUDGET_LABELS, DECLINE_LABELS, HARDSHIP_LABELS, KIND_LABELS

_required = DataRequired(message=_l("This field is required."))
_MONEY = re.compile(r"^\d{1,9}(\.\d{1,2})?$")
MAX_YUAN = Decimal("10000000")


def limits() -> rules.Limits:
    cfg = current_app.config
    return rules.Limits(max_months=int(cfg.get("PLAN_MAX_MONTHS", 60)),
                        max_deferral_days=int(cfg.get("PLAN_MAX_DEFERRAL_DAYS", 90)))


def money_text(value: str | None) -> str:
    """Full-width to half-width; drop spaces, thousands separators and a leading ¥ or trailing 元.
    The decimal point and a minus sign are kept (the ``money`` validator refuses negative amounts)."""
    text = unicodedata.normalize("NFKC", value or "")
    text = "".join(ch for ch in text if not ch.isspace() and ch not in ",，")
    return text.lstrip("¥￥").removesuffix("元")


def to_fen(value: str | None) -> int:
    """Yuan text (already checked by ``money``) to fen; blank is 0."""
    text = money_text(value)
    return int(Decimal(text) * 100) if text else 0


def money(form, field) -> None:
    text = money_text(field.data)
    if not text:
        return
    try:
        ok = _MONEY.match(text) and Decimal(text) < MAX_YUAN
    except InvalidOperation:  # pragma: no cover - the pattern already refuses it
        ok = False
    if not ok:
        raise ValidationError(_l("Enter an amount in yuan, like 3500 or 3500.50."))


def compact(value: str | None) -> str:
    """Full-width digits to half-width and no spaces; unlike ``folded`` it keeps "." and "-", so "1.5" or "-3"
    are refused as whole numbers instead of read as 15 or 3."""
    return "".join(unicodedata.normalize("NFKC", value or "").split())


def whole_number(text: str | None) -> int | None:
    text = compact(text)
    return int(text) if text.isdigit() and len(text) <= 4 else None


class TermsFields:
    """Kind and terms, shared by the borrower's first step and the staff counter-offer."""

    kind = RadioField(_l("What would you like to propose?"),
                      choices=[SelectChoice(k, KIND_LABELS[k]) for k in rules.KINDS],
                      validators=[DataRequired(message=_l("Choose one kind of plan."))])
    months = StringField(_l("Number of months"), filters=[compact])
    deferral_days = StringField(_l("Pay the amount due now in how many days?"), filters=[compact])

    def validate_months(self, field) -> None:
        if self.kind.data not in ("instalments", "instalments_waiver"):
            return
        n, lim = whole_number(field.data), limits()
        if not field.data:
            raise ValidationError(_l("Enter the number of months."))
        if n is None or not lim.min_months <= n <= lim.max_months:
            raise ValidationError(_l("Enter a whole number of months from %(low)d to %(high)d.",
                                     low=lim.min_months, high=lim.max_months))

    def validate_deferral_days(self, field) -> None:
        if self.kind.data != "deferral":
            return
        n, lim = whole_number(field.data), limits()
        if not field.data:
            raise ValidationError(_l("Enter the number of days."))
        if n is None or not 1 <= n <= lim.max_deferral_days:
            raise ValidationError(_l("Enter a whole number of days from 1 to %(high)d.", high=lim.max_deferral_days))

    def terms(self) -> rules.Terms:
        return rules.Terms.of(self.kind.data, whole_number(self.months.data), whole_number(self.deferral_days.data))


class TermsForm(TermsFields, ActionForm):
    """Step 1 of 3."""


def _amount(name: str, required: bool = False):
    return StringField(BUDGET_LABELS[name], filters=[stripped],
                       validators=([_required] if required else [Optional()]) + [money])


class BudgetForm(ActionForm):
    """Step 2 of 3: a month's budget and the reason for hardship."""

    income = _amount("income", required=True)
    housing = _amount("housing")
    food = _amount("food")
    utilities = _amount("utilities")
    transport = _amount("transport")
    medical = _amount("medical")
    education = _amount("education")
    dependants = _amount("dependants")
    other_debts = _amount("other_debts")
    dependants_count = StringField(_l("How many people depend on your income?"), filters=[compact])
    hardship_reason = RadioField(_l("Why is it hard to pay now?"),
                                 choices=[SelectChoice(k, HARDSHIP_LABELS[k]) for k in rules.HARDSHIP_REASONS],
                                 validators=[DataRequired(message=_l("Choose the reason closest to yours."))])
    hardship_detail = TextAreaField(_l("Tell us more (optional)"), filters=[stripped],
                                    validators=[Length(max=2000, message=_l("Use at most %(max)d characters.")),
                                                no_control_chars])
    proofs = MultipleFileField(_l("Proof documents (optional)"))

    AMOUNTS = ("income", "housing", "food", "utilities", "transport", "medical", "education", "dependants",
               "other_debts")

    def validate_dependants_count(self, field) -> None:
        if field.data and (whole_number(field.data) is None or whole_number(field.data) > 50):
            raise ValidationError(_l("Enter a whole number, for example 0, 1 or 2."))

    def budget(self) -> rules.Budget:
        amounts = {name + "_fen": to_fen(getattr(self, name).data) for name in self.AMOUNTS}
        return rules.Budget(dependants=whole_number(self.dependants_count.data) or 0, **amounts)


class SendForm(ActionForm):
    """Step 3: send the previewed plan (the token makes a second send do nothing)."""

    token = HiddenField()
    digest = HiddenField()


class VersionForm(ActionForm):
    """A staff decision on the version of the proposal the agent saw."""

    version = HiddenField()
    note = TextAreaField(_l("Note to the borrower (optional)"), filters=[stripped],
                         validators=[Length(max=2000, message=_l("Use at most %(max)d characters.")),
                                     no_control_chars])


class DeclineForm(VersionForm):
    reason = RadioField(_l("Reason"), choices=[SelectChoice(k, DECLINE_LABELS[k]) for k in rules.DECLINE_REASONS],
                        validators=[DataRequired(message=_l("Choose a reason."))])

    def validate_note(self, field) -> None:
        if self.reason.data == "other" and not field.data:
            raise ValidationError(_l("Explain the reason in a note."))


class CounterForm(TermsFields, VersionForm):
    kind = RadioField(_l("Terms to offer"), choices=[SelectChoice(k, KIND_LABELS[k]) for k in rules.KINDS],
                      validators=[DataRequired(message=_l("Choose one kind of plan."))])
