"""Deadline and state rules (pure)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.complaints import rules

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("received", "due"), [
    (date(2026, 3, 2), date(2026, 3, 3)),    # Monday -> Tuesday
    (date(2026, 3, 6), date(2026, 3, 9)),    # Friday -> Monday
    (date(2026, 3, 7), date(2026, 3, 9)),    # Saturday -> Monday
    (date(2026, 9, 30), date(2026, 10, 8)),  # before National Day: 1-7 Oct are holidays
    (date(2026, 2, 13), date(2026, 2, 14)),  # Saturday 14 Feb 2026 is a swapped working day
])
def test_acknowledgement_is_due_the_next_working_day(received, due):
    assert rules.acknowledge_by(received) == due


def test_deadlines_use_the_lenders_time_zone():
    # 17:30 UTC on Friday is 01:30 on Saturday in Shanghai: received Saturday, acknowledge by Monday.
    moment = datetime(2026, 3, 6, 17, 30, tzinfo=timezone.utc)
    d = rules.deadlines(moment, SH)
    assert d.acknowledge_by == date(2026, 3, 9)
    assert d.decide_by == date(2026, 3, 22)


def test_extensions_need_a_reason_and_stop_at_60_days():
    received = date(2026, 3, 1)
    assert rules.decide_by(received, 0) == date(2026, 3, 16)
    assert rules.decide_by(received, 1) == date(2026, 3, 31)
    assert rules.decide_by(received, 2) == date(2026, 4, 30)
    with pytest.raises(rules.RuleError) as info:
        rules.extend(0, "   ", rules.INVESTIGATING)
    assert info.value.code == "reason_required"
    assert rules.extend(0, "needs the agency's call records", rules.INVESTIGATING) == 1
    assert rules.extend(1, "agency slow to answer", rules.ACKNOWLEDGED) == 2
    with pytest.raises(rules.RuleError) as info:
        rules.extend(2, "more time", rules.INVESTIGATING)
    assert info.value.code == "extension_limit"
    with pytest.raises(rules.RuleError):
        rules.decide_by(received, 3)
    with pytest.raises(rules.RuleError):
        rules.extend(0, "reason", rules.RESOLVED)


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 2))
def test_deadline_properties(received, level):
    ack = rules.acknowledge_by(received)
    assert ack > received and rules.is_working_day(ack)
    assert all(not rules.is_working_day(received + timedelta(days=i)) for i in range(1, (ack - received).days))
    assert (rules.decide_by(received, level) - received).days <= 60


def test_state_machine():
    rules.check_transition(rules.RECEIVED, rules.ACKNOWLEDGED)
    rules.check_transition(rules.ACKNOWLEDGED, rules.INVESTIGATING)
    rules.check_transition(rules.INVESTIGATING, rules.RESOLVED, "upheld_corrected", "We apologised.")
    for bad in [(rules.RECEIVED, rules.RESOLVED), (rules.RESOLVED, rules.INVESTIGATING),
                (rules.NOT_UPHELD, rules.RESOLVED)]:
        with pytest.raises(rules.RuleError):
            rules.check_transition(*bad, "other", "x")
    with pytest.raises(rules.RuleError) as info:
        rules.check_transition(rules.INVESTIGATING, rules.NOT_UPHELD, None, "x")
    assert info.value.code == "outcome_required"
    with pytest.raises(rules.RuleError) as info:
        rules.check_transition(rules.INVESTIGATING, rules.NOT_UPHELD, "other", "  ")
    assert info.value.code == "explanation_required"


def test_next_due_urgency_and_review():
    ack, decide, today = date(2026, 3, 3), date(2026, 3, 17), date(2026, 3, 17)
    assert rules.next_due(rules.RECEIVED, ack, decide) == ack
    assert rules.next_due(rules.INVESTIGATING, ack, decide) == decide
    assert rules.next_due(rules.RESOLVED, ack, decide) is None
    assert rules.urgency(ack, today) == "overdue"
    assert rules.urgency(decide, today) == "due-today"
    assert rules.urgency(None, today) is None
    assert rules.review_until(date(2026, 4, 1)) == date(2026, 5, 1)
    assert rules.can_respond(rules.RESOLVED, None) and not rules.can_respond(rules.RESOLVED, rules.ACCEPTED)
    assert not rules.can_respond(rules.INVESTIGATING, None)


def test_reference_and_secret_formats():
    assert rules.format_reference(date(2026, 11, 22), 42) == "TS-20261122-0042"
    assert rules.is_reference("TS-20261122-0042") and not rules.is_reference("TS-2026-1")
    assert rules.normalize_reference(" ts-20261122-0042 ") == "TS-20261122-0042"
    assert rules.normalize_secret("abcd efgh-jklm") == "ABCDEFGHJKLM"
    assert rules.median([3, 1, 2]) == 2 and rules.median([1, 2, 3, 4]) == 2.5 and rules.median([]) is None
