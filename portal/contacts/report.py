"""Supervisor report: the contacts of a date range that did not follow a rule, by agency and by rule.

The rules are judged per borrower on whole local days, exactly as the borrower's own page judges them
(``rules.breaches`` with the published list and the agreed plans), so the report and the borrower's page agree.
Contacts are read borrower by borrower in one ordered, streamed query: memory stays bounded by one borrower's days.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from portal.contacts import rules
from portal.contacts.models import Contact
from portal.extensions import db
from portal.loans.models import Loan


@dataclass
class BreachReport:
    """``flagged[(agency, rule)]``: contacts that did not follow ``rule``; ``contacts[agency]``: all contacts and
    ``flagged_contacts[agency]``: contacts with at least one breach ("" is the lender itself)."""

    flagged: Counter = field(default_factory=Counter)
    contacts: Counter = field(default_factory=Counter)
    flagged_contacts: Counter = field(default_factory=Counter)

    @property
    def agencies(self) -> list[str]:
        return sorted(self.contacts, key=lambda code: (-self.flagged_contacts[code], code))

    def rules_seen(self) -> list[str]:
        seen = {rule for _code, rule in self.flagged}
        return [r for r in rules.RULES if r in seen]

    def bars(self, width: float = 200.0, row: float = 24.0) -> list[dict]:
        top = max(self.flagged_contacts.values(), default=0) or 1
        return [{"code": code, "value": self.flagged_contacts[code], "y": i * row,
                 "width": round(self.flagged_contacts[code] / top * width, 1)} for i, code in enumerate(self.agencies)]


def _agreed_plans() -> dict[int, list[tuple[date, None]]]:
    if not current_app.config.get("PORTAL_CONTACT_PLAN_PROMISE", True):
        return {}
    from portal.plans.models import PlanProposal
    from portal.plans.queries import agreed_on
    from portal.plans.rules import AGREED_STATES

    found: dict[int, list] = defaultdict(list)
    for plan in db.session.scalars(select(PlanProposal).where(PlanProposal.state.in_(AGREED_STATES))):
        found[plan.borrower_id].append((agreed_on(plan), None))
    return found


def breach_report(since: date, until: date, tz: ZoneInfo) -> BreachReport:
    from portal.agencies.queries import periods

    start = datetime.combine(since, time(0), tz).astimezone(timezone.utc)
    end = datetime.combine(until + timedelta(days=1), time(0), tz).astimezone(timezone.utc)
    listed, plans = periods(), _agreed_plans()
    promise = current_app.config.get("PORTAL_CONTACT_PLAN_PROMISE", True)
    report = BreachReport()
    rows = db.session.execute(
        select(Loan.borrower_id, Contact.id, Contact.at, Contact.channel, Contact.to_party, Contact.to_number,
               Contact.answered, Contact.collectors_count, Contact.agency_code)
        .join(Loan, Loan.id == Contact.loan_id).where(Contact.at >= start, Contact.at < end)
        .order_by(Loan.borrower_id, Contact.at, Contact.id).execution_options(yield_per=2000))

    def judge(borrower_id: int, facts: list[rules.ContactFacts]) -> None:
        found = rules.breaches(facts, tz, plan_days=plans.get(borrower_id, []), plan_promise=promise,
                               agencies=listed)
        for fact in facts:
            report.contacts[fact.agency_code] += 1
            broken = found.get(fact.key, [])
            if broken:
                report.flagged_contacts[fact.agency_code] += 1
            for rule in broken:
                report.flagged[(fact.agency_code, rule)] += 1

    current, facts = None, []
    for r in rows:
        if r.borrower_id != current and facts:
            judge(current, facts)
            facts = []
        current = r.borrower_id
        facts.append(rules.ContactFacts(key=r.id, at=r.at, channel=r.channel, to_party=r.to_party,
                                        to_number=r.to_number, answered=r.answered,
                                        collectors_count=r.collectors_count, agency_code=r.agency_code))
    if facts:
        judge(current, facts)
    return report
