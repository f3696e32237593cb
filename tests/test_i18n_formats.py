"""The cached formatters of portal.i18n give exactly what Babel's format_* functions give, in both locales."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from portal import i18n

CODES = sorted(i18n.FORMAT_LOCALES.values())
FEN = [0, 1, -1, 5, 49, 50, 99, 100, 101, -250, 123456, -123456, 99999999, 100000000, 1234567890123, -7]
YUAN = [Decimal("0"), Decimal("-0.00"), Decimal("0.005"), Decimal("0.015"), Decimal("1.235"), Decimal("-1.235"),
        Decimal("2.5"), Decimal("1234.5678"), Decimal("-99999.995"), Decimal("1000000"), Decimal("12345678901.01"),
        Decimal("0.0049")]
DAYS = [date(2026, 1, 1), date(2026, 12, 31), date(2024, 2, 29), date(1999, 7, 4), date(2030, 10, 10)]
TZ = ZoneInfo("Asia/Shanghai")
MOMENTS = [datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc) + timedelta(hours=h, minutes=7 * h)
           for h in range(0, 26, 5)]


@pytest.mark.parametrize("code", CODES)
def test_money_is_babels_format_currency(code):
    for fen in FEN:
        expected = babel_numbers.format_currency(i18n.fen_to_decimal(fen), "CNY", format=i18n.MONEY_PATTERN,
                                                 locale=code)
        assert i18n.format_money(fen, code) == expected, fen
    for yuan in YUAN:
        expected = babel_numbers.format_currency(yuan, "CNY", format=i18n.MONEY_PATTERN, locale=code)
        assert i18n.format_money(yuan, code) == expected, yuan
    assert i18n.format_money(123456, code) == "¥1,234.56" and i18n.format_money(-5, code) == "-¥0.05"


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("format", ["long", "medium", "short", "full", "y年M月", "M月d日"])
def test_dates_are_babels_format_date(code, format):
    for day in DAYS:
        assert i18n.format_day(day, code, format) == babel_dates.format_date(day, format=format, locale=code)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("format", ["short", "medium", "long", "full", "y-MM-dd HH:mm:ss"])
def test_datetimes_are_babels_format_datetime(code, format):
    for moment in MOMENTS:
        local = moment.astimezone(TZ)
        assert i18n.format_local_datetime(local, code, format) == babel_dates.format_datetime(
            local, format=i18n.DATETIME_PATTERNS.get(format, format), tzinfo=TZ, locale=code)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("format", ["short", "medium", "long", "full", "H:mm:ss"])
def test_times_are_babels_format_time(code, format):
    for moment in MOMENTS:
        local = moment.astimezone(TZ)
        assert i18n.format_local_time(local, code, format) == babel_dates.format_time(
            local, format=i18n.TIME_PATTERN if format == "short" else format, tzinfo=TZ, locale=code)


@pytest.mark.parametrize("code", CODES)
def test_the_24_hour_clock_is_babels_for_every_minute_of_a_day(code):
    start = datetime(2026, 12, 1, tzinfo=TZ)
    for minute in range(24 * 60):
        local = start + timedelta(minutes=minute)
        assert i18n.format_local_time(local, code) == babel_dates.format_time(
            local, format=i18n.TIME_PATTERN, tzinfo=TZ, locale=code)


@pytest.mark.parametrize("code", CODES)
def test_numbers_and_percentages_are_babels(code):
    for value in [0, 7, -1234567, 10**12, Decimal("3.14159"), Decimal("-0.5"), Decimal("1234.5")]:
        assert i18n.format_number(value, code) == babel_numbers.format_decimal(value, locale=code)
    for value in [Decimal("0"), Decimal("0.24"), Decimal("0.2449"), Decimal("-0.036"), Decimal("12.5"),
                  Decimal("0.000049")]:
        for digits in (0, 1, 2):
            assert i18n.format_percentage(value, code, digits) == babel_numbers.format_percent(
                value, format="#,##0." + "0" * digits + "%", locale=code)


def test_each_locale_and_pattern_is_parsed_once():
    for cache in (i18n.babel_locale, i18n.money_format, i18n._format_day):
        cache.cache_clear()
    for _ in range(50):
        for code in CODES:
            i18n.format_money(12345, code)
            i18n.format_day(date(2026, 12, 1), code)
    assert i18n.babel_locale.cache_info().misses == len(CODES)



@pytest.mark.parametrize("code", CODES)
def test_money_takes_the_fast_path_for_whole_fen(code):
    """The per-locale formatter lays out fen itself (checked against Babel when it is built): no Babel call."""
    fmt = i18n.money_format(code)
    assert fmt._fast
    assert i18n.money_format(code) is fmt  # built once per locale


@settings(max_examples=300, deadline=None)
@given(fen=st.integers(min_value=-10**15, max_value=10**15), code=st.sampled_from(CODES))
def test_money_equals_babel_for_any_amount_of_fen(fen, code):
    expected = babel_numbers.format_currency(i18n.fen_to_decimal(fen), "CNY", format=i18n.MONEY_PATTERN, locale=code)
    assert i18n.format_money(fen, code) == expected


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), code=st.sampled_from(CODES),
       format=st.sampled_from(["long", "medium", "short", "full"]))
def test_cached_dates_equal_babel(day, code, format):
    assert i18n.format_day(day, code, format) == babel_dates.format_date(day, format=format, locale=code)


def test_nowrap_plain_is_nowrap_without_the_escaping_pass():
    from portal.numbers import nowrap, nowrap_plain

    for text in ("¥1,234.56", "-¥0.05", "2026年12月1日", "a<b", "x&y", 'say "hi"', "it's"):
        assert nowrap_plain(text) == nowrap(text)


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_template_gettext_matches_flask_babel(app, locale):
    """The page's own gettext callables give what Flask-Babel's installed ones give: translation, plural forms,
    named placeholders, escaping of the values and of the result's markup."""
    from flask import render_template_string
    from flask_babel import force_locale

    source = ('{{ _("Loan %(ref)s", ref="<b>L1</b>") }}|{{ gettext("Paid") }}|'
              '{{ ngettext("%(num)d instalment paid", "%(num)d instalments paid", 3) }}|'
              '{{ _("This loan\'s interest and fees are above 24%% a year.") }}')
    with app.test_request_context(), force_locale(locale):
        ours = render_template_string(source)  # the context processor's callables
        theirs = app.jinja_env.from_string(source).render()  # Flask-Babel's, from the environment's globals
    assert ours == theirs
    assert "&lt;b&gt;L1&lt;/b&gt;" in ours and "3" in ours and "24%" in ours
    assert "Paid" not in ours  # translated
