"""``import-agencies``: the published list as JSON Lines, upserted on ``code`` (the same rules as the other imports).

One line per organisation: ``code``, ``kind`` (``lender`` or ``agency``; default agency), ``name``, ``name_hant``
(optional), ``uscc`` (unified social credit code, checked per GB 32100-2015), ``numbers`` (the numbers they call or
text from; the line's list replaces the stored one), ``since`` and ``until`` (ISO dates; ``until`` empty: still
used). Each line all-or-nothing; bad lines named with their number and reason; the same file twice changes nothing.
"""
from __future__ import annotations

import re
from datetime import date
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.agencies import rules
from portal.agencies.models import Agency
from portal.agencies.services import AgencyError, AgencyValues, apply
from portal.contacts.rules import InvalidNumber, normalize_number
from portal.imports import runner
from portal.imports.report import ImportReport, Rejected, json_object

BATCH = 500
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
REASONS = {"code_taken": "code already used", "uscc_taken": "uscc already used by another agency",
           "second_lender": "there is already a row of kind lender", "dates_order": "until is before since",
           "stale": "changed meanwhile"}
USCC_REASONS = {"length": "must have 18 characters", "chars": "has a character outside 0-9 and A-Z without I O S V Z",
                "division": "characters 3 to 8 must be digits", "check": "check character does not match"}


def _date(data: dict, key: str, required: bool) -> date | None:
    value = data.get(key)
    if value in (None, "") and not required:
        return None
    if not isinstance(value, str):
        raise Rejected(f"{key} must be an ISO date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Rejected(f"{key} is not a possible date: {value!r}") from None


def _name(data: dict, key: str, required: bool) -> str:
    value = data.get(key) or ""
    if not isinstance(value, str) or len(value.strip()) > 100 or (required and not value.strip()):
        raise Rejected(f"{key} must be text of 1 to 100 characters" if required else f"{key} must be text")
    return value.strip()


def numbers_of(values: Any) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise Rejected("numbers must be a list of phone numbers as strings")
    found = []
    for value in values:
        try:
            found.append(normalize_number(value))
        except InvalidNumber:
            raise Rejected(f"not a phone number: {value!r}") from None
    return found


def parse_line(raw: str) -> AgencyValues:
    data = json_object(raw)
    code = data.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        raise Rejected(f"invalid code {code!r}")
    kind = data.get("kind") or "agency"
    if kind not in rules.KINDS:
        raise Rejected(f"unknown kind {kind!r} (use lender or agency)")
    uscc = data.get("uscc")
    if not isinstance(uscc, str):
        raise Rejected("uscc must be the 18-character unified social credit code")
    try:
        uscc = rules.normalize_uscc(uscc)
    except rules.InvalidUSCC as exc:
        raise Rejected(f"uscc {USCC_REASONS[exc.reason]}: {uscc!r}") from None
    return AgencyValues(code=code, kind=kind, name=_name(data, "name", True), name_hant=_name(data, "name_hant", False),
                        uscc=uscc, numbers=numbers_of(data.get("numbers", [])), since=_date(data, "since", True),
                        until=_date(data, "until", False))


def import_lines(session: Session, stream: IO[str]) -> ImportReport:
    """Import every line through the shared batch runner (one commit per ``BATCH`` lines; the list is short, so
    usually one); each line all-or-nothing in its own savepoint."""
    return runner.run(session, stream, import_batch, BATCH)


def import_batch(session: Session, lines: list[tuple[int, str]], report: ImportReport) -> None:
    for number, raw in lines:
        try:
            values = parse_line(raw)
            existing = session.scalar(select(Agency).where(Agency.code == values.code))
            with session.begin_nested():
                _, changed = apply(session, existing, values)
        except Rejected as exc:
            report.rejected.append((number, str(exc)))
            continue
        except AgencyError as exc:
            report.rejected.append((number, REASONS[exc.code]))
            continue
        if existing is None:
            report.created += 1
        elif changed:
            report.updated += 1
        else:
            report.unchanged += 1
