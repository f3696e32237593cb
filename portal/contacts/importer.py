"""``import-contacts``: the lender's contact log as JSON Lines, upserted on ``contact_ref`` (issue 16).

The same rules as ``import-loans``: each line all-or-nothing, bad lines reported with their number and reason,
importing the same file twice changes nothing (a line whose content digest is unchanged is skipped), a changed line
updates its row (never a second one), commits in batches so a file of any size is read in bounded memory.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.contacts.models import Contact
from portal.contacts.rules import CHANNELS, PARTIES, InvalidNumber, normalize_number
from portal.imports import runner
from portal.imports.report import ImportReport, Rejected, digest, json_object
from portal.loans.importer import FIRST_YEAR, LAST_YEAR
from portal.loans.models import Loan, folded_loan_ref, pick_loan_ref

CONTACT_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
BATCH = 1000
FIELDS = ("loan_id", "at", "channel", "answered", "duration_s", "to_number", "to_party", "from_number", "agent",
          "agency_code", "summary", "collectors_count", "source_digest")


# A contact's time: ISO 8601 with a UTC offset (RFC 3339: 2026-11-30T23:30:00+08:00, seconds optional, a space
# for the T allowed), in FIRST_YEAR or later and not ahead of the clock by more than CLOCK_SKEW.
AT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
                r"([Zz]|[+-][0-9]{2}:?[0-9]{2})?")
CLOCK_SKEW = timedelta(minutes=15)
MAX_DURATION_S = 24 * 3600  # a call of a day at most
MAX_COLLECTORS = 100


def _at(value: Any, now: datetime | None = None) -> datetime:
    if not isinstance(value, str):
        raise Rejected(f"at must be an ISO 8601 time with an offset: {value!r}", "at")
    try:
        if not AT.fullmatch(value):
            raise ValueError(value)
        at = datetime.fromisoformat(value)
    except ValueError:
        raise Rejected(f"at is not a possible time: {value!r}", "at") from None
    if at.tzinfo is None or at.utcoffset() is None:
        raise Rejected(f"at has no UTC offset (write e.g. +08:00): {value!r}", "at")
    try:
        at = at.astimezone(timezone.utc)
    except OverflowError:  # year 1 east of Greenwich or year 9999 west of it: no UTC time
        raise Rejected(f"at must be in the years {FIRST_YEAR} to {LAST_YEAR}: {value!r}", "at") from None
    if not FIRST_YEAR <= at.year <= LAST_YEAR:
        raise Rejected(f"at must be in the years {FIRST_YEAR} to {LAST_YEAR}: {value!r}", "at")
    if at > (now or datetime.now(timezone.utc)) + CLOCK_SKEW:
        raise Rejected(f"at is in the future: {value!r}", "at")
    return at


def _number(data: dict, key: str, required: bool) -> str:
    value = data.get(key, "")
    if value in ("", None) and not required:
        return ""
    if not isinstance(value, str):
        raise Rejected(f"{key} must be a phone number as a string", key)
    try:
        return normalize_number(value)
    except InvalidNumber:
        raise Rejected(f"{key} is not a phone number: {value!r}", key) from None


def _text(data: dict, key: str, max_len: int) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value.strip()) > max_len:
        raise Rejected(f"{key} must be text of at most {max_len} characters", key)
    return value.strip()


def _count(data: dict, key: str, most: int) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        raise Rejected(f"{key} must be a whole number from 0 to {most}: {value!r}", key)
    return value


def parse_line(raw: str) -> dict:
    """Validate one line into plain values; raise Rejected with the first problem found."""
    data = json_object(raw)
    ref = data.get("contact_ref")
    if not isinstance(ref, str) or not CONTACT_REF.match(ref):
        raise Rejected(f"invalid contact_ref {ref!r}", "contact_ref")
    loan_ref = data.get("loan_ref")
    if not isinstance(loan_ref, str) or not loan_ref:
        raise Rejected(f"invalid loan_ref {loan_ref!r}", "loan_ref")
    channel = data.get("channel")
    if channel not in CHANNELS:
        raise Rejected(f"unknown channel {channel!r} (use one of {', '.join(CHANNELS)})", "channel")
    party = data.get("to_party")
    if party not in PARTIES:
        raise Rejected(f"unknown to_party {party!r} (use one of {', '.join(PARTIES)})", "to_party")
    answered = data.get("answered")
    if answered is not None and not isinstance(answered, bool):
        raise Rejected(f"answered must be true, false or null: {answered!r}", "answered")
    needs_number = channel in ("call", "sms")
    parsed = {
        "contact_ref": ref, "loan_ref": loan_ref, "at": _at(data.get("at")), "channel": channel,
        "answered": answered if channel == "call" else None,
        "duration_s": _count(data, "duration_s", MAX_DURATION_S),
        "to_number": _number(data, "to_number", needs_number), "to_party": party,
        "from_number": _number(data, "from_number", needs_number), "agent": _text(data, "agent", 100),
        "agency_code": _text(data, "agency_code", 32), "summary": _text(data, "summary", 200),
        "collectors_count": _count(data, "collectors_count", MAX_COLLECTORS) if channel == "visit" else None,
        "source_digest": digest(data),
    }
    return parsed


def loan_id_for(ref: str, loans: dict[str, int]) -> int:
    """The id of the loan ``ref`` names in any case, among ``loans`` (stored reference -> id, fetched by
    ``folded_loan_ref``); raise Rejected when none is, or when several differ only in case and none is spelt so."""
    same = [stored for stored in loans if stored.lower() == ref.lower()]
    chosen = pick_loan_ref(ref, same)
    if chosen is not None:
        return loans[chosen]
    if same:
        raise Rejected(f"loan_ref {ref!r} matches {len(same)} loans whose references differ only in case "
                       f"({', '.join(sorted(same))}); send one of them exactly", "loan_ref")
    raise Rejected("unknown loan_ref (import the loan first)", "loan_ref")


def same_loan(existing: Contact | None, parsed: dict) -> None:
    """A contact stays on the loan it was first recorded for: a ``contact_ref`` sent again for another loan (a
    reused reference) is refused, or one borrower's contact log would show a call made about another's loan."""
    if existing is not None and existing.loan_id != parsed["loan_id"]:
        raise Rejected(f"contact_ref {parsed['contact_ref']!r} is already recorded for another loan; a contact never "
                       "moves to another loan (give this contact its own contact_ref)", "contact_ref")


def import_lines(session: Session, stream: IO[str]) -> ImportReport:
    """Import every line, committed every ``BATCH`` lines (the shared runner); each line all-or-nothing."""
    return runner.run(session, stream, import_batch, BATCH)


def import_batch(session: Session, lines: list[tuple[int, str]], report: ImportReport) -> None:
    """One query for the batch's loans, one for its known contacts; each line in a savepoint (not committed)."""
    parsed: list[tuple[int, dict]] = []
    for number, raw in lines:
        try:
            parsed.append((number, parse_line(raw)))
        except Rejected as exc:
            report.rejected.append((number, str(exc)))
    loan_refs = {p["loan_ref"] for _, p in parsed}
    refs = {p["contact_ref"] for _, p in parsed}
    loans = dict(session.execute(select(Loan.loan_ref, Loan.id)
                                 .where(folded_loan_ref().in_({r.lower() for r in loan_refs}))).all()) \
        if loan_refs else {}
    known = {c.contact_ref: c for c in session.scalars(select(Contact).where(Contact.contact_ref.in_(refs)))} \
        if refs else {}
    for number, p in parsed:
        try:
            p["loan_id"] = loan_id_for(p.pop("loan_ref"), loans)
        except Rejected as exc:
            report.rejected.append((number, str(exc)))
            continue
        existing = known.get(p["contact_ref"])
        try:
            same_loan(existing, p)
        except Rejected as exc:
            report.rejected.append((number, str(exc)))
            continue
        if existing is not None and existing.source_digest == p["source_digest"]:
            report.unchanged += 1
            continue
        try:
            with session.begin_nested():
                if existing is None:
                    contact = Contact(**p)
                    session.add(contact)
                    known[p["contact_ref"]] = contact
                else:
                    for key in FIELDS:
                        setattr(existing, key, p[key])
                session.flush()
        except IntegrityError as exc:
            if existing is None:
                known.pop(p["contact_ref"], None)
            report.rejected.append((number, f"conflicts with data already stored ({exc.orig.__class__.__name__})"))
            continue
        if existing is None:
            report.created += 1
        else:
            report.updated += 1
