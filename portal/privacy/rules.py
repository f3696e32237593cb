"""Pure rules of data requests and retention (no Flask, no session)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

CORRECTION = "correction"
DELETION = "deletion"
KINDS = (CORRECTION, DELETION)

OPEN = "open"
DONE = "done"          # corrected or deleted as asked
DECLINED = "declined"  # not done, with the reason
STATES = (OPEN, DONE, DECLINED)
ANSWERS = (DONE, DECLINED)

# Our promise: the complaint rules' clock (decide within 15 days of receipt), in the lender's calendar days.
ANSWER_DAYS = 15
DETAIL_MAX = 2000
ANSWER_MAX = 2000


class RequestError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def due_on(received_on: date) -> date:
    return received_on + timedelta(days=ANSWER_DAYS)


def reference(request_id: int) -> str:
    return f"DR-{request_id:06d}"


def request_id(ref: str) -> int | None:
    """The id in a reference (``DR-000042`` -> 42), or None when ``ref`` is not one."""
    prefix, _, number = ref.partition("-")
    return int(number) if prefix == "DR" and number.isdigit() else None


def check_answer(state: str, outcome: str, answer: str) -> None:
    if state != OPEN:
        raise RequestError("answered")
    if outcome not in ANSWERS:
        raise RequestError("outcome")
    if not answer.strip():
        raise RequestError("reason")


def cutoff(now: datetime, *, days: int = 0, years: int = 0) -> datetime:
    """The moment before which something is due for deletion (a year counted as 365 days)."""
    return now - timedelta(days=days + 365 * years)
