"""Contact rules of design §6 on their boundaries, on the lender's local days."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from portal.contacts.rules import ContactFacts, InvalidNumber, at_night, breaches, normalize_number

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = timezone.utc


def local(day: int, hh: int, mm: int, tz=SHANGHAI) -> datetime:
    return datetime(2026, 11, day, hh, mm, tzinfo=tz)


def call(key, at, *, answered=False, number="13800138000", party="borrower", channel="call", collectors=None):
    return ContactFacts(key=key, at=at, channel=channel, to_party=party, to_number=number, answered=answered,
                        collectors_count=collectors)


@pytest.mark.parametrize("hh, mm, night", [(21, 59, False), (22, 0, True), (7, 59, True), (8, 0, False),
                                           (0, 0, True), (12, 0, False)])
def test_night_boundaries_in_local_time(hh, mm, night):
    assert at_night(local(20, hh, mm), SHANGHAI) is night
    found = breaches([call("c", local(20, hh, mm), answered=True)], SHANGHAI)
    assert ("night" in found.get("c", [])) is night


def test_night_is_judged_in_the_lender_time_zone_not_utc():
    at = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 07:30 on 1 December in Shanghai
    assert at_night(at, SHANGHAI)
    assert not at_night(datetime(2026, 11, 30, 13, 59, tzinfo=UTC), SHANGHAI)  # 21:59 local
    assert at_night(datetime(2026, 11, 30, 14, 0, tzinfo=UTC), SHANGHAI)  # 22:00 local
    assert at_night(datetime(2026, 11, 30, 22, 0, tzinfo=UTC), ZoneInfo("Europe/London"))  # 22:00 in London
    assert not at_night(datetime(2026, 11, 30, 16, 0, tzinfo=UTC), ZoneInfo("America/Los_Angeles"))  # 08:00 PST
    assert at_night(datetime(2026, 11, 30, 6, 30, tzinfo=UTC), ZoneInfo("America/Los_Angeles"))  # 22:30 PST


def test_letters_are_not_judged_by_the_clock():
    assert breaches([call("l", local(20, 23, 0), channel="letter", number="")], SHANGHAI) == {}


def test_six_unanswered_attempts_to_one_number_follow_the_rule_the_seventh_does_not():
    six = [call(i, local(20, 9, i)) for i in range(6)]
    assert breaches(six, SHANGHAI) == {}
    seven = six + [call(6, local(20, 9, 30))]
    assert breaches(seven, SHANGHAI) == {6: ["attempts"]}


def test_attempts_count_per_number_and_per_local_day():
    other_number = [call(i, local(20, 9, i)) for i in range(6)] + \
        [call(f"o{i}", local(20, 10, i), number="13900139000") for i in range(6)]
    assert breaches(other_number, SHANGHAI) == {}
    # 09:00–13:00 local on the 20th, then the 7th attempt at 08:30 on the 21st: a new day, no breach.
    across_midnight = [call(i, local(20, 9 + i, 0)) for i in range(6)] + [call(6, local(21, 8, 30))]
    assert breaches(across_midnight, SHANGHAI) == {}


def test_the_local_day_not_the_utc_day_counts_attempts():
    # 17:00–18:00 UTC on the 19th is 01:00–02:00 on the 20th in Shanghai: the same local day as 09:00 on the 20th.
    at_utc = [call(i, datetime(2026, 11, 19, 17, 10 * i, tzinfo=UTC)) for i in range(4)]
    later = [call(f"d{i}", local(20, 9, i)) for i in range(3)]
    found = breaches(at_utc + later, SHANGHAI)
    assert found["d2"] == ["attempts"]  # the 7th attempt of the local day 20 November
    assert all(found[i] == ["night"] for i in range(4))


def test_answered_calls_count_separately_from_attempts():
    three = [call(i, local(20, 9 + i, 0), answered=True) for i in range(3)]
    assert breaches(three, SHANGHAI) == {}
    four = three + [call(3, local(20, 15, 0), answered=True)]
    assert breaches(four, SHANGHAI) == {3: ["answered"]}
    # Unanswered attempts do not count as answered calls.
    assert breaches(three + [call(9, local(20, 16, 0))], SHANGHAI) == {}


def test_third_parties_are_flagged_the_guarantor_is_not():
    found = breaches([call("f", local(20, 10, 0), party="family"), call("e", local(20, 10, 5), party="employer"),
                      call("o", local(20, 10, 9), party="other"), call("g", local(20, 10, 10), party="guarantor")],
                     SHANGHAI)
    assert found == {"f": ["third_party"], "e": ["third_party"], "o": ["third_party"]}


def test_visit_with_one_collector_where_the_record_says_so():
    found = breaches([call("one", local(20, 10, 0), channel="visit", number="", collectors=1, answered=None),
                      call("two", local(20, 11, 0), channel="visit", number="", collectors=2, answered=None),
                      call("unknown", local(20, 12, 0), channel="visit", number="", answered=None)], SHANGHAI)
    assert found == {"one": ["one_collector"]}


def test_contact_while_a_plan_is_kept_is_against_the_lender_promise_when_on():
    plan = [(date(2026, 11, 10), None)]
    before, during = call("b", local(9, 10, 0), answered=True), call("d", local(20, 10, 0), answered=True)
    assert breaches([before, during], SHANGHAI, plan_days=plan) == {"d": ["plan"]}
    assert breaches([before, during], SHANGHAI, plan_days=plan, plan_promise=False) == {}
    ended = [(date(2026, 11, 10), date(2026, 11, 19))]
    assert breaches([during], SHANGHAI, plan_days=ended) == {}


def test_several_rules_at_once():
    assert breaches([call("x", local(20, 23, 0), party="family")], SHANGHAI) == {"x": ["night", "third_party"]}


@pytest.mark.parametrize("raw, expected", [("138 0013 8000", "13800138000"), ("+86 138-0013-8000", "13800138000"),
                                           ("0755-8888 6666", "075588886666"), ("010 6552 9988", "01065529988"),
                                           ("95555", "95555"), ("9 5 5 8 8", "95588"),
                                           ("106980095555", "106980095555"),
                                           ("１０６９ ８００９ ５５５５", "106980095555"), ("10690000", "10690000")])
def test_numbers_are_normalised(raw, expected):
    assert normalize_number(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "call me", "+1 212 555 0100", "1380013800", "9555", "955555", "95a55",
                                 "1069000", "106" + "9" * 18, "10086", "+86 95555"])
def test_not_phone_numbers(raw):
    with pytest.raises(InvalidNumber):
        normalize_number(raw)


def test_many_contacts_are_judged_quickly():
    start = local(1, 9, 0)
    many = [call(i, start + timedelta(minutes=7 * i), answered=i % 3 == 0) for i in range(10_000)]
    found = breaches(many, SHANGHAI)
    assert found and all(set(rules) <= {"night", "attempts", "answered"} for rules in found.values())


# ---- agency rule: "the institution publishes the list of collection agencies it uses" (CBA guideline) ----------

LISTED = {"AG-GZ02": (date(2026, 11, 10), date(2026, 11, 20)), "LENDER": (date(2020, 1, 1), None)}


def by(key, at, agency):
    return ContactFacts(key=key, at=at, channel="call", to_party="borrower", to_number="13800138000",
                        answered=True, agency_code=agency)


@pytest.mark.parametrize(("at", "agency", "flagged"), [
    (local(15, 10, 0), "", False),               # the lender itself
    (local(15, 10, 0), "LENDER", False),         # the lender's own code
    (local(15, 10, 0), "AG-UNKNOWN", True),      # not on the list at all
    (local(9, 23, 59) - timedelta(hours=2), "AG-GZ02", True),   # 21:59 on the day before its first day
    (local(10, 0, 0) + timedelta(hours=8), "AG-GZ02", False),   # its first day (08:00)
    (local(20, 21, 59), "AG-GZ02", False),       # its last day, 21:59
    (local(21, 8, 0), "AG-GZ02", True),          # the day after its last day
])
def test_agency_not_on_the_published_list_that_day(at, agency, flagged):
    found = breaches([by("c", at, agency)], SHANGHAI, agencies=LISTED)
    assert ("agency" in found.get("c", [])) is flagged


def test_the_listed_day_is_the_lenders_local_day():
    # 16:30 UTC on 20 November is 00:30 on 21 November in Shanghai: after the last day (and at night).
    late = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
    assert breaches([by("c", late, "AG-GZ02")], SHANGHAI, agencies=LISTED) == {"c": ["night", "agency"]}
    # 15:59 UTC on 20 November is 23:59 local on the 20th: still listed.
    assert "agency" not in breaches([by("c", datetime(2026, 11, 20, 15, 59, tzinfo=UTC), "AG-GZ02")], SHANGHAI,
                                    agencies=LISTED)["c"]


def test_without_a_list_the_agency_rule_is_left_out_and_an_empty_list_flags_every_agency():
    contact = [by("c", local(15, 10, 0), "AG-GZ02")]
    assert breaches(contact, SHANGHAI) == {}
    assert breaches(contact, SHANGHAI, agencies={}) == {"c": ["agency"]}
