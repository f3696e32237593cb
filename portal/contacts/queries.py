"""Loaders of the contact log, always through the borrower: key-set pages, the flags of a page, one contact."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone

from flask import abort, current_app
from sqlalchemy import Integer, and_, bindparam, or_, select

from portal.contacts import rules
from portal.contacts.models import Contact
from portal.extensions import db
from portal.i18n import lender_tz
from portal.loans.models import Loan
from portal.security import db_id

PAGE_SIZE = 50


@dataclass
class Page:
    contacts: list  # rows with the contact's columns that the pages show (see _SHOWN)
    flags: dict[int, list[str]]
    next_key: str | None
    month_flagged: int = 0
    month_total: int = 0
    cards: set[int] = field(default_factory=set)
    agency_names: dict[str, str] = field(default_factory=dict)  # code -> name in the reader's script


# What the contact log shows of a contact, and its loan's product (Art. 68 applies to credit card debts).
_SHOWN = (Contact.id, Contact.at, Contact.channel, Contact.answered, Contact.duration_s, Contact.to_number,
          Contact.to_party, Contact.from_number, Contact.agent, Contact.agency_code, Contact.summary,
          Contact.collectors_count, Loan.product)


# The statements are built once, with the borrower, the times and the page size as bound parameters (building
# a select() with its columns cost more than running it from SQLAlchemy's compiled cache).
_OWN = select(Loan.id).where(Loan.borrower_id == bindparam("borrower_id"))
_FACTS = (select(Contact.id, Contact.at, Contact.channel, Contact.to_party, Contact.to_number, Contact.answered,
                 Contact.collectors_count, Contact.agency_code)
          .where(Contact.loan_id.in_(_OWN), Contact.at >= bindparam("start"), Contact.at < bindparam("end")))
_NEWEST = (Contact.at.desc(), Contact.id.desc())
_PAGE_ROWS = select(*_SHOWN).join(Loan, Loan.id == Contact.loan_id).where(Contact.loan_id.in_(_OWN))
_FIRST_PAGE = _PAGE_ROWS.order_by(*_NEWEST).limit(bindparam("size", type_=Integer))
_LATER_PAGE = (_PAGE_ROWS.where(or_(Contact.at < bindparam("at"),
                                    and_(Contact.at == bindparam("at"), Contact.id < bindparam("ident"))))
               .order_by(*_NEWEST).limit(bindparam("size", type_=Integer)))


def _facts(borrower, start: datetime, end: datetime) -> list[rules.ContactFacts]:
    """What the rules need of the borrower's contacts in [start, end)."""
    rows = db.session.execute(_FACTS, {"borrower_id": borrower.id, "start": start, "end": end})
    return [rules.ContactFacts(key=r.id, at=r.at, channel=r.channel, to_party=r.to_party, to_number=r.to_number,
                               answered=r.answered, collectors_count=r.collectors_count,
                               agency_code=r.agency_code) for r in rows]


