"""Fixtures of the visits tests: a roster and a visit factory (windows in the lender's time zone)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.visits.models import Visit, Visitor
from portal.visits.rules import is_public_holiday

TZ = ZoneInfo("Asia/Shanghai")


def local_today() -> date:
    return datetime.now(TZ).date()


def workday(offset: int) -> date:
    day = local_today() + timedelta(days=offset)
    while is_public_holiday(day):
        day += timedelta(days=1)
    return day


def window(day: date, start: int, hours: int = 2) -> tuple[datetime, datetime]:
    begin = datetime.combine(day, time(start), tzinfo=TZ)
    return begin, begin + timedelta(hours=hours)


@pytest.fixture
def roster(session):
    people = [Visitor(name="刘强", badge_number="BJ1024"), Visitor(name="周敏", badge_number="BJ1025"),
              Visitor(name="赵磊", badge_number="GD2048")]
    session.add_all(people)
    session.commit()
    return people


@pytest.fixture
def make_visit(session, roster):
    def factory(loan, *, state="proposed", when=None, code="ABC234", **kw) -> Visit:
        start, end = when or window(workday(5), 10)
        visit = Visit(loan_id=loan.id, address="北京市东城区", window_start=start, window_end=end,
                      purpose="核实地址", state=state, code=code, visitors=roster[:2], **kw)
        session.add(visit)
        session.commit()
        return visit

    return factory


@pytest.fixture(autouse=True)
def _photo_dir(app, tmp_path):
    """Visitor photos go to a temporary folder in tests."""
    before = app.config["VISITOR_PHOTO_DIR"]
    app.config["VISITOR_PHOTO_DIR"] = str(tmp_path / "visitor-photos")
    yield
    app.config["VISITOR_PHOTO_DIR"] = before
