from __future__ import annotations

from datetime import date

import pytest

from portal.agencies.services import AgencyValues, apply


@pytest.fixture
def listed(session):
    """The lender, a current agency and a past one (made-up codes with correct check characters)."""
    rows = [AgencyValues("LENDER", "lender", "示例消费金融有限公司", "示例消費金融有限公司", "91440300MA5DEM0019",
                         ["075588886666"], date(2020, 1, 1), None),
            AgencyValues("AG-GZ02", "agency", "广州示例信息咨询有限公司", "廣州示例資訊諮詢有限公司",
                         "91440101MA9DEM0029", ["02061234567"], date(2026, 1, 1), None),
            AgencyValues("AG-SZ01", "agency", "深圳示例商务服务有限公司", "", "91440300MA5DEM003F",
                         ["075566667777"], date(2025, 3, 1), date(2025, 12, 31))]
    found = {v.code: apply(session, None, v)[0] for v in rows}
    session.commit()
    return found
