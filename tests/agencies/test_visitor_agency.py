"""A visitor may work for an agency: the roster says so, /verify-visitor names it, and an ended agency's visitor is
not confirmed."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.visits.models import Visitor
from tests.visits.conftest import local_today, roster, make_visit, window  # noqa: F401 (fixtures)


@pytest.fixture
def agency_visit(create_borrower, create_loan, make_visit, roster, listed, session):  # noqa: F811
    roster[0].agency_id = listed["AG-GZ02"].id
    session.commit()
    return make_visit(create_loan(create_borrower()), state="confirmed", when=window(local_today(), 14, 3),
                      code="HX4K7P")


def _check(client, **headers):
    return client.post("/verify-visitor", data={"badge": "BJ1024", "code": "HX4K7P"},
                       headers=headers).get_data(as_text=True)


def test_the_check_names_the_agency_in_the_readers_script(client, agency_visit):
    page = _check(client)
    assert "verify-yes" in page and "刘强是广州示例信息咨询有限公司的人员" in page and "示例消费金融有限公司" in page
    assert "廣州示例資訊諮詢有限公司" in _check(client, **{"Accept-Language": "zh-TW"})


def test_a_visitor_of_an_agency_no_longer_listed_is_not_confirmed(client, agency_visit, listed, session):
    listed["AG-GZ02"].until = date(2026, 1, 31)
    session.commit()
    page = _check(client)
    assert "verify-no" in page and "verify-yes" not in page


def test_supervisors_put_a_visitor_on_the_roster_with_their_agency(client, login, create_staff, listed, session):
    login(client, create_staff(role="supervisor"))
    page = client.get("/staff/visits/roster").get_data(as_text=True)
    assert "AG-GZ02 · 广州示例信息咨询有限公司" in page and "贷款机构自己的员工" in page
    assert "AG-SZ01" in page and "LENDER ·" not in page  # the lender itself is not an agency to belong to
    response = client.post("/staff/visits/roster", data={"name": "钱多", "badge": "GZ0001",
                                                         "agency": str(listed["AG-GZ02"].id)})
    assert response.status_code == 302
    visitor = session.scalar(select(Visitor).where(Visitor.badge_number == "GZ0001"))
    assert visitor.agency_id == listed["AG-GZ02"].id
    assert "AG-GZ02 · 广州示例信息咨询有限公司" in client.get("/staff/visits/roster").get_data(as_text=True)
    bad = client.post("/staff/visits/roster", data={"name": "钱少", "badge": "GZ0002", "agency": "99999"})
    assert bad.status_code == 200 and 'id="agency-error"' in bad.get_data(as_text=True)
    assert session.scalar(select(Visitor).where(Visitor.badge_number == "GZ0002")) is None


def test_the_roster_names_the_agency_in_the_readers_script(client, login, create_staff, agency_visit):
    login(client, create_staff(role="supervisor"))
    page = client.get("/staff/visits/roster", headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)
    table, form = page[page.index("<tbody>"):page.index("</tbody>")], page[page.index('id="agency"'):]
    assert "AG-GZ02 · 廣州示例資訊諮詢有限公司" in table and "广州示例信息咨询有限公司" not in table
    assert "AG-GZ02 · 廣州示例資訊諮詢有限公司" in form and "广州示例信息咨询有限公司" not in form
