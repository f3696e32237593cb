"""Reads of the published list: the list itself, one number's owner, and what the contact log needs."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from portal.agencies import rules
from portal.agencies.models import Agency, AgencyNumber
from portal.extensions import db


def published() -> list[Agency]:
    """The lender first, then the agencies by when they started (newest first); past ones are in the list too."""
    return list(db.session.scalars(
        select(Agency).options(selectinload(Agency.numbers))
        .order_by(case((Agency.kind == "lender", 0), else_=1), Agency.since.desc(), Agency.code)))


def agency_or_404(agency_id: int) -> Agency:
    agency = db.session.get(Agency, agency_id)
    if agency is None:
        abort(404)
    return agency


def lender() -> Agency | None:
    return db.session.scalar(select(Agency).where(Agency.kind == "lender").limit(1))


def choices() -> list[Agency]:
    """Agencies a visitor may belong to (the lender's own staff have none)."""
    return list(db.session.scalars(select(Agency).where(Agency.kind == "agency").order_by(Agency.code)))


def periods() -> dict[str, tuple[date, date | None]]:
    """``{code: (since, until)}`` of every organisation on the list (the contact log's agency rule)."""
    rows = db.session.execute(select(Agency.code, Agency.since, Agency.until))
    return {r.code: (r.since, r.until) for r in rows}


def name_of(code: str) -> str:
    """An agency's name in the reader's script, or the code itself when it is not on the list."""
    from portal.i18n import current_locale

    agency = db.session.scalar(select(Agency).where(Agency.code == code))
    return agency.name_for(current_locale()) if agency is not None else code


@dataclass(frozen=True)
class Directory:
    """What the contact log needs of the list, from one query: each organisation's period and name."""
    periods: dict[str, tuple[date, date | None]]  # as periods()
    names: dict[str, str]  # as names_by_code(locale)


def directory(locale: str) -> Directory:
    rows = db.session.execute(select(Agency.code, Agency.since, Agency.until, Agency.name, Agency.name_hant)).all()
    return Directory(periods={r.code: (r.since, r.until) for r in rows},
                     names={r.code: Agency.name_for(r, locale) for r in rows})


def names_by_code(locale: str) -> dict[str, str]:
    return {a.code: a.name_for(locale) for a in db.session.scalars(select(Agency))}


@dataclass(frozen=True)
class Answer:
    """What "who called me?" says of a number: 'lender', 'agency', 'past' or 'unknown'."""

    kind: str
    number: str
    agency: Agency | None = None


def who_called(number: str, today: date) -> Answer:
    """``number`` normalised. A number on today's list wins over one an agency used in the past."""
    owners = list(db.session.scalars(select(Agency).join(AgencyNumber).where(AgencyNumber.number == number)))
    current = [a for a in owners if rules.listed_on(today, a.since, a.until)]
    for agency in sorted(current, key=lambda a: a.kind != "lender"):
        return Answer("lender" if agency.kind == "lender" else "agency", number, agency)
    past = [a for a in owners if rules.is_past(today, a.until)]
    if past:
        return Answer("past", number, max(past, key=lambda a: a.until))
    return Answer("unknown", number)
