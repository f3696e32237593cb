"""Complaint rules, pure: categories, channels, the state machine and the deadlines (all in ONE place).

Deadlines follow design §6 (《银行业保险业消费投诉处理管理办法》): acknowledge within 1 working day (our promise),
decide within 15 days of receipt, extend to 30 and then 60 days only with a recorded reason, never beyond 60.
Dates are the lender's local dates (the caller converts UTC to the lender's time zone); a deadline is the last
day on which the step is still on time.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

CATEGORIES = ("threats", "insults", "night_or_frequent", "third_parties", "disclosure", "impersonation",
              "false_statements", "visit_conduct", "home_entry", "excess_demand", "other")
CHANNELS = ("visit", "phone", "sms", "app", "other")
RELATIONS = ("spouse", "parent", "child", "sibling", "relative", "employer", "friend", "other")
CONTACT_METHODS = ("portal", "phone", "sms")
OUTCOMES = ("upheld_corrected", "upheld_staff_action", "upheld_charges_refunded", "partly_upheld",
            "not_upheld_lawful", "not_upheld_no_evidence", "other")

RECEIVED, ACKNOWLEDGED, INVESTIGATING, RESOLVED, NOT_UPHELD = (
    "received", "acknowledged", "investigating", "resolved", "not_upheld")
STATES = (RECEIVED, ACKNOWLEDGED, INVESTIGATING, RESOLVED, NOT_UPHELD)
CLOSED = frozenset({RESOLVED, NOT_UPHELD})
TRANSITIONS: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({ACKNOWLEDGED}),
    ACKNOWLEDGED: frozenset({INVESTIGATING, RESOLVED, NOT_UPHELD}),
    INVESTIGATING: frozenset({RESOLVED, NOT_UPHELD}),
    RESOLVED: frozenset(),
    NOT_UPHELD: frozenset(),
}
ACCEPTED, NOT_SATISFIED = "accepted", "not_satisfied"
RESPONSES = (ACCEPTED, NOT_SATISFIED)

# Days from receipt to the decision at extension level 0, 1, 2; the last is the hard stop.
DECISION_DAYS = (15, 30, 60)
REVIEW_DAYS = 30
REVIEW_REASON_MAX = 2000
REVIEW_ANSWER_MAX = 5000
MAX_FILES_PER_SUBMISSION = 5
MAX_FILES_PER_COMPLAINT = 20

_REFERENCE = re.compile(r"^TS-(\d{8})-(\d{4,})$")
SECRET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed from paper


class RuleError(ValueError):
    """A step the rules do not allow; ``code`` names it for the message shown."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@lru_cache(maxsize=16)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.China(years=(year, year + 1))


def is_working_day(day: date) -> bool:
    """Not a weekend, not a Chinese public holiday; weekend days swapped into work days count as working."""
    return _calendar(day.year).is_working_day(day)


def next_working_day(day: date) -> date:
    """The first working day strictly after ``day``."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


@dataclass(frozen=True)
class Deadlines:
    acknowledge_by: date
    decide_by: date


def acknowledge_by(received_on: date) -> date:
    """Within 1 working day: by the end of the next working day after the day of receipt."""
    return next_working_day(received_on)


def decide_by(received_on: date, extension_level: int = 0) -> date:
    if not 0 <= extension_level < len(DECISION_DAYS):
        raise RuleError("extension_limit")
    return received_on + timedelta(days=DECISION_DAYS[extension_level])


def deadlines(received_at: datetime, tz: ZoneInfo, extension_level: int = 0) -> Deadlines:
    """The one place deadlines are computed: from the moment of receipt, in the lender's time zone."""
    received_on = local_date(received_at, tz)
    return Deadlines(acknowledge_by(received_on), decide_by(received_on, extension_level))


def can_extend(extension_level: int) -> bool:
    return extension_level + 1 < len(DECISION_DAYS)


def extend(extension_level: int, reason: str, state: str, by_supervisor: bool = True) -> int:
    """The next extension level; needs a reason, an open complaint and room under the 60-day stop. Going beyond
    30 days (to 60) is for especially complex cases and needs approval (design §6): a supervisor only."""
    if state in CLOSED:
        raise RuleError("closed")
    if not reason.strip():
        raise RuleError("reason_required")
    if not can_extend(extension_level):
        raise RuleError("extension_limit")
    if extension_level >= 1 and not by_supervisor:
        raise RuleError("extension_approval")
    return extension_level + 1


