"""Contact rules, pure: the lists, the phone numbers, and the conduct rules of design §6 ("Collection conduct").

Each rule is checked per borrower on the lender's local days (``tz`` is PORTAL_TIMEZONE). A rule that a contact does
not follow is a ``Breach``: the rule's code; the text (labels.py) says which rule it is and where it comes from.
The portal never says a contact was illegal: it says which published rule it does not follow.

Sources (design §6):
- ``night``: no contact 22:00–08:00 — 中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》 and
  GB/T 45251-2025 (both: unless the debtor agreed; the log does not record consent, so it is flagged).
- ``attempts``: "at most 6 call attempts a day to one number when unanswered" (CBA guideline). We count the
  *unanswered* calls to one number on one local day: the seventh unanswered call and every one after is flagged.
  Answered calls are limited by the next rule instead.
- ``answered``: "at most 3 effective voice calls a day" (GB/T 45251-2025): the fourth answered call about the
  borrower's loans on one local day, and every one after, is flagged.
- ``third_party``: family, employer or other people may only be asked to pass on a message and learn nothing about
  the debt (CBA guideline; GB/T 45251-2025; for cards also 《商业银行信用卡业务监督管理办法》 Art. 68). Every
  contact of a third party is flagged as something to check; the guarantor is a party to the debt and is not.
- ``one_collector``: home visits by at least 2 collectors (CBA guideline), only where the record gives a count.
- ``agency``: "the institution publishes the list of collection agencies it uses" (CBA guideline): a contact by an
  agency (``agency_code`` not empty; empty is the lender itself) that is not on the published list that local day —
  unknown, before its first day or after its last. The caller number is not judged: design §6 names no rule about
  which numbers an agency calls from (the list shows them so that a borrower can check a caller).
- ``plan``: contact while an agreed repayment plan is being kept is against the lender's own promise
  (PORTAL_CONTACT_PLAN_PROMISE), not against a law.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import phonenumbers

from portal.accounts.rules import InvalidPhone, fold, normalize_phone

CHANNELS = ("call", "sms", "visit", "app", "letter")
PARTIES = ("borrower", "guarantor", "family", "employer", "other")
THIRD_PARTIES = frozenset({"family", "employer", "other"})
# The night rule covers "phone, visit or other collection": every channel but letters (a letter arrives when the
# post delivers it, not at a time the lender chooses).
TIMED_CHANNELS = frozenset({"call", "sms", "visit", "app"})
NIGHT_START, NIGHT_END = time(22, 0), time(8, 0)
MAX_UNANSWERED_ATTEMPTS = 6
MAX_ANSWERED_CALLS = 3
MIN_VISIT_COLLECTORS = 2
RULES = ("night", "attempts", "answered", "third_party", "one_collector", "agency", "plan")
# The complaint category each rule belongs to (portal.complaints.rules.CATEGORIES).
COMPLAINT_CATEGORY = {"night": "night_or_frequent", "attempts": "night_or_frequent",
                      "answered": "night_or_frequent", "third_party": "third_parties",
                      "one_collector": "visit_conduct", "agency": "other", "plan": "other"}


class InvalidNumber(ValueError):
    pass


# Lenders' own service numbers, which the numbering plan library does not know as numbers one can call from:
# - 95xxx: the five-digit national hotlines of banks and insurers (95555, 95588, 95511);
# - 106…: SMS gateway (短信端口) numbers, 106 and 5 to 17 more digits (10690000 to 20 digits, the column's width).
SERVICE_NUMBER = re.compile(r"95[0-9]{3}|106[0-9]{5,17}")


def normalize_number(raw: str) -> str:
    """A mainland mobile number in its 11-digit form (the portal's phone rule); a lender's service number exactly as
    ``SERVICE_NUMBER`` (95555, 106980095555); or a valid mainland fixed-line or 400/800 number in national form with
    its leading 0 (0755…, 400…); anything else raises InvalidNumber."""
    try:
        return normalize_phone(raw)
    except InvalidPhone:
        pass
    text = fold(raw or "")
    if text.isascii() and SERVICE_NUMBER.fullmatch(text):
        return text
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise InvalidNumber(raw) from None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        raise InvalidNumber(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL).replace(" ", "")


@dataclass(frozen=True)
class ContactFacts:
    """What the rules need of one contact (``at`` aware, any zone)."""

    key: object
    at: datetime
    channel: str
    to_party: str
    to_number: str
    answered: bool | None = None
    collectors_count: int | None = None
    agency_code: str = ""


def unlisted_agency(code: str, day: date, listed: dict[str, tuple[date, date | None]]) -> bool:
    """An agency contact on a local day when that agency was not on the published list (``{code: (since,
    until)}``, both days included; until None: still listed). The lender itself (empty code) is never unlisted."""
    if not code:
        return False
    period = listed.get(code)
    if period is None:
        return True
    since, until = period
    return day < since or (until is not None and day > until)


def local_day(at: datetime, tz: ZoneInfo) -> date:
    return at.astimezone(tz).date()


def at_night(at: datetime, tz: ZoneInfo) -> bool:
    """22:00 up to, not including, 08:00 local time: 21:59 and 08:00 are day, 22:00 and 07:59 are night."""
    t = at.astimezone(tz).time()
    return t >= NIGHT_START or t < NIGHT_END


def plan_kept_on(day: date, plan_days: list[tuple[date, date | None]]) -> bool:
    """``plan_days``: (from, until) local days an agreed plan was being kept (until None: still kept)."""
    return any(start <= day and (end is None or day <= end) for start, end in plan_days)


def breaches(contacts: list[ContactFacts], tz: ZoneInfo, *, plan_days: list[tuple[date, date | None]] = (),
             plan_promise: bool = True, agencies: dict[str, tuple[date, date | None]] | None = None,
             ) -> dict[object, list[str]]:
    """The rules each contact does not follow: ``{key: [rule, …]}`` (keys without a breach are left out).

    ``contacts`` are one borrower's, all of them for the days concerned (the counting rules need the whole day).
    ``agencies``: the published list (``{code: (since, until)}``); None leaves the agency rule out.
    """
    found: dict[object, list[str]] = defaultdict(list)
    unanswered: dict[tuple[date, str], int] = defaultdict(int)
    answered: dict[date, int] = defaultdict(int)
    for c in sorted(contacts, key=lambda c: (c.at, str(c.key))):
        day = local_day(c.at, tz)
        if c.channel in TIMED_CHANNELS and at_night(c.at, tz):
            found[c.key].append("night")
        if c.channel == "call":
            if c.answered:  # every answered call of the day counts, to whichever number
                answered[day] += 1
                if answered[day] > MAX_ANSWERED_CALLS:
                    found[c.key].append("answered")
            else:  # unanswered, or not recorded: an attempt
                unanswered[(day, c.to_number)] += 1
                if unanswered[(day, c.to_number)] > MAX_UNANSWERED_ATTEMPTS:
                    found[c.key].append("attempts")
        if c.to_party in THIRD_PARTIES:
            found[c.key].append("third_party")
        if c.channel == "visit" and c.collectors_count is not None and c.collectors_count < MIN_VISIT_COLLECTORS:
            found[c.key].append("one_collector")
        if agencies is not None and unlisted_agency(c.agency_code, day, agencies):
            found[c.key].append("agency")
        if plan_promise and c.to_party in ("borrower", "guarantor") and plan_kept_on(day, list(plan_days)):
            found[c.key].append("plan")
    return dict(found)
