"""Demo list: the lender itself (the numbers its own collectors and hotline use), the agency in 张伟's contact log
(AG-GZ02, whose visitors 赵磊 and 孙丽 are on the roster) and a past agency (AG-SZ01, ended last year).
The unified social credit codes are made up for the demo but have a correct check character."""
from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from portal.agencies.models import Agency
from portal.agencies.services import AgencyValues, apply
from portal.visits.models import Visitor


def seed(session, today: date) -> None:
    if session.scalar(select(Agency.id).limit(1)) is not None:
        return
    cfg = current_app.config
    rows = [
        AgencyValues("LENDER", "lender", cfg["LENDER_NAME"], cfg["LENDER_NAME_HANT"], "91440300MA5DEM0019",
                     ["075588886666", "4000000000"], date(2020, 1, 1), None),
        AgencyValues("AG-GZ02", "agency", "广州示例信息咨询有限公司", "廣州示例資訊諮詢有限公司", "91440101MA9DEM0029",
                     ["02061234567", "02061234568"], date(today.year, 1, 1), None),
        AgencyValues("AG-SZ01", "agency", "深圳示例商务服务有限公司", "深圳示例商務服務有限公司", "91440300MA5DEM003F",
                     ["075566667777"], date(today.year - 1, 3, 1), date(today.year - 1, 12, 31)),
    ]
    agencies = {v.code: apply(session, None, v)[0] for v in rows}
    for visitor in session.scalars(select(Visitor).where(Visitor.badge_number.in_(("GD2048", "GD2049")))):
        visitor.agency_id = agencies["AG-GZ02"].id
    session.flush()
