"""The timeline of a loan: the lender's next steps with their dates for the oldest unpaid instalment, and the SMS
reminders still to come of the later ones up to the next to fall due (design §5)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from portal.loans.rules.status import LoanStatus


@dataclass(frozen=True)
class TimelineSettings:
    """Day offsets of the lender's process, counted from an instalment's due date (config keys in brackets)."""
    reminder_days_before: int = 3            # [REMINDER_DAYS_BEFORE]
    reminder_days_after: tuple[int, ...] = (1, 7)  # [REMINDER_DAYS_AFTER]
    credit_notice_day: int = 30              # [CREDIT_NOTICE_DAY]: notice before reporting (征信业管理条例 Art. 15)
    credit_report_day: int = 60              # [CREDIT_REPORT_DAY]: earliest day negative information may be reported
    visit_day: int = 60                      # [VISIT_PROPOSAL_DAY]: from when a verification visit may be proposed
    visit_min_notice_days: int = 3           # [VISIT_MIN_NOTICE_DAYS]


@dataclass(frozen=True)
class TimelineStep:
    kind: str   # "reminder_before" | "due" | "reminder" | "credit_notice" | "credit_report" | "visit" | "next_due"
    on: date
    done: bool  # the date has passed (or is today)
    later: bool = False  # a reminder or the due date of a later instalment (``later_reminders``)


def timeline(status: LoanStatus, settings: TimelineSettings = TimelineSettings()) -> list[TimelineStep]:
    """The lender's next steps with dates, for the oldest unpaid instalment (or the next one to fall due).

    Nothing is listed for a settled loan. Steps whose day has passed are kept (``done``) so the borrower sees
    where in the process the loan is."""
    if status.oldest_unpaid_due is not None:
        due = status.oldest_unpaid_due
    elif status.next_due is not None:
        due = status.next_due.due_date
    else:
        return []
    day = timedelta(days=1)
    steps = [TimelineStep("reminder_before", due - settings.reminder_days_before * day, False),
             TimelineStep("due", due, False)]
    steps += [TimelineStep("reminder", due + n * day, False) for n in settings.reminder_days_after]
    notice = due + settings.credit_notice_day * day
    steps.append(TimelineStep("credit_notice", notice, False))
    steps.append(TimelineStep("credit_report", max(due + settings.credit_report_day * day, notice + day), False))
    steps.append(TimelineStep("visit", due + settings.visit_day * day, False))
    steps += later_reminders(status, settings, due)
    steps.sort(key=lambda s: s.on)
    return [TimelineStep(s.kind, s.on, s.on <= status.as_of, s.later) for s in steps]


def payment_reminder_days(due: date, settings: TimelineSettings) -> list[tuple[str, date]]:
    """The SMS reminders of a payment due on ``due`` that ``portal.notify.reminders`` sends while it is unpaid:
    ``reminder_before`` days before, and ``reminder`` each of the days after."""
    day = timedelta(days=1)
    return ([("reminder_before", due - settings.reminder_days_before * day)]
            + [("reminder", due + n * day) for n in settings.reminder_days_after if n > 0])


def later_reminders(status: LoanStatus, settings: TimelineSettings, process_due: date) -> list[TimelineStep]:
    """The reminders still to come (after ``as_of``) of the unpaid instalments other than the one the steps are
    for (due ``process_due``), up to the next one to fall due, with that one's due date (``next_due``): the
    reminders the loan will actually get, when the oldest instalment's are long past."""
    last = status.next_due.due_date if status.next_due is not None else None
    out: list[TimelineStep] = []
    for item in status.instalments:
        if item.due_date == process_due or not item.unpaid_fen or (last is not None and item.due_date > last):
            continue
        out += [TimelineStep(kind, on, False, True) for kind, on in payment_reminder_days(item.due_date, settings)
                if on > status.as_of]
        if item.due_date > status.as_of:
            out.append(TimelineStep("next_due", item.due_date, False, True))
    return out