def check_transition(state: str, new_state: str, outcome: str | None = None, explanation: str = "") -> None:
    if new_state not in TRANSITIONS.get(state, frozenset()):
        raise RuleError("transition")
    if new_state in CLOSED:
        if outcome not in OUTCOMES:
            raise RuleError("outcome_required")
        if not explanation.strip():
            raise RuleError("explanation_required")


def next_due(state: str, acknowledge_due: date, decide_due: date) -> date | None:
    """The deadline the complaint is working towards now (None once decided)."""
    if state == RECEIVED:
        return acknowledge_due
    if state in CLOSED:
        return None
    return decide_due


def urgency(due: date | None, today: date) -> str | None:
    if due is None:
        return None
    if due < today:
        return "overdue"
    if due == today:
        return "due-today"
    return None


LATE_ACKNOWLEDGEMENT, LATE_DECISION = "acknowledgement", "decision"


def late(state: str, acknowledge_due: date, decide_due: date, today: date) -> str | None:
    """What an open complaint is late with, as the complainant is told: ``LATE_DECISION`` once the decision
    deadline has passed (``decide_due`` is the extended one when the deadline was extended), else
    ``LATE_ACKNOWLEDGEMENT`` when only the confirmation is late; None while on time and once decided. Late exactly
    when staff see the complaint as overdue (``urgency`` of ``next_due``): one definition for both sides."""
    if urgency(next_due(state, acknowledge_due, decide_due), today) != "overdue":
        return None
    return LATE_DECISION if decide_due < today else LATE_ACKNOWLEDGEMENT


def decided_in_time(received_on: date, decided_on: date, days: int = DECISION_DAYS[0]) -> bool:
    return (decided_on - received_on).days <= days


def review_until(shown_on: date) -> date:
    """A complainant who disagrees may ask for a review within 30 days of *receiving* the decision (design §6):
    counted from the day the decision was first shown to them, never from the day it was made. The last day on
    which the request is still on time."""
    return shown_on + timedelta(days=REVIEW_DAYS)


def can_request_review(shown_on: date | None, today: date) -> bool:
    """Within the 30 days from the day the decision was shown; not yet shown: the 30 days have not started."""
    return shown_on is None or today <= review_until(shown_on)


def check_review_request(state: str, response: str | None, shown_on: date | None, today: date, reason: str) -> None:
    if not can_respond(state, response):
        raise RuleError("respond")
    if not reason.strip():
        raise RuleError("reason_required")
    if len(reason.strip()) > REVIEW_REASON_MAX:
        raise RuleError("reason_too_long")
    if not can_request_review(shown_on, today):
        raise RuleError("review_too_late")


def needs_attention(complainant_last, staff_last) -> bool:
    """The complainant wrote, sent evidence or said they are not satisfied after the last staff reply."""
    return complainant_last is not None and (staff_last is None or complainant_last > staff_last)


def can_respond(state: str, response: str | None) -> bool:
    """The complainant accepts the outcome or says they are not satisfied, once, after the decision."""
    return state in CLOSED and response is None


def format_reference(day: date, seq: int) -> str:
    return f"TS-{day:%Y%m%d}-{seq:04d}"


def is_reference(text: str) -> bool:
    return bool(_REFERENCE.match(text or ""))


def normalize_reference(text: str) -> str:
    return re.sub(r"\s+", "", (text or "")).upper().replace("—", "-").replace("－", "-")


def normalize_secret(text: str) -> str:
    return re.sub(r"[\s\-－]", "", (text or "")).upper()


def median(values: list[float | int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def median_of_counts(counts: Mapping[int, int]) -> float | None:
    """``median`` of a list given as value -> how many times it occurs (the report's days to a decision: a few
    dozen distinct values for tens of thousands of complaints)."""
    total = sum(n for n in counts.values() if n > 0)
    if not total:
        return None

    def at(position: int) -> int:  # the value at 0-based ``position`` of the sorted list
        seen = 0
        for value in sorted(v for v, n in counts.items() if n > 0):
            seen += counts[value]
            if position < seen:
                return value
        raise IndexError(position)

    mid = total // 2
    return float(at(mid)) if total % 2 else (at(mid - 1) + at(mid)) / 2


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())
