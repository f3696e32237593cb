"""Borrower lookup for staff: what a query can be (phone, ID, loan or complaint reference, name), and the search.

Each kind of query is answered by its own index (see ``bench/explain_lookup.py``): phone and ID number by their
unique indexes, a complaint reference by its own, a loan reference in small letters by ``ix_loans_loan_ref_folded``
(the lender's are stored as imported, and case is lost when one is read out on the phone), the last 4 characters
of the ID by ``ix_borrowers_id_tail`` and a name prefix (either script) by ``ix_borrowers_name_key``.
Every kind lists borrowers in the same order (name key, id), so the kinds merge into one list and the next page
starts after the last borrower shown.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import func, select, tuple_

from portal.accounts import rules as identity
from portal.accounts.models import Borrower
from portal.complaints import rules as complaint_rules
from portal.complaints.models import Complaint
from portal.extensions import db
from portal.loans.models import Loan, folded_loan_ref

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 100
_LOAN_REF = re.compile(r"[A-Z0-9][A-Z0-9_/-]{2,31}")
_ID_TAIL = re.compile(r"[0-9]{3}[0-9X]")
# The highest code point: "key" <= anything starting with key < key + _TOP (byte order, UTF-8 and code points agree).
_TOP = "\U0010ffff"


class QueryTooLong(ValueError):
    pass


@dataclass(frozen=True)
class Query:
    """What the typed text may mean; more than one kind can apply (a loan reference is also tried as a name)."""

    text: str
    phone: str | None = None
    id_number: str | None = None
    id_tail: str | None = None
    loan_ref: str | None = None
    complaint_ref: str | None = None
    name_key: str | None = None

    @property
    def kinds(self) -> list[str]:
        return [k for k in ("phone", "id_number", "id_tail", "loan_ref", "complaint_ref", "name_key")
                if getattr(self, k)]


def parse(raw: str | None) -> Query | None:
    """None for a query with nothing to search for (empty, spaces, separators only); a query of no known kind
    (emoji, symbols) is a Query that matches nobody, never everybody."""
    text = (raw or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryTooLong()
    folded = identity.fold(text).upper()
    if not folded:
        return None
    found: dict[str, str] = {}
    try:
        found["phone"] = identity.normalize_phone(text)
    except identity.InvalidPhone:
        pass
    if len(folded) == 18:
        try:
            found["id_number"] = identity.normalize_id_number(folded)
        except identity.InvalidIdNumber:
            pass
    if _ID_TAIL.fullmatch(folded):
        found["id_tail"] = folded
    reference = complaint_rules.normalize_reference(unicodedata.normalize("NFKC", text))
    if complaint_rules.is_reference(reference):
        found["complaint_ref"] = reference
    ref = unicodedata.normalize("NFKC", text).upper()
    if not found and _LOAN_REF.fullmatch(ref):
        found["loan_ref"] = ref
    key = identity.name_key(text)
    # Digits alone are never a name (a phone number typed wrong must not list every name).
    if key and any(ch.isalpha() for ch in key) and "complaint_ref" not in found:
        found["name_key"] = key
    return Query(text=text, **found)


@dataclass
class Row:
    borrower: Borrower
    loans: int
    matched: list[str] = field(default_factory=list)


@dataclass
class Results:
    rows: list[Row]
    next_after: int | None
    third_party_report: str | None = None  # a complaint reference that belongs to no borrower


def conditions(q: Query) -> dict[str, list]:
    """The WHERE clause of each kind the query may be (bench/explain_lookup.py prints their plans)."""
    out: dict[str, list] = {}
    if q.phone:
        out["phone"] = [Borrower.phone == q.phone]
    if q.id_number:
        out["id_number"] = [Borrower.id_number == q.id_number]
    if q.id_tail:
        out["id_tail"] = [Borrower.id_tail == q.id_tail]
    if q.loan_ref:
        out["loan_ref"] = [Borrower.id.in_(select(Loan.borrower_id)
                                           .where(folded_loan_ref() == q.loan_ref.lower()))]
    if q.complaint_ref:
        out["complaint_ref"] = [Borrower.id == select(Complaint.borrower_id)
                                .where(Complaint.reference == q.complaint_ref).scalar_subquery()]
    if q.name_key:
        out["name_key"] = [Borrower.name_key >= q.name_key, Borrower.name_key < q.name_key + _TOP]
    return out


def search(q: Query, after: int | None = None) -> Results:
    """Up to PAGE_SIZE borrowers in (name key, id) order, starting after borrower ``after``."""
    start = db.session.get(Borrower, after) if after else None
    found: dict[int, Row] = {}
    for kind, where in conditions(q).items():
        stmt = select(Borrower).where(*where).order_by(Borrower.name_key, Borrower.id).limit(PAGE_SIZE + 1)
        if start is not None:
            stmt = stmt.where(tuple_(Borrower.name_key, Borrower.id) > tuple_(start.name_key, start.id))
        for borrower in db.session.scalars(stmt):
            found.setdefault(borrower.id, Row(borrower, 0)).matched.append(kind)
    rows = sorted(found.values(), key=lambda r: (r.borrower.name_key, r.borrower.id))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    counts = dict(db.session.execute(
        select(Loan.borrower_id, func.count()).where(Loan.borrower_id.in_([r.borrower.id for r in rows]))
        .group_by(Loan.borrower_id)).all()) if rows else {}
    for row in rows:
        row.loans = counts.get(row.borrower.id, 0)
    orphan = None
    if q.complaint_ref and "complaint_ref" not in {k for r in rows for k in r.matched} and start is None:
        orphan = db.session.scalar(select(Complaint.reference).where(Complaint.reference == q.complaint_ref,
                                                                     Complaint.borrower_id.is_(None)))
    return Results(rows, rows[-1].borrower.id if more else None, orphan)
