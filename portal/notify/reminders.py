"""Scheduled reminders, run by a periodic task in the lender's time zone (``PORTAL_TIMEZONE``).

- a visit tomorrow: from 18:00 the day before;
- a payment due in ``REMINDER_DAYS_BEFORE`` days (3), from 09:00: a payment of the agreed repayment plan where
  there is one, else a contract instalment;
- a payment still unpaid ``REMINDER_DAYS_AFTER`` days after its date (the day after and a week after), from 09:00.

These are the reminders the loan page's "What happens next" lists (portal.loans.rules.timeline: the oldest unpaid
instalment's, and those still to come of the later ones up to the next to fall due). A reminder of a payment still
unpaid states the amount due now on the loan -- the loan page's figure (under a plan, the plan's) -- not that one
payment's: several may be unpaid, with penalty interest on them.

Each reminder has a key (kind, object, date) stored in ``sent_reminders`` in the same transaction as its outbox
row, so it is queued once however often the task runs; a run after the hour (a restart, a catch-up) still sends
the day's reminders, a run on a later day does not send stale ones.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.i18n import lender_tz
from portal.loans import rules as loan_rules
from portal.notify import events
from portal.notify.models import SentReminder

VISIT_REMINDER_AT = time(18, 0)
PAYMENT_REMINDER_AT = time(9, 0)


def claim(key: str) -> bool:
    """Record ``key``; False if a reminder with this key was already queued (by this run or another)."""
    if db.session.get(SentReminder, key) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(SentReminder(key=key))
            db.session.flush()
    except IntegrityError:
        return False
    return True


def visits_tomorrow(now: datetime) -> int:
    from portal.visits.models import Visit
    from portal.visits.rules import EXPECTED_AT_DOOR

    tz = lender_tz()
    local = now.astimezone(tz)
    if local.time() < VISIT_REMINDER_AT:
        return 0
    tomorrow = local.date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), tzinfo=tz)
    stmt = (select(Visit).where(Visit.state.in_(EXPECTED_AT_DOOR), Visit.window_start >= start,
                                Visit.window_start < start + timedelta(days=1)).order_by(Visit.id))
    sent = 0
    for visit in db.session.scalars(stmt):
        if claim(f"visit_tomorrow:{visit.id}:{visit.window_start.isoformat()}"):
            events.visit_sms(visit, "tomorrow", now=now)
            sent += 1
    return sent


def _targets(today) -> dict:
    """Due date -> (due|missed, days after) of the payments to remind of today."""
    before = current_app.config.get("REMINDER_DAYS_BEFORE", 3)
    after = current_app.config.get("REMINDER_DAYS_AFTER", [1, 7]) or []
    targets = {today - timedelta(days=n): ("missed", n) for n in after if n > 0}
    targets[today + timedelta(days=before)] = ("due", 0)
    return targets


def plan_payments(now: datetime) -> int:
    from portal.loans.models import Loan
    from portal.plans import rules as plan_rules
    from portal.plans.models import PlanLine, PlanProposal

    local = now.astimezone(lender_tz())
    if local.time() < PAYMENT_REMINDER_AT:
        return 0
    today = local.date()
    targets = _targets(today)
    has_line = exists().where(PlanLine.proposal_id == PlanProposal.id, PlanLine.due_date.in_(list(targets)))
    stmt = (select(PlanProposal).where(PlanProposal.state.in_(plan_rules.AGREED_STATES), has_line)
            .options(selectinload(PlanProposal.lines), selectinload(PlanProposal.loan).selectinload(Loan.payments),
                     selectinload(PlanProposal.borrower)).order_by(PlanProposal.id))
    latest: dict[int, PlanProposal] = {}
    for p in db.session.scalars(stmt):
        latest[p.loan_id] = p  # the latest agreed plan of a loan is the one in force
    sent = 0
    for p in latest.values():
        lines = [(x.due_date, x.amount_fen) for x in p.lines_of(p.agreed_which)]
        status = loan_rules.plan_status(lines, loan_rules.payments_of(p.loan), p.agreed_paid_fen, today)
        for line in status.lines:
            if line.due_date not in targets or not line.unpaid_fen:
                continue
            what, days = targets[line.due_date]
            amount = status.due_now_fen if what == "missed" else line.unpaid_fen  # missed: the page's figure
            if claim(f"plan_{what}:{p.id}:{line.due_date.isoformat()}:{days}"):
                events.instalment_sms(p.borrower, p.loan.loan_ref, line.due_date, amount, what, plan=True, now=now)
                sent += 1
    return sent


def contract_instalments(now: datetime) -> int:
    """Reminders of contract instalments, for loans without an agreed plan (the plan's dates replace them)."""
    from portal.loans.models import Instalment, Loan
    from portal.loans.queries import payment_order
    from portal.plans import rules as plan_rules
    from portal.plans.models import PlanProposal

    local = now.astimezone(lender_tz())
    if local.time() < PAYMENT_REMINDER_AT:
        return 0
    today = local.date()
    targets = _targets(today)
    due_then = exists().where(Instalment.loan_id == Loan.id, Instalment.due_date.in_(list(targets)))
    planned = exists().where(PlanProposal.loan_id == Loan.id, PlanProposal.state.in_(plan_rules.AGREED_STATES))
    stmt = (select(Loan).where(due_then, ~planned)
            .options(selectinload(Loan.instalments), selectinload(Loan.payments), selectinload(Loan.borrower))
            .order_by(Loan.id))
    order = payment_order()
    sent = 0
    for loan in db.session.scalars(stmt):
        status = loan_rules.status_of(loan, today, order)
        for item in status.instalments:
            if item.due_date not in targets or not item.unpaid_fen:
                continue
            what, days = targets[item.due_date]
            amount = status.due_now_fen if what == "missed" else item.unpaid_fen  # missed: the page's figure
            if claim(f"loan_{what}:{loan.id}:{item.seq}:{days}"):
                events.instalment_sms(loan.borrower, loan.loan_ref, item.due_date, amount, what, now=now)
                sent += 1
    return sent


def queue_digests(now: datetime) -> int:
    """Queue today's digest e-mails (once a day per person: the key is the day and the staff id)."""
    from portal.accounts.models import StaffUser
    from portal.complaints import rules
    from portal.complaints.alerts import DIGEST_AT, describe, due_soon

    local = now.astimezone(lender_tz())
    today = local.date()
    if local.time() < DIGEST_AT or not rules.is_working_day(today):
        return 0
    complaints = due_soon(today, None, limit=None)
    if not complaints:
        return 0
    everyone = list(db.session.scalars(select(StaffUser).where(StaffUser.active.is_(True),
                                                               StaffUser.email.is_not(None))
                                       .order_by(StaffUser.id)))
    by_id = {s.id: s for s in everyone}
    per_person: dict[int, list] = defaultdict(list)
    for c in complaints:
        # the assignee; everyone while nobody is assigned (or the assignee left or has no address)
        targets = [by_id[c.assignee_id]] if c.assignee_id in by_id else everyone
        for s in targets:
            per_person[s.id].append(c)
    sent = 0
    url = events.link("staff.home")
    for staff_id, mine in per_person.items():
        person = by_id[staff_id]
        if not claim(f"staff_digest:{today.isoformat()}:{staff_id}"):
            continue
        with force_locale(person.locale):
            lines = []
            for c in mine:
                what, when, _urgency = describe(c, today)
                lines.append(f"- {c.reference}: {what}, {when}")
        events.queue_email(person.email, "staff_digest", person.locale,
                           {"count": str(len(mine)), "items": "\n".join(lines), "url": url})
        sent += 1
    return sent


def run_reminders(now: datetime) -> dict[str, int]:
    """Queue every reminder and digest due at ``now`` (idempotent). The caller commits."""
    return {"visit_tomorrow": visits_tomorrow(now), "plan_payments": plan_payments(now),
            "contract_instalments": contract_instalments(now), "staff_digest": queue_digests(now)}


def run_due() -> dict[str, int]:
    """What the worker runs every five minutes and ``send-reminders`` once: the reminders and digests due now,
    committed."""
    from portal import orm  # read when called: tests set the clock there

    counts = run_reminders(orm.utcnow())
    db.session.commit()
    return counts
