"""The human text of each message kind, in the recipient's script (the ``file`` backend writes it, signature
included; the lender registers the same wording, without the signature, as the gateway template of that kind and
locale)."""
from __future__ import annotations

from typing import Callable

from flask import current_app
from flask_babel import force_locale, gettext

from portal.i18n import LOCALES, lender_name
from portal.notify.kinds import EMAIL_KINDS, SMS_KINDS


class TextError(ValueError):
    """The parameters do not fit the kind (a programming error: the message can never be sent)."""


def _texts() -> dict[str, Callable[[dict[str, str]], str]]:
    # Built inside force_locale so that every gettext is in the recipient's script. Short on purpose: the
    # signature names the lender, the link carries the details (tests/notify/test_sms_texts.py counts segments).
    # Translators: SMS texts. Keep them short (one SMS is 70 characters with the signature 【…】), plain and calm;
    # keep the link (%(url)s) last, so that the phone does not read the following characters as part of it.
    return {
        "account_code": lambda p: gettext(
            "Your code is %(code)s, valid for 10 minutes. Never tell it to anyone, our staff included.", **p),
        "account_active": lambda p: gettext(
            "Your account is already active. Nobody from us will ask you for this message. Log in or reset your "
            "password: %(url)s", **p),
        "visit_proposed": lambda p: gettext(
            "We propose a verification visit on %(when)s. Confirm it, move it or ask for a video call: %(url)s",
            **p),
        "visit_rescheduled": lambda p: gettext("Your visit is moved to %(when)s as you asked. Details: %(url)s",
                                               **p),
        "visit_cancelled": lambda p: gettext(
            "The verification visit on %(when)s is cancelled. Details: %(url)s", **p),
        "visit_remote_declined": lambda p: gettext(
            "We cannot check by video call, so the visit stays on %(when)s. Why, and your options: %(url)s", **p),
        "visit_recorded": lambda p: gettext(
            "The record of your verification visit is ready. Confirm it or tell us what is wrong: %(url)s", **p),
        "visit_tomorrow": lambda p: gettext(
            "Reminder: your verification visit is tomorrow, %(when)s. To move it or ask for a video call: %(url)s",
            **p),
        "plan_approved": lambda p: gettext(
            "Your repayment plan for loan %(ref)s is approved. Its schedule: %(url)s", **p),
        "plan_declined": lambda p: gettext(
            "We could not approve your repayment plan for loan %(ref)s. Why, and what you can do: %(url)s", **p),
        "plan_counter": lambda p: gettext(
            "We propose other terms for your repayment plan for loan %(ref)s. Accept them or withdraw: %(url)s",
            **p),
        "plan_agreed": lambda p: gettext(
            "The repayment plan for loan %(ref)s is agreed; its schedule now replaces the contract's: %(url)s", **p),
        "instalment_due": lambda p: gettext(
            "%(amount)s for loan %(ref)s is due on %(date)s. Pay only through the official channels on your loan "
            "page: %(url)s", **p),
        "instalment_missed": lambda p: gettext(
            "The payment for loan %(ref)s due on %(date)s has not been received; %(amount)s is now due in all. If "
            "you have paid, ignore this; if you cannot pay, you can propose a plan: %(url)s", **p),
        "plan_payment_due": lambda p: gettext(
            "%(amount)s under your agreed plan for loan %(ref)s is due on %(date)s. Pay only through the official "
            "channels on your loan page: %(url)s", **p),
        "plan_payment_missed": lambda p: gettext(
            "The payment under your agreed plan for loan %(ref)s due on %(date)s has not been received; %(amount)s "
            "is now due in all. If you have paid, ignore this. Your loan page: %(url)s", **p),
        "complaint_acknowledged": lambda p: gettext(
            "We received your complaint %(ref)s and are handling it. Follow it here: %(url)s", **p),
        "complaint_extended": lambda p: gettext(
            "We need more time for your complaint %(ref)s and will decide by %(date)s. Why: %(url)s", **p),
        "complaint_reply": lambda p: gettext("We replied on your complaint %(ref)s. Read it here: %(url)s", **p),
        "complaint_decided": lambda p: gettext(
            "Your complaint %(ref)s is decided. The decision, and what you can do if you disagree: %(url)s", **p),
        "report_received": lambda p: gettext(
            "We received your report %(ref)s. Keep the reference with the secret shown on the page to follow it: "
            "%(url)s", **p),
        "report_updated": lambda p: gettext("Your report %(ref)s is now: %(state)s. Details: %(url)s", **p),
    }


def signature() -> str:
    """The 【…】 the gateway puts before every SMS: ``PORTAL_SMS_SIGN_NAME`` (required with the aliyun and tencent
    backends), or the lender's name in the reader's script where none is set (the ``file`` backend in development
    and tests). It is what names the lender in every message."""
    return f"【{current_app.config.get('SMS_SIGN_NAME') or lender_name()}】"


# How gateways count (Aliyun and Tencent alike, signature included): one SMS holds 70 characters; a longer text is
# sent in parts of 67, each billed as one SMS.
SEGMENT, PART = 70, 67


def segments(text: str) -> int:
    """The number of SMS a gateway bills for ``text`` (signature included)."""
    return 1 if len(text) <= SEGMENT else -(-len(text) // PART)


def check_params(kind: str, params: dict[str, str]) -> None:
    """Raise TextError unless ``params`` has exactly the named string parameters of ``kind``."""
    if kind not in SMS_KINDS:
        raise TextError(f"unknown message kind {kind!r}")
    expected = set(SMS_KINDS[kind])
    if set(params) != expected or not all(isinstance(v, str) for v in params.values()):
        raise TextError(f"message kind {kind!r} takes the string parameters {sorted(expected)}, "
                        f"got {sorted(params)}")


def template_text(kind: str, locale: str, params: dict[str, str]) -> str:
    """The template of message ``kind`` in ``locale`` (zh_Hans or zh_Hant) filled in with ``params``: what the
    lender registers with the gateway, without the signature. Needs an application context."""
    check_params(kind, params)
    if locale not in LOCALES:
        raise TextError(f"unknown locale {locale!r}")
    with force_locale(locale):
        return _texts()[kind](params)


def render_sms(kind: str, locale: str, params: dict[str, str]) -> str:
    """The SMS as its recipient reads it: the signature and the filled-in template. Needs an application context."""
    text = template_text(kind, locale, params)
    with force_locale(locale):
        return signature() + text


def render_email(kind: str, locale: str, params: dict[str, str]) -> tuple[str, str]:
    """(subject, text) of e-mail ``kind`` in ``locale``. ``staff_digest`` takes ``count`` and ``items`` (one
    line per complaint, already in the reader's script) and ``url`` (the staff console)."""
    if kind not in EMAIL_KINDS:
        raise TextError(f"unknown e-mail kind {kind!r}")
    if set(params) != {"count", "items", "url"} or not all(isinstance(v, str) for v in params.values()):
        raise TextError(f"e-mail kind {kind!r} takes the string parameters count, items and url")
    if locale not in LOCALES:
        raise TextError(f"unknown locale {locale!r}")
    with force_locale(locale):
        subject = gettext("Complaint deadlines: %(count)s need action by the next working day",
                          count=params["count"])
        text = "\n\n".join([
            gettext("These complaints must be acknowledged or decided by the end of the next working day, or are "
                    "already late:"),
            params["items"],
            gettext("Open the staff console: %(url)s", url=params["url"]),
        ])
    return subject, text
