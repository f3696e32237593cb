"""Every message a person expects, written to the outbox in the same transaction as the change that causes it.

Each ``*_sms`` function formats the parameters of one message kind (portal.notify.kinds) in the recipient's
script and queues it. Codes go out at once; every other message that would go out between 22:00 and 08:00 in the
lender's time zone waits until 08:00 (design §6: no collection contact at night).
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from portal.extensions import db
from portal.i18n import fmt_date, fmt_time, lender_tz, money
from portal.notify.kinds import IMMEDIATE_KINDS
from portal.notify.links import link
from portal.notify.rules import NIGHT_END, NIGHT_START, night_hold  # noqa: F401 - part of this module's interface
from portal.notify.texts import check_params
from portal.orm import utcnow


def queue_sms(to: str, kind: str, locale: str, params: dict[str, str], *, borrower_id: int | None = None,
              now: datetime | None = None):
    """Queue one SMS (the outbox row is committed with the caller's transaction)."""
    from portal.notify.outbox import queue_message

    check_params(kind, params)  # a programming error must fail the change, not the send hours later
    send_after = None if kind in IMMEDIATE_KINDS else night_hold(now or utcnow(), lender_tz())
    return queue_message(db.session, channel="sms", to=to, kind=kind, params=params, locale=locale,
                         borrower_id=borrower_id, send_after=send_after)


def queue_email(to: str, kind: str, locale: str, params: dict[str, str]):
    """Queue one e-mail to a member of staff (not held at night: staff mail is read at work)."""
    from portal.notify.outbox import queue_message

    return queue_message(db.session, channel="email", to=to, kind=kind, params=params, locale=locale)


def _when(start: datetime, end: datetime) -> str:
    return _("%(date)s, %(start)s to %(end)s", date=fmt_date(start, "medium"), start=fmt_time(start),
             end=fmt_time(end))


def _to_borrower(borrower, kind: str, params_in_locale, *, now: datetime | None = None):
    with force_locale(borrower.locale):
        params = params_in_locale()
    return queue_sms(borrower.phone, kind, borrower.locale, params, borrower_id=borrower.id, now=now)


# ---- accounts ---------------------------------------------------------------------------------------------

def account_code_sms(borrower, code: str):
    return _to_borrower(borrower, "account_code", lambda: {"code": code})


def account_active_sms(borrower):
    url = link("accounts.login")
    return _to_borrower(borrower, "account_active", lambda: {"url": url})


# ---- visits -----------------------------------------------------------------------------------------------

VISIT_KINDS = {"proposed": "visit_proposed", "rescheduled": "visit_rescheduled", "cancelled": "visit_cancelled",
               "remote_declined": "visit_remote_declined", "tomorrow": "visit_tomorrow"}


def visit_sms(visit, what: str, *, now: datetime | None = None):
    """``what``: proposed, rescheduled, cancelled, remote_declined, tomorrow or recorded."""
    borrower = visit.loan.borrower
    url = link("visits.detail", visit_id=visit.id)
    if what == "recorded":
        return _to_borrower(borrower, "visit_recorded", lambda: {"url": url}, now=now)
    return _to_borrower(borrower, VISIT_KINDS[what],
                        lambda: {"when": _when(visit.window_start, visit.window_end), "url": url}, now=now)


# ---- plans ------------------------------------------------------------------------------------------------

def plan_sms(proposal, what: str):
    """``what``: approved, declined, counter or agreed."""
    ref = proposal.loan.loan_ref
    url = link("plans.detail", proposal_id=proposal.id)
    return _to_borrower(proposal.borrower, f"plan_{what}", lambda: {"ref": ref, "url": url})


def instalment_sms(borrower, loan_ref: str, due_on, amount_fen: int, what: str, *, plan: bool = False,
                   now: datetime | None = None):
    """``what``: due (a reminder before the date) or missed (after it). ``plan``: a payment under the loan's agreed
    repayment plan (its own texts: the borrower already has a plan), else a contract instalment."""
    kind = f"plan_payment_{what}" if plan else f"instalment_{what}"
    url = link("loans.detail", loan_ref=loan_ref)
    return _to_borrower(borrower, kind, lambda: {
        "ref": loan_ref, "date": fmt_date(due_on, "medium"), "amount": money(amount_fen), "url": url}, now=now)


# ---- complaints and third-party reports -------------------------------------------------------------------

def _complaint_recipient(complaint):
    """(phone, locale, borrower_id, url) of whoever should hear of this complaint by SMS, or None.

    A borrower's complaint goes to the borrower's phone; a third-party report only when the reporter chose SMS
    (the link is the status page, where the reference and the secret they kept open it)."""
    if complaint.borrower_id is not None:
        from portal.accounts.models import Borrower
        from portal.extensions import db

        borrower = db.session.get(Borrower, complaint.borrower_id)
        return (borrower.phone, borrower.locale, borrower.id,
                link("complaints.detail", reference=complaint.reference))
    if complaint.preferred_contact == "sms" and complaint.contact_phone:
        return complaint.contact_phone, complaint.locale, None, link("complaints.report_status")
    return None


def complaint_sms(complaint, what: str):
    """``what``: filed, acknowledged, extended, reply, decided or state (a third party's report moved on). An
    extension's SMS gives the new date and the link; its reason is on the complaint page."""
    recipient = _complaint_recipient(complaint)
    if recipient is None:
        return None
    phone, locale, borrower_id, url = recipient
    third_party = borrower_id is None
    ref = complaint.reference
    with force_locale(locale):
        if what == "filed":
            if not third_party:
                return None  # a borrower sees the complaint in the portal at once
            kind, params = "report_received", {"ref": ref, "url": url}
        elif what == "extended":
            kind = "complaint_extended"
            params = {"ref": ref, "date": fmt_date(complaint.decide_due, "medium"), "url": url}
        elif what in ("acknowledged", "reply", "decided"):
            kind, params = f"complaint_{what}", {"ref": ref, "url": url}
        else:
            if not third_party:
                return None  # a borrower follows the intermediate steps in the portal
            from portal.complaints.labels import STATE_LABELS

            kind, params = "report_updated", {"ref": ref, "state": str(STATE_LABELS[complaint.state]), "url": url}
    return queue_sms(phone, kind, locale, params, borrower_id=borrower_id)

