"""Babel formatting for both scripts: money as ¥1,234.56, dates like 2026年11月22日, times in the lender's zone."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from portal.i18n import fmt_date, fmt_datetime, money


@pytest.mark.parametrize("accept", ["zh-CN", "zh-TW"])
def test_money_and_dates(app, accept):
    with app.test_request_context(headers={"Accept-Language": accept}):
        assert money(123456) == "¥1,234.56"
        assert money(Decimal("0.5")) == "¥0.50"
        assert money(-1) == "-¥0.01"
        assert fmt_date(date(2026, 11, 22)) == "2026年11月22日"
        # 23:30 UTC is already the next day in Shanghai
        assert "2026年11月23日" in fmt_datetime(datetime(2026, 11, 22, 23, 30, tzinfo=timezone.utc), "long")
