"""The human text of each message kind, in the recipient's script (the ``file`` backend and the staff console
show it; the lender registers the same wording as the gateway template of that kind and locale)."""
from __future__ import annotations

from typing import Callable

from flask_babel import force_locale, gettext

from portal.i18n import LOCALES, lender_name
from portal.notify.kinds import EMAIL_KINDS, SMS_KINDS


class TextError(ValueError):
    """The parameters do not fit the kind (a programming error: the message can never be sent)."""


def _texts() -> dict[str, Callable[[dict[str, str]], str]]:
    # Built inside force_locale so that every gettext (and the lender's name) is in the recipient's script.
    return {
        "account_code": lambda p: gettext(
            "Your %(lender)s code is %(code)s. It is valid for 10 minutes. Never tell it to anyone, including our "
            "staff.", lender=lender_name(), code=p["code"]),
        "account_active": lambda p: gettext(
            "Your account is already active. Log in with your password, or reset it if you forgot it. "
            "Nobody from %(lender)s will ask you for this message.", lender=lender_name()),
        "visit_proposed": lambda p: gettext(
            "%(lender)s proposes a verification visit on %(when)s. Please confirm, move it or ask for a video "
            "call: %(url)s", lender=lender_name(), when=p["when"], url=p["url"]),
        "visit_rescheduled": lambda p: gettext(
            "%(lender)s: your visit is moved to %(when)s as you asked. Details: %(url)s",
            lender=lender_name(), when=p["when"], url=p["url"]),
        "visit_cancelled": lambda p: gettext(
            "%(lender)s: the verification visit on %(when)s is cancelled. Details: %(url)s",
            lender=lender_name(), when=p["when"], url=p["url"]),
        "visit_remote_declined": lambda p: gettext(
            "%(lender)s cannot do your check by video call, so the visit stays on %(when)s. Our reason and your "
            "options: %(url)s", lender=lender_name(), when=p["when"], url=p["url"]),
        "visit_recorded": lambda p: gettext(
            "%(lender)s: our record of your verification visit is ready. Please read it and confirm it or tell us "
            "what is wrong: %(url)s", lender=lender_name(), url=p["url"]),
        "visit_tomorrow": lambda p: gettext(
            "%(lender)s reminder: your verification visit is tomorrow, %(when)s. To move it or ask for a video "
            "call: %(url)s", lender=lender_name(), when=p["when"], url=p["url"]),
        "plan_approved": lambda p: gettext(
            "%(lender)s: your repayment plan for loan %(ref)s is approved. Log in to the borrower portal to see "
            "the schedule.", lender=lender_name(), ref=p["ref"]),
        "plan_declined": lambda p: gettext(
            "%(lender)s: we could not approve your repayment plan for loan %(ref)s. Log in to the borrower "
            "portal to see why and what you can do.", lender=lender_name(), ref=p["ref"]),
        "plan_counter": lambda p: gettext(
            "%(lender)s: we propose other terms for your repayment plan for loan %(ref)s. Accept them or "
            "withdraw: %(url)s", lender=lender_name(), ref=p["ref"], url=p["url"]),
        "plan_agreed": lambda p: gettext(
            "%(lender)s: the repayment plan for loan %(ref)s is agreed. Its schedule now replaces the contract's. "
            "Log in to the borrower portal to see it.", lender=lender_name(), ref=p["ref"]),
        "instalment_due": lambda p: gettext(
            "%(lender)s reminder: %(amount)s for loan %(ref)s is due on %(date)s. Pay only through the official "
            "channels shown in the borrower portal.", lender=lender_name(), amount=p["amount"], ref=p["ref"],
            date=p["date"]),
        "instalment_missed": lambda p: gettext(
            "%(lender)s: we have not received %(amount)s for loan %(ref)s that was due on %(date)s. If you have "
            "paid, ignore this message; if you cannot pay, log in to the borrower portal to propose a plan.",
            lender=lender_name(), amount=p["amount"], ref=p["ref"], date=p["date"]),
        "complaint_acknowledged": lambda p: gettext(
            "%(lender)s: we received your complaint %(ref)s and are handling it. Follow it here: %(url)s",
            lender=lender_name(), ref=p["ref"], url=p["url"]),
        "complaint_extended": lambda p: gettext(
            "%(lender)s: we need more time for your complaint %(ref)s. We will decide by %(date)s. Reason: "
            "%(reason)s. Details: %(url)s", lender=lender_name(), ref=p["ref"], date=p["date"],
            reason=p["reason"], url=p["url"]),
        "complaint_reply": lambda p: gettext(
            "%(lender)s replied on your complaint %(ref)s. Read it here: %(url)s",
            lender=lender_name(), ref=p["ref"], url=p["url"]),
        "complaint_decided": lambda p: gettext(
            "%(lender)s: we decided on your complaint %(ref)s. The decision and what you can do if you disagree: "
            "%(url)s", lender=lender_name(), ref=p["ref"], url=p["url"]),
        "report_received": lambda p: gettext(
            "%(lender)s received your report. Its reference is %(ref)s; keep it with the secret shown on the "
            "page to follow the report.", lender=lender_name(), ref=p["ref"]),
        "report_updated": lambda p: gettext(
            "%(lender)s: your report %(ref)s is now: %(state)s.", lender=lender_name(), ref=p["ref"],
            state=p["state"]),
    }


def check_params(kind: str, params: dict[str, str]) -> None:
    """Raise TextError unless ``params`` has exactly the named string parameters of ``kind``."""
    if kind not in SMS_KINDS:
        raise TextError(f"unknown message kind {kind!r}")
    expected = set(SMS_KINDS[kind])
    if set(params) != expected or not all(isinstance(v, str) for v in params.values()):
        raise TextError(f"message kind {kind!r} takes the string parameters {sorted(expected)}, "
                        f"got {sorted(params)}")


def render_sms(kind: str, locale: str, params: dict[str, str]) -> str:
    """The text of message ``kind`` in ``locale`` (zh_Hans or zh_Hant). Needs an application context."""
    check_params(kind, params)
    if locale not in LOCALES:
        raise TextError(f"unknown locale {locale!r}")
    with force_locale(locale):
        return _texts()[kind](params)


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
