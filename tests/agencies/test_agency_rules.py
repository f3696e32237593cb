"""The unified social credit code (GB 32100-2015) and the listed-on-a-day rule, on their boundaries."""
from __future__ import annotations

from datetime import date

import pytest

from portal.agencies import rules


@pytest.mark.parametrize("code", ["91440300708461136T", "91330100716105852F", "91110108551385082Q"])
def test_real_codes_pass(code):
    assert rules.normalize_uscc(code) == code


@pytest.mark.parametrize("typed", ["9144 0300 7084 6113 6t", "９１４４０３００７０８４６１１３６Ｔ", "914403-0070846-1136T"])
def test_spaces_case_and_full_width_are_folded(typed):
    assert rules.normalize_uscc(typed) == "91440300708461136T"


@pytest.mark.parametrize("code, reason", [
    ("91440300708461136", "length"), ("91440300708461136TT", "length"),
    ("91440300708461I36T", "chars"), ("91440300708461O36T", "chars"), ("9144030070846113ZT", "chars"),
    ("914403A0708461136T", "division"),
    ("91440300708461136U", "check"), ("91440300708461163T", "check"),  # a wrong check char; two swapped digits
])
def test_bad_codes_name_the_problem(code, reason):
    with pytest.raises(rules.InvalidUSCC) as exc:
        rules.normalize_uscc(code)
    assert exc.value.reason == reason


def test_check_char_can_be_zero():
    # 31 - (sum mod 31) is 31 when the sum is a multiple of 31: the check character is then 0, not out of range.
    body = next(b for b in (f"9144030070846{n:04d}" for n in range(10000)) if rules.uscc_check_char(b) == "0")
    assert rules.normalize_uscc(body + "0") == body + "0"


def test_listed_on_is_inclusive_of_both_days():
    since, until = date(2026, 1, 1), date(2026, 6, 30)
    assert not rules.listed_on(date(2025, 12, 31), since, until)
    assert rules.listed_on(since, since, until) and rules.listed_on(until, since, until)
    assert not rules.listed_on(date(2026, 7, 1), since, until)
    assert rules.listed_on(date(2099, 1, 1), since, None)
    assert rules.is_past(date(2026, 7, 1), until) and not rules.is_past(until, until)