def _day_bounds(first: datetime, last: datetime) -> tuple[datetime, datetime]:
    """UTC bounds of the lender's local days from ``first`` to ``last`` (the counting rules need whole days)."""
    tz = lender_tz()
    start = datetime.combine(first.astimezone(tz).date(), time(0), tz)
    end = datetime.combine(last.astimezone(tz).date() + timedelta(days=1), time(0), tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def plan_days(borrower, proposals: list | None = None) -> list:
    """Local days an agreed repayment plan was in force on the borrower's loans (from the day it was agreed).
    ``proposals``: the borrower's sent proposals when the caller has them loaded already (else they are read)."""
    if not current_app.config.get("PORTAL_CONTACT_PLAN_PROMISE", True):
        return []
    from portal.plans.models import PlanProposal
    from portal.plans.queries import agreed_on
    from portal.plans.rules import AGREED_STATES

    if proposals is not None:
        agreed = [p for p in proposals if p.state in AGREED_STATES]
    else:
        agreed = db.session.scalars(select(PlanProposal).where(PlanProposal.borrower_id == borrower.id,
                                                               PlanProposal.state.in_(AGREED_STATES)))
    return [(agreed_on(p), None) for p in agreed]


def judge(borrower, facts: list[rules.ContactFacts], agencies: dict | None = None,
          plans: list | None = None) -> dict[int, list[str]]:
    from portal.agencies.queries import periods

    return rules.breaches(facts, lender_tz(), plan_days=plan_days(borrower) if plans is None else plans,
                          plan_promise=current_app.config.get("PORTAL_CONTACT_PLAN_PROMISE", True),
                          agencies=periods() if agencies is None else agencies)


def flags_between(borrower, start: datetime, end: datetime) -> dict[int, list[str]]:
    return judge(borrower, _facts(borrower, start, end))


def parse_key(raw: str | None) -> tuple[datetime, int] | None:
    """The page key of an address ("<at>_<id>"), or None (the first page) when it is not one this page wrote: a
    time that has no UTC equivalent (year 1 east of Greenwich) or an id no row can have."""
    try:
        stamp, _, ident = (raw or "").partition("_")
        at = datetime.fromisoformat(stamp)
        at = (at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at).astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None
    row_id = db_id(ident)
    return (at, row_id) if row_id else None


def page_for(borrower, after: str | None, now: datetime, size: int = PAGE_SIZE, locale: str | None = None,
             proposals: list | None = None) -> Page:
    """One page of the timeline, newest first, after the key ``after`` ("<at>_<id>" of the last row shown): the
    contacts with their loan's product, the rules each breaks (judged over the whole local days the page covers)
    and this month's count. The agency list and the agreed plans are read once for both judgements, and the
    contacts of both periods in one query when the periods overlap."""
    from portal.agencies.queries import directory
    from portal.i18n import current_locale

    params = {"borrower_id": borrower.id, "size": size + 1}
    key = parse_key(after)
    if key is not None:
        params["at"], params["ident"] = key
    contacts = db.session.execute(_FIRST_PAGE if key is None else _LATER_PAGE, params).all()
    next_key = None
    if len(contacts) > size:
        contacts = contacts[:size]
        last = contacts[-1]
        next_key = f"{last.at.astimezone(timezone.utc).replace(tzinfo=None).isoformat()}_{last.id}"
    agencies = directory(locale or current_locale())
    plans = plan_days(borrower, proposals)
    tz = lender_tz()
    month_start = datetime.combine(now.astimezone(tz).date().replace(day=1), time(0), tz).astimezone(timezone.utc)
    month_end = now + timedelta(days=1)
    flags: dict[int, list[str]] = {}
    if contacts:
        start, end = _day_bounds(contacts[-1].at, contacts[0].at)
        if start < month_end and month_start < end:  # overlapping periods: one query, split here
            both = _facts(borrower, min(start, month_start), max(end, month_end))
            page_facts = [f for f in both if start <= f.at < end]
            month = [f for f in both if month_start <= f.at < month_end]
        else:
            page_facts, month = _facts(borrower, start, end), _facts(borrower, month_start, month_end)
        flags = judge(borrower, page_facts, agencies.periods, plans)
    else:
        month = _facts(borrower, month_start, month_end)
    month_flags = judge(borrower, month, agencies.periods, plans)
    cards = {c.id for c in contacts if "信用卡" in (c.product or "")}  # Art. 68 applies to card debts
    return Page(contacts=contacts, flags=flags, next_key=next_key, month_flagged=len(month_flags),
                month_total=len(month), cards=cards, agency_names=agencies.names)


def contacts_for_borrower(borrower, ids) -> list[Contact]:
    """The borrower's own contacts among ``ids`` (others' are silently left out: they do not exist for them)."""
    wanted = [i for i in map(db_id, ids) if i][:PAGE_SIZE]
    if not wanted:
        return []
    return list(db.session.scalars(select(Contact).where(Contact.id.in_(wanted), Contact.loan_id.in_(_OWN))
                                   .order_by(Contact.at), {"borrower_id": borrower.id}))


def contact_flags(borrower, contact: Contact) -> list[str]:
    return flags_between(borrower, *_day_bounds(contact.at, contact.at)).get(contact.id, [])


def one_for_borrower(borrower, contact_id: int) -> Contact:
    found = contacts_for_borrower(borrower, [contact_id])
    if not found:
        abort(404)
    return found[0]
