"""The data download speaks the borrower's language and tells time as the pages do: its explanation in their
script (no English sentence), every moment in the lender's time zone with its offset (+08:00), still complete and
machine-readable (ISO 8601, the same instant)."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from tests.privacy.test_export import _ask, _zip, two  # noqa: F401 - the fixture

ABOUT = {"zh_Hans": ("借款人服务平台保存的关于您的个人信息", "时区（Asia/Shanghai）", "+08:00"),
         "zh_Hant": ("借款人服務平臺保存的關於您的個人資訊", "時區（Asia/Shanghai）", "+08:00")}


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_the_download_explains_itself_in_my_script_and_shows_local_times(client, two, login, session,  # noqa: F811
                                                                          locale):
    from portal.visits.models import Visit
    from portal.loans.models import Loan

    mine = two[0]
    mine.locale = locale
    session.commit()
    login(client, mine)
    item = _ask(client)
    data = json.loads(_zip(client.get(f"/settings/my-data/exports/{item.id}")).read("data.json").decode())
    for words in ABOUT[locale]:
        assert words in data["about"]
    assert "PIPL" not in data["about"] and "times are UTC" not in data["about"]
    assert data["time_zone"] == "Asia/Shanghai" and data["generated_at"].endswith("+08:00")
    [visit] = data["visits"]
    stored = session.scalar(__import__("sqlalchemy").select(Visit).join(Loan).where(Loan.borrower_id == mine.id))
    shown = datetime.fromisoformat(visit["window_start"])
    assert visit["window_start"].endswith("+08:00") and shown == stored.window_start  # the same instant
    assert shown.hour == 10  # the clock time the visit page shows (10:00 in Shanghai), not 02:00 UTC
    assert all(c["received_at"].endswith("+08:00") for c in data["complaints"])
    assert all(x["logged_in_at"].endswith("+08:00") for x in data["logins"])
