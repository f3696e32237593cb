"""Changes to the published list: add, change, end. Used by the console (audited) and the importer; never commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.agencies.models import Agency, AgencyNumber
from portal.audit.services import record
from portal.extensions import db
from portal.orm import utcnow


class AgencyError(ValueError):
    """``code``: 'code_taken', 'uscc_taken', 'second_lender', 'dates_order' or 'stale'."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class AgencyValues:
    code: str
    kind: str
    name: str
    name_hant: str
    uscc: str
    numbers: list[str]
    since: date
    until: date | None


def _check(session, agency: Agency | None, v: AgencyValues) -> None:
    others = select(Agency.id).where(Agency.id != agency.id) if agency is not None else select(Agency.id)
    if v.until is not None and v.until < v.since:
        raise AgencyError("dates_order")
    if session.scalar(others.where(Agency.code == v.code).limit(1)) is not None:
        raise AgencyError("code_taken")
    if session.scalar(others.where(Agency.uscc == v.uscc).limit(1)) is not None:
        raise AgencyError("uscc_taken")
    if v.kind == "lender" and session.scalar(others.where(Agency.kind == "lender").limit(1)) is not None:
        raise AgencyError("second_lender")


def apply(session, agency: Agency | None, v: AgencyValues) -> tuple[Agency, bool]:
    """Create (``agency`` None) or update a row with ``v``; returns the row and whether anything changed."""
    _check(session, agency, v)
    created = agency is None
    if created:
        agency = Agency()
        session.add(agency)
    changed = created
    for key in ("code", "kind", "name", "name_hant", "uscc", "since", "until"):
        if getattr(agency, key) != getattr(v, key):
            setattr(agency, key, getattr(v, key))
            changed = True
    wanted = list(dict.fromkeys(v.numbers))
    have = {n.number: n for n in agency.numbers}
    for number, row in have.items():
        if number not in wanted:
            agency.numbers.remove(row)
            changed = True
    for number in wanted:
        if number not in have:
            agency.numbers.append(AgencyNumber(number=number))
            changed = True
    if changed and not created:
        agency.updated_at = utcnow()  # the row itself is written, so its version moves on with its numbers
    session.flush()
    return agency, changed


def _expect_version(agency: Agency, version: int | None) -> None:
    if version is not None and agency.version != version:
        raise AgencyError("stale")


def add(staff, v: AgencyValues) -> Agency:
    agency, _ = apply(db.session, None, v)
    record("agency.added", "agency", agency.id, staff=staff, code=agency.code)
    return agency


def change(staff, agency: Agency, v: AgencyValues, version: int | None) -> bool:
    _expect_version(agency, version)
    _, changed = apply(db.session, agency, v)
    if changed:
        record("agency.changed", "agency", agency.id, staff=staff, code=agency.code)
    return changed


def end(staff, agency: Agency, until: date, version: int | None) -> None:
    """The agency stops collecting after ``until``: it stays on the public list, shown as past."""
    _expect_version(agency, version)
    if until < agency.since:
        raise AgencyError("dates_order")
    agency.until = until
    db.session.flush()
    record("agency.ended", "agency", agency.id, staff=staff, code=agency.code, until=until.isoformat())
