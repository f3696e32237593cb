"""``import-loans``: the lender's JSON Lines export (design §4), upserted on ``loan_ref`` whatever its case (a
reference differing only in case names the stored loan, which keeps its first spelling).

Each line is all-or-nothing (a savepoint); bad lines are reported with their number and reason.
Importing the same file twice changes nothing: a line whose content digest is unchanged is skipped.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import IO, Any

from flask import has_app_context
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.models import LOCALES, Borrower
from portal.accounts.rules import InvalidIdNumber, InvalidPhone, normalize_id_number, normalize_phone
from portal.imports import runner
from portal.imports.report import ImportReport, Rejected, digest, json_object
from portal.loans.models import Instalment, Loan, Payment, folded_loan_ref, pick_loan_ref

LOAN_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
BATCH = 500


# Money: ASCII digits, at most 2 decimals (the API's documented pattern; not "1_000", "١٢٠٠", " 1.00 ", "1e4"),
# at most MAX_YUAN a figure: a consumer loan's sizes, and well inside the database's INTEGER of fen (2^31 - 1).
MONEY = re.compile(r"[0-9]+(\.[0-9]{1,2})?")
RATE = re.compile(r"[0-9]+(\.[0-9]+)?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_YUAN = 10_000_000
# Dates of a loan (start, due dates, payments) lie in these years: others are typing or export errors.
FIRST_YEAR, LAST_YEAR = 1970, 2100
PAYMENT_SKEW = timedelta(days=1)  # a payment dated up to a day ahead of the lender's today (clocks, time zones)


def _fen(value: Any, what: str, *, positive: bool = False, field: str | None = None) -> int:
    field = field or what
    if not isinstance(value, str):
        raise Rejected(f"{what} must be a decimal string such as \"1000.00\"", field)
    if not MONEY.fullmatch(value):
        if re.fullmatch(r"[0-9]+\.[0-9]{3,}", value):
            raise Rejected(f"{what} must have at most 2 decimal places: {value!r}", field)
        raise Rejected(f"{what} must be digits 0-9 with at most 2 decimal places, such as \"1000.00\": {value!r}",
                       field)
    amount = Decimal(value)
    if positive and amount == 0:
        raise Rejected(f"{what} must be positive: {value!r}", field)
    if amount > MAX_YUAN:
        raise Rejected(f"{what} must be at most {MAX_YUAN}.00: {value!r}", field)
    return int(amount * 100)


def _rate(value: Any, what: str, ceiling: Decimal) -> Decimal:
    rate = Decimal(value) if isinstance(value, str) and RATE.fullmatch(value) else None
    if rate is None or not (0 <= rate <= ceiling):
        raise Rejected(f"{what} must be a decimal string between 0 and {ceiling}: {value!r}", what)
    return rate


def _date(value: Any, what: str, field: str | None = None, *, latest: date | None = None) -> date:
    """A date written YYYY-MM-DD (not 20260615 or 2026-W24-1, which ``fromisoformat`` also reads) that exists, in
    the years FIRST_YEAR to LAST_YEAR, and not after ``latest`` when given."""
    try:
        if not (isinstance(value, str) and DATE.fullmatch(value)):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        raise Rejected(f"{what} must be an ISO date (YYYY-MM-DD): {value!r}", field or what) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Rejected(f"{what} must be in the years {FIRST_YEAR} to {LAST_YEAR}: {value!r}", field or what)
    if latest is not None and day > latest:
        raise Rejected(f"{what} is in the future: {value!r}", field or what)
    return day


def _today() -> date:
    """The lender's today (the app's time zone), or the UTC date outside an app."""
    if has_app_context():
        from portal.i18n import local_today

        return local_today()
    return datetime.now(timezone.utc).date()


def _text(obj: dict, key: str, what: str, max_len: int, required: bool = True, field: str | None = None) -> str:
    value = obj.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > max_len:
        raise Rejected(f"{what} is missing or longer than {max_len} characters", field or key)
    return value.strip()


def parse_line(raw: str) -> dict:
    """Validate one line into plain values; raise Rejected with the first problem found."""
    data = json_object(raw)
    loan_ref = data.get("loan_ref")
    if not isinstance(loan_ref, str) or not LOAN_REF.match(loan_ref):
        raise Rejected(f"invalid loan_ref {loan_ref!r}", "loan_ref")
    b = data.get("borrower")
    if not isinstance(b, dict):
        raise Rejected("borrower is missing", "borrower")
    try:
        phone = normalize_phone(b.get("phone") if isinstance(b.get("phone"), str) else "")
    except InvalidPhone:
        raise Rejected(f"invalid phone {b.get('phone')!r}", "borrower.phone") from None
    try:
        id_number = normalize_id_number(b.get("id_number") if isinstance(b.get("id_number"), str) else "")
    except InvalidIdNumber as exc:
        raise Rejected(f"invalid resident ID number ({exc})", "borrower.id_number") from None
    locale = b.get("locale", "zh_Hans")
    if locale not in LOCALES:
        raise Rejected(f"unknown locale {locale!r} (use zh_Hans or zh_Hant)", "borrower.locale")
    principal = _fen(data.get("principal"), "principal", positive=True)
    start = _date(data.get("start_date"), "start_date")
    schedule = data.get("schedule")
    if not isinstance(schedule, list) or not schedule:
        raise Rejected("schedule must be a non-empty list", "schedule")
    rows = []
    for i, item in enumerate(schedule, 1):
        if not isinstance(item, dict):
            raise Rejected(f"schedule item {i} must be an object", f"schedule.{i - 1}")
        rows.append({
            "due_date": _date(item.get("due_date"), f"schedule item {i} due_date", f"schedule.{i - 1}.due_date"),
            "principal_fen": _fen(item.get("principal"), f"schedule item {i} principal",
                                  field=f"schedule.{i - 1}.principal"),
            "interest_fen": _fen(item.get("interest", "0.00"), f"schedule item {i} interest",
                                 field=f"schedule.{i - 1}.interest"),
            "fee_fen": _fen(item.get("fee", "0.00"), f"schedule item {i} fee", field=f"schedule.{i - 1}.fee"),
        })
    dues = [r["due_date"] for r in rows]
    if dues != sorted(set(dues)) or dues[0] <= start:
        raise Rejected("schedule due dates must be after start_date and strictly increasing", "schedule")
    total = sum(r["principal_fen"] for r in rows)
    if total != principal:
        raise Rejected(f"schedule principal sums to {Decimal(total) / 100:.2f}, not the principal "
                       f"{Decimal(principal) / 100:.2f}", "schedule")
    payments = data.get("payments", [])
    if not isinstance(payments, list):
        raise Rejected("payments must be a list", "payments")
    paid = []
    latest = _today() + PAYMENT_SKEW
    for i, item in enumerate(payments, 1):
        if not isinstance(item, dict):
            raise Rejected(f"payment {i} must be an object", f"payments.{i - 1}")
        paid.append({"paid_on": _date(item.get("paid_on"), f"payment {i} paid_on", f"payments.{i - 1}.paid_on",
                                      latest=latest),
                     "amount_fen": _fen(item.get("amount"), f"payment {i} amount", positive=True,
                                        field=f"payments.{i - 1}.amount")})
    paid.sort(key=lambda p: p["paid_on"])
    return {
        "loan_ref": loan_ref,
        "product": _text(data, "product", "product", 100),
        "principal_fen": principal,
        "annual_rate": _rate(data.get("annual_rate"), "annual_rate", Decimal("10")),
        "penalty_daily_rate": _rate(data.get("penalty_daily_rate"), "penalty_daily_rate", Decimal("0.1")),
        "start_date": start,
        "schedule": rows,
        "payments": paid,
        "borrower": {"name": _text(b, "name", "borrower name", 100, field="borrower.name"), "phone": phone,
                     "id_number": id_number,
                     "address": _text(b, "address", "borrower address", 500, required=False,
                                      field="borrower.address"),
                     "locale": locale},
        "digest": digest(data),
    }


class _Known:
    """The loans and borrowers the lines in hand may touch, fetched at once (three queries), kept current as each
    line is applied: a whole batch's on the fast path, one line's when a batch is replayed line by line."""

    def __init__(self, session: Session, lines: list[dict]) -> None:
        refs = {p["loan_ref"] for p in lines}
        phones = {p["borrower"]["phone"] for p in lines}
        id_numbers = {p["borrower"]["id_number"] for p in lines}
        self.loans: dict[str, list[Loan]] = {}  # by the reference in small letters: every loan so spelt
        with session.no_autoflush:
            for loan in session.scalars(select(Loan).where(folded_loan_ref().in_({r.lower() for r in refs}))
                                        .order_by(Loan.id)):
                self.loans.setdefault(loan.loan_ref.lower(), []).append(loan)
            found = list(session.scalars(select(Borrower).where(Borrower.phone.in_(phones)))) + \
                list(session.scalars(select(Borrower).where(Borrower.id_number.in_(id_numbers))))
        self.by_phone = {b.phone: b for b in found}
        self.by_id = {b.id_number: b for b in found}

    def loan(self, ref: str) -> Loan | None:
        """The loan ``ref`` names whatever its case (stored as the lender first wrote it): the one spelt exactly so,
        else the only one spelt so in another case; two or more others (legacy data) are not guessed between."""
        found = {loan.loan_ref: loan for loan in self.loans.get(ref.lower(), [])}
        chosen = pick_loan_ref(ref, list(found))
        if chosen is not None or not found:
            return found.get(chosen)
        raise Rejected(f"loan_ref {ref!r} matches {len(found)} loans whose references differ only in case "
                       f"({', '.join(sorted(found))}); send one of them exactly",
                       "loan_ref")


def _match_borrower(session: Session, known: _Known, info: dict) -> Borrower:
    """The borrower of a line, matched on phone + resident ID number (design §4): both those of one borrower, or
    neither known (a new borrower). A line never changes a borrower's phone: it is their login and where their
    codes and reminders go, so a line that pairs a known ID number with another phone (or a known phone with
    another ID number) is refused, whatever else it says."""
    phone_owner, borrower = known.by_phone.get(info["phone"]), known.by_id.get(info["id_number"])
    if phone_owner is not None and phone_owner is not borrower:
        if borrower is not None:
            raise Rejected("phone and ID number belong to two different borrowers", "borrower.phone")
        raise Rejected("this phone number is registered to a borrower with another ID number", "borrower.phone")
    if borrower is not None and phone_owner is None:
        raise Rejected("this resident ID number is registered with another phone number (an import never "
                       "changes a borrower's phone)", "borrower.phone")
    if borrower is None:
        borrower = Borrower(phone=info["phone"], id_number=info["id_number"], name=info["name"],
                            address=info["address"], locale=info["locale"])
        session.add(borrower)
    else:
        borrower.name = info["name"]
        borrower.address = info["address"]
        if not borrower.locale_chosen:
            borrower.locale = info["locale"]
    known.by_phone[info["phone"]] = known.by_id[info["id_number"]] = borrower
    return borrower


TERMS = ("product", "principal_fen", "annual_rate", "penalty_daily_rate", "start_date")


def _apply(session: Session, parsed: dict, known: _Known | None = None) -> str:
    """Every decision about one line, for both paths: ``unchanged``, ``created`` or ``updated``, or ``Rejected``.
    Adds to the session without a flush of its own (the caller flushes: once a batch, or once a line)."""
    known = known or _Known(session, [parsed])
    loan = known.loan(parsed["loan_ref"])
    if loan is not None and loan.source_digest == parsed["digest"]:
        return "unchanged"
    borrower = _match_borrower(session, known, parsed["borrower"])
    instalments = [Instalment(seq=i, **row) for i, row in enumerate(parsed["schedule"], 1)]
    payments = [Payment(seq=i, **row) for i, row in enumerate(parsed["payments"], 1)]
    terms = {k: parsed[k] for k in TERMS}
    if loan is None:
        loan = Loan(loan_ref=parsed["loan_ref"], borrower=borrower, source_digest=parsed["digest"],
                    instalments=instalments, payments=payments, **terms)
        session.add(loan)
        known.loans.setdefault(parsed["loan_ref"].lower(), []).append(loan)
        return "created"
    session.flush()  # an update (rare): rows added by earlier lines get their ids first
    if loan.borrower_id != borrower.id:
        raise Rejected("this loan_ref belongs to another borrower", "loan_ref")
    # A changed line replaces the schedule and payments (deleted in bulk: no loading of the old rows).
    session.execute(delete(Instalment).where(Instalment.loan_id == loan.id))
    session.execute(delete(Payment).where(Payment.loan_id == loan.id))
    session.expire(loan, ["instalments", "payments"])
    for key, value in terms.items():
        setattr(loan, key, value)
    loan.source_digest = parsed["digest"]
    for row in instalments + payments:
        row.loan_id = loan.id
    session.add_all(instalments + payments)
    return "updated"


def import_lines(session: Session, stream: IO[str]) -> ImportReport:
    """Import every line, committed in batches of ``BATCH`` lines (the shared runner); each line all-or-nothing.

    Fast path: the batch's borrowers and loans are fetched with three queries, every line is applied and new rows
    are written by one flush (multi-row INSERTs), no savepoints. If anything in the batch fails (a rejected line,
    a conflict), the batch is rolled back and replayed line by line, each line in its own savepoint, through the
    same ``_apply``: the outcome is the same as importing every line on its own.
    """
    return runner.run(session, stream, import_batch, BATCH)


def import_batch(session: Session, lines: list[tuple[int, str]], report: ImportReport) -> None:
    """One batch of numbered lines into ``session`` (flushed, not committed: the runner commits)."""
    parsed: list[dict] = []
    rejected: list[tuple[int, str]] = []
    for number, raw in lines:
        try:
            parsed.append(parse_line(raw))
        except Rejected as exc:
            rejected.append((number, str(exc)))
    try:  # lines that do not parse write nothing: leaving them out changes nothing for the others
        outcomes = _apply_batch(session, parsed)
        session.flush()
        report.rejected.extend(rejected)
    except (Rejected, IntegrityError):
        session.rollback()
        session.expunge_all()
        outcomes = _replay(session, lines, report)
    for outcome in outcomes:
        setattr(report, outcome, getattr(report, outcome) + 1)


def _apply_batch(session: Session, batch: list[dict]) -> list[str]:
    """``_apply`` for many parsed lines over one fetch of what they touch, no flush per line (the fast path; the
    API's batch endpoint uses it too). Raises on any problem: the caller undoes the batch and replays it."""
    if not batch:
        return []
    known = _Known(session, batch)
    return [_apply(session, p, known) for p in batch]


def _replay(session: Session, lines: list[tuple[int, str]], report: ImportReport) -> list[str]:
    """A failing batch line by line, each line in a savepoint: its exact reason, the other lines kept."""
    outcomes = []
    for number, raw in lines:
        try:
            p = parse_line(raw)
            with session.begin_nested():
                outcomes.append(_apply(session, p))
                session.flush()
        except Rejected as exc:
            report.rejected.append((number, str(exc)))
        except IntegrityError as exc:
            report.rejected.append((number, f"conflicts with data already stored ({exc.orig.__class__.__name__})"))
    return outcomes
