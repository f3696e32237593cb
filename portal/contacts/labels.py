"""Words for the contact log: channels, who was contacted, and each rule with where it comes from (design §6)."""
from __future__ import annotations

from types import SimpleNamespace

from flask_babel import lazy_gettext as _l

from portal.translated import per_catalogue, safe, table

CHANNEL_LABELS = {"call": _l("Phone call"), "sms": _l("Text message"), "visit": _l("Visit"),
                  "app": _l("App message"),
                  # Translators: a contact channel: a letter sent by post
                  "letter": _l("Letter")}
# Translators: contact log and complaint messages: you, the borrower reading the page (as the sender of a message)
PARTY_LABELS = {"borrower": _l("You"), "guarantor": _l("Your guarantor"), "family": _l("Your family"),
                "employer": _l("Your employer"), "other": _l("Someone else")}
# Translators: contact log on the staff console: who was contacted, said of the borrower staff are looking at
STAFF_PARTY_LABELS = {"borrower": _l("The borrower"), "guarantor": _l("The borrower's guarantor"),
                      "family": _l("The borrower's family"), "employer": _l("The borrower's employer"),
                      "other": _l("Someone else")}
CBA = _l("China Banking Association, consumer loan collection guideline (2026)")
GBT = _l("National standard GB/T 45251-2025")
# The rule each flag stands for, said plainly, and its sources. Never "illegal": which rule it does not follow.
RULES = {
    "night": (_l("Contact between 22:00 and 08:00. The rules say no collection at night unless you agreed."),
              (CBA, GBT)),
    "attempts": (_l("More than 6 unanswered calls to one number in one day. The rules allow at most 6."), (CBA,)),
    "answered": (_l("More than 3 answered calls in one day. The rules allow at most 3."), (GBT,)),
    "third_party": (_l("Someone other than you was contacted. They may only be asked to pass on a message and must "
                       "learn nothing about the debt."), (CBA, GBT)),
    "one_collector": (_l("A visit by fewer than 2 collectors. Home visits are made by at least 2."), (CBA,)),
    "agency": (_l("Contact by an agency that was not on the lender's published list of collection agencies that day. "
                  "The lender must publish the agencies it uses."), (CBA,)),
    "plan": (_l("Against your agreement: you were contacted while an agreed repayment plan was in force. This is "
                "our own promise, not a law."), ()),
}
# Translators: short names of the rules, as column headings of the staff report.
RULE_SHORT = {
    "night": _l("22:00–08:00"), "attempts": _l("Over 6 unanswered calls a day"),
    "answered": _l("Over 3 answered calls a day"), "third_party": _l("Third party contacted"),
    "one_collector": _l("Visit by fewer than 2"), "agency": _l("Agency not on the list"),
    "plan": _l("Against an agreed plan"),
}
CARD_SOURCE = _l("《商业银行信用卡业务监督管理办法》 Art. 68")
# The complaint form's channel for a contact's channel.
COMPLAINT_CHANNEL = {"call": "phone", "sms": "sms", "visit": "visit", "app": "app", "letter": "other"}


def sources(rule: str, card: bool = False) -> list:
    found = list(RULES[rule][1])
    if rule == "third_party" and card:
        found.append(CARD_SOURCE)
    return found


def _translated(parties: dict = PARTY_LABELS) -> SimpleNamespace:
    rules = {rule: (safe(text), tuple(safe(s) for s in found)) for rule, (text, found) in RULES.items()}
    card_source = safe(CARD_SOURCE)

    def translated_sources(rule: str, card: bool = False) -> list:
        found = list(rules[rule][1])
        if rule == "third_party" and card:
            found.append(card_source)
        return found

    return SimpleNamespace(CHANNEL_LABELS=table(CHANNEL_LABELS), PARTY_LABELS=table(parties), RULES=rules,
                           RULE_SHORT=table(RULE_SHORT), sources=translated_sources)


# What the pages use of this module (the same names), translated once per catalogue instead of once per label shown:
# the borrower's own contact log says "you", the staff console "the borrower".
for_pages = per_catalogue(_translated)
for_staff_pages = per_catalogue(lambda: _translated(STAFF_PARTY_LABELS))
