"""Pure rules: windows (hours, 22:00-08:00, holidays, notice, length, overlap), slots, codes, transitions."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.config import ConfigError, parse_hours
from portal.visits import rules

TZ = ZoneInfo("Asia/Shanghai")
POLICY = rules.VisitPolicy(start_hour=9, end_hour=20, min_notice_days=3, reschedule_days=14, max_reschedules=2)
TODAY = date(2026, 6, 1)  # a Monday; 2026-06-19 is the Dragon Boat Festival
DAY = date(2026, 6, 10)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=TZ)


def problems(start, end, **kw):
    kw.setdefault("today", TODAY)
    return rules.window_problems(start, end, policy=kw.pop("policy", POLICY), tz=TZ, **kw)


def test_a_normal_window_is_allowed():
    assert problems(at(DAY, 10), at(DAY, 12)) == []


@pytest.mark.parametrize(("start", "end", "ok"), [
    ((9, 0), (11, 0), True), ((8, 59), (10, 0), False), ((18, 0), (20, 0), True), ((18, 0), (20, 1), False)])
def test_configured_hours_boundaries(start, end, ok):
    assert ("hours" not in problems(at(DAY, *start), at(DAY, *end))) is ok


@pytest.mark.parametrize(("start", "end", "ok"), [
    ((8, 0), (10, 0), True), ((7, 59), (9, 0), False), ((20, 0), (22, 0), True), ((21, 0), (22, 1), False)])
def test_never_inside_22_to_08_even_with_the_widest_configuration(start, end, ok):
    widest = rules.VisitPolicy(start_hour=8, end_hour=22)
    assert ("hours" not in problems(at(DAY, *start), at(DAY, *end), policy=widest)) is ok


def test_a_window_over_midnight_is_refused():
    assert "hours" in problems(at(DAY, 21), at(DAY + timedelta(days=1), 0, 30),
                               policy=rules.VisitPolicy(8, 22))


@pytest.mark.parametrize("raw", ["7-20", "9-23", "20-9", "22-24", "x"])
def test_configuration_cannot_reach_into_the_night(raw):
    with pytest.raises(ConfigError):
        parse_hours(raw)


def test_public_holidays_are_refused():
    assert rules.is_public_holiday(date(2026, 10, 1))
    assert "holiday" in problems(at(date(2026, 6, 19), 10), at(date(2026, 6, 19), 12))
    assert "holiday" not in problems(at(date(2026, 6, 18), 10), at(date(2026, 6, 18), 12))


@pytest.mark.parametrize(("offset", "ok"), [(2, False), (3, True), (4, True)])
def test_minimum_notice(offset, ok):
    day = TODAY + timedelta(days=offset)
    assert ("notice" not in problems(at(day, 10), at(day, 12))) is ok


@pytest.mark.parametrize(("minutes", "ok"), [(59, False), (60, True), (240, True), (241, False)])
def test_window_length_is_one_to_four_hours(minutes, ok):
    start = at(DAY, 10)
    assert ("length" not in problems(start, start + timedelta(minutes=minutes))) is ok


def test_end_before_start():
    assert problems(at(DAY, 12), at(DAY, 10)) == ["order"]


def test_overlap_with_another_visit_of_the_same_loan():
    other = [(at(DAY, 11), at(DAY, 13))]
    assert "overlap" in problems(at(DAY, 10), at(DAY, 12), others=other)
    assert "overlap" not in problems(at(DAY, 13), at(DAY, 15), others=other)  # touching is fine


def test_reschedule_slots_stay_within_days_hours_and_skip_holidays():
    slots = rules.reschedule_slots(date(2026, 6, 10), policy=POLICY, tz=TZ)
    days = {s.date() for s, _ in slots}
    assert min(days) == date(2026, 6, 11) and max(days) == date(2026, 6, 24)
    assert date(2026, 6, 19) not in days
    assert all(s.hour >= 9 and (e.hour, e.minute) <= (20, 0) and s.date() == e.date() for s, e in slots)
    assert [(s.hour, e.hour) for s, e in slots if s.date() == date(2026, 6, 11)] == [(9, 12), (12, 15), (15, 18)]


def test_reschedule_slots_skip_the_loans_other_visits():
    busy = [(at(date(2026, 6, 11), 10), at(date(2026, 6, 11), 11))]
    slots = rules.reschedule_slots(date(2026, 6, 10), policy=POLICY, tz=TZ, others=busy)
    assert [s.hour for s, _ in slots if s.date() == date(2026, 6, 11)] == [12, 15]


@pytest.mark.parametrize(("count", "left"), [(0, 2), (1, 1), (2, 0), (3, 0)])
def test_reschedule_limit(count, left):
    assert rules.reschedules_left(count, POLICY) == left


@given(st.integers(min_value=0, max_value=200))
def test_visit_codes_are_short_and_unambiguous(_n):
    code = rules.new_visit_code()
    assert len(code) == 6 and not set(code) & set("0O1I")
    assert rules.normalize_code(" " + code.lower()[:3] + " " + code[3:]) == code


def test_full_width_code_and_badge_are_folded():
    assert rules.normalize_code("ａｂｃ２３４") == "ABC234"
    assert rules.normalize_badge(" ｂｊ１０２４ ") == "BJ1024"


@pytest.mark.parametrize(("state", "action", "to"), [
    ("proposed", "confirm", "confirmed"), ("proposed", "request_reschedule", "reschedule_requested"),
    ("reschedule_requested", "schedule_reschedule", "rescheduled"), ("rescheduled", "confirm", "confirmed"),
    ("confirmed", "request_remote", "remote_requested"), ("confirmed", "complete", "completed"),
    ("rescheduled", "miss", "missed"), ("remote_requested", "cancel", "cancelled")])
def test_allowed_transitions(state, action, to):
    assert rules.next_state(state, action) == to


@pytest.mark.parametrize(("state", "action"), [
    ("cancelled", "confirm"), ("completed", "request_reschedule"), ("missed", "complete"),
    ("remote_requested", "confirm"), ("reschedule_requested", "confirm"), ("proposed", "schedule_reschedule"),
    ("completed", "cancel")])
def test_invalid_transitions_are_refused(state, action):
    assert not rules.can(state, action)
    with pytest.raises(rules.InvalidTransition):
        rules.next_state(state, action)


@given(st.sampled_from(rules.STATES), st.sampled_from(sorted(rules.TRANSITIONS)))
def test_transitions_only_lead_to_known_states_and_terminal_states_stay(state, action):
    if rules.can(state, action):
        assert rules.next_state(state, action) in rules.STATES
    if state in ("cancelled", "completed", "missed"):
        assert not rules.can(state, action)


@pytest.mark.parametrize(("start", "end", "fields"), [
    (at(DAY, 7), at(DAY, 9), ("start",)),                                # starts before the visit hours
    (at(DAY, 19), at(DAY, 21), ("end",)),                                # ends after them
    (at(DAY, 7), at(DAY, 21), ("start", "end")),                         # both
    (at(DAY, 19), at(DAY + timedelta(days=1), 1), ("end",)),             # ends on another day
])
def test_a_window_outside_the_hours_names_the_end_that_is_outside(start, end, fields):
    assert "hours" in problems(start, end)
    assert rules.problem_fields("hours", start, end, POLICY, TZ) == fields


def test_each_proposal_problem_names_the_fields_it_concerns():
    start, end = at(DAY, 10), at(DAY, 12)
    assert {code: rules.problem_fields(code, start, end, POLICY, TZ) for code in
            ("order", "length", "holiday", "notice", "overlap", "visitors", "before_visit_day")} == {
        "order": ("end",), "length": ("end",), "holiday": ("day",), "notice": ("day",), "overlap": ("start", "end"),
        "visitors": ("visitors",), "before_visit_day": ()}


def test_a_visit_may_be_proposed_from_the_loans_visit_day_on():
    assert rules.may_propose(TODAY, TODAY) and rules.may_propose(TODAY - timedelta(days=1), TODAY)
    assert not rules.may_propose(TODAY + timedelta(days=1), TODAY) and not rules.may_propose(None, TODAY)
