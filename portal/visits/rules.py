"""Pure rules of verification visits: allowed windows, reschedule slots, visit codes and the state machine.

Times given to these functions are aware datetimes in the lender's time zone (or any zone: they are converted).
Problems come back as short codes; the services turn them into localized messages.
"""
from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterable
from zoneinfo import ZoneInfo

import holidays

# design §6: no visit 22:00-08:00, whatever the configuration says.
NIGHT_END_HOUR = 8
NIGHT_START_HOUR = 22
MIN_WINDOW = timedelta(hours=1)
MAX_WINDOW = timedelta(hours=4)
SLOT_LENGTH = timedelta(hours=3)
# Our own standard (the design sets no legal deadline): a visit record is written within 24 hours of leaving.
RECORD_LATE_AFTER = timedelta(hours=24)
MIN_VISITORS = 2

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 6

STATES = ("proposed", "confirmed", "reschedule_requested", "rescheduled", "remote_requested", "cancelled",
          "completed", "missed")
# A visitor at the door is expected only in these states: not once the borrower asked to move the visit or to be
# checked remotely, and not after it was cancelled, completed or missed.
EXPECTED_AT_DOOR = frozenset({"proposed", "confirmed", "rescheduled"})
OPEN_STATES = frozenset({"proposed", "confirmed", "reschedule_requested", "rescheduled", "remote_requested"})
# The staff queue: visits whose borrower asked for something, and visits on the calendar (past ones wait to be
# recorded). Partial indexes of the visits table are built on these (portal.visits.models).
WAITING_STATES = ("reschedule_requested", "remote_requested")
SCHEDULED_STATES = ("proposed", "confirmed", "rescheduled")
# The one place that says which action moves a visit from which state to which.
TRANSITIONS: dict[str, dict[str, str]] = {
    "confirm": {"proposed": "confirmed", "rescheduled": "confirmed"},
    "request_reschedule": {"proposed": "reschedule_requested", "confirmed": "reschedule_requested",
                           "rescheduled": "reschedule_requested"},
    "schedule_reschedule": {"reschedule_requested": "rescheduled"},
    "request_remote": {"proposed": "remote_requested", "confirmed": "remote_requested",
                       "rescheduled": "remote_requested", "reschedule_requested": "remote_requested"},
    "cancel": {s: "cancelled" for s in OPEN_STATES},
    # A visit may go ahead with notice when the borrower did not answer; a remote request is completed by the
    # video check that replaces the visit (recorded like a visit, method "video").
    "complete": {"confirmed": "completed", "rescheduled": "completed", "proposed": "completed",
                 "remote_requested": "completed"},
    "miss": {"confirmed": "missed", "rescheduled": "missed", "proposed": "missed", "remote_requested": "missed"},
    # Staff cannot offer a video check: the visit stays at its time, the borrower is told why.
    "decline_remote": {"remote_requested": "proposed"},
}


class InvalidTransition(ValueError):
    pass


def can(state: str, action: str) -> bool:
    return state in TRANSITIONS.get(action, {})


def next_state(state: str, action: str) -> str:
    try:
        return TRANSITIONS[action][state]
    except KeyError:
        raise InvalidTransition(f"{action!r} is not possible from {state!r}") from None


@dataclass(frozen=True)
class VisitPolicy:
    start_hour: int = 9
    end_hour: int = 20
    min_notice_days: int = 3
    reschedule_days: int = 14
    max_reschedules: int = 2

    @classmethod
    def from_config(cls, config) -> "VisitPolicy":
        hours = config["VISIT_HOURS"]
        return cls(hours.start, hours.end, config["VISIT_MIN_NOTICE_DAYS"], config["VISIT_RESCHEDULE_DAYS"],
                   config["VISIT_MAX_RESCHEDULES"])

    @property
    def first_minute(self) -> int:
        return max(self.start_hour, NIGHT_END_HOUR) * 60

    @property
    def last_minute(self) -> int:
        return min(self.end_hour, NIGHT_START_HOUR) * 60


def is_public_holiday(day: date) -> bool:
    """China's statutory holidays (and the extra days off around them) from the ``holidays`` calendar."""
    return day in holidays.China(years=day.year)


def overlaps(start: datetime, end: datetime, others: Iterable[tuple[datetime, datetime]]) -> bool:
    return any(s < end and start < e for s, e in others)


