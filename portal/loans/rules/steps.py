"""The timeline of a loan: the lender's next steps with their dates for the oldest unpaid instalment (design §5)."""
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
    kind: str   # "reminder_before" | "due" | "reminder" | "credit_notice" | "credit_report" | "visit"
    on: date
    done: bool  # the date has passed (or is today)


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
    steps.sort(key=lambda s: s.on)
    return [TimelineStep(s.kind, s.on, s.on <= status.as_of) for s in steps]