def _minutes(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def window_problems(start: datetime, end: datetime, *, today: date, policy: VisitPolicy, tz: ZoneInfo,
                    others: Iterable[tuple[datetime, datetime]] = (), notice_days: int | None = None) -> list[str]:
    """Everything wrong with a visit window, as codes (empty list: allowed)."""
    start, end = start.astimezone(tz), end.astimezone(tz)
    problems: list[str] = []
    if end <= start:
        return ["order"]
    if end - start < MIN_WINDOW or end - start > MAX_WINDOW:
        problems.append("length")
    if start.date() != end.date() or _minutes(start) < policy.first_minute or _minutes(end) > policy.last_minute:
        problems.append("hours")
    if is_public_holiday(start.date()):
        problems.append("holiday")
    notice = policy.min_notice_days if notice_days is None else notice_days
    if start.date() < today + timedelta(days=notice):
        problems.append("notice")
    if overlaps(start, end, others):
        problems.append("overlap")
    return problems


def reschedule_slots(today: date, *, policy: VisitPolicy, tz: ZoneInfo,
                     others: Iterable[tuple[datetime, datetime]] = ()) -> list[tuple[datetime, datetime]]:
    """The windows a borrower may move a visit to: 3-hour slots from tomorrow to ``reschedule_days`` ahead,
    inside the visit hours, not on holidays, not overlapping the loan's other visits."""
    others = list(others)
    slots = []
    for offset in range(1, policy.reschedule_days + 1):
        day = today + timedelta(days=offset)
        if is_public_holiday(day):
            continue
        minute = policy.first_minute
        while minute + SLOT_LENGTH.seconds // 60 <= policy.last_minute:
            start = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz)
            end = start + SLOT_LENGTH
            if not overlaps(start, end, others):
                slots.append((start, end))
            minute += SLOT_LENGTH.seconds // 60
    return slots


def slot_key(start: datetime, tz: ZoneInfo) -> str:
    """A stable form value for a slot: its local start, e.g. ``202605120900``."""
    return start.astimezone(tz).strftime("%Y%m%d%H%M")


def reschedules_left(count: int, policy: VisitPolicy) -> int:
    return max(0, policy.max_reschedules - count)


def new_visit_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    """What a person types: lower case, spaces, full-width letters; O and I read as 0 and 1 never occur."""
    return unicodedata.normalize("NFKC", raw or "").replace(" ", "").replace("-", "").upper()


def normalize_loan_ref(raw: str | None) -> str:
    """A loan reference as typed, without the spaces around it and with full-width characters folded."""
    return unicodedata.normalize("NFKC", raw or "").strip()


def may_propose(first_day: date | None, today: date) -> bool:
    """A visit may be proposed from the day the loan's timeline gives (``None``: nothing unpaid, never)."""
    return first_day is not None and first_day <= today


# A loan has at most one open visit (design §5): the borrower's answers to a visit -- confirm, move it at most
# VISIT_MAX_RESCHEDULES times, ask for a video call instead -- are about *the* visit; a second proposal while one
# is open would step round them (a new time after the moves ran out, a home visit after a video call was asked
# for). Staff answer, record or cancel the open visit, then propose the next: a proposal on a loan with an open
# visit is refused with ``open_visit`` (portal.visits.services.propose_visit).

# The fields of the proposal form that each problem of a proposal concerns (``hours``: see problem_fields).
PROBLEM_FIELDS = {"order": ("end",), "length": ("end",), "holiday": ("day",), "notice": ("day",),
                  "overlap": ("start", "end"), "visitors": ("visitors",), "open_visit": ("day",)}


def problem_fields(code: str, start: datetime, end: datetime, policy: VisitPolicy, tz: ZoneInfo) -> tuple[str, ...]:
    """The proposal form's fields a problem code concerns, so that its message stands next to them: a window
    outside the visit hours names the end of it that is outside (both, or the end when it is on another day)."""
    if code != "hours":
        return PROBLEM_FIELDS.get(code, ())
    start, end = start.astimezone(tz), end.astimezone(tz)
    early = _minutes(start) < policy.first_minute
    late = start.date() != end.date() or _minutes(end) > policy.last_minute
    return ("start",) * early + ("end",) * late or ("start", "end")


def normalize_badge(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw or "").strip().replace(" ", "").upper()


def is_today(start: datetime, today: date, tz: ZoneInfo) -> bool:
    return start.astimezone(tz).date() == today


def window_timing(start: datetime, end: datetime, now: datetime) -> str:
    """Where ``now`` stands against a visit's window: ``early`` (before it starts), ``now`` (inside it) or ``late``
    (after it ends). Aware datetimes; the comparison holds in any time zone."""
    if now < start:
        return "early"
    return "late" if now >= end else "now"


def record_due(window_end: datetime) -> datetime:
    """When the record of a visit whose time has passed is late (``RECORD_LATE_AFTER``): counted from the end of
    its window, since when the visitors left is known only once they record it."""
    return window_end + RECORD_LATE_AFTER
