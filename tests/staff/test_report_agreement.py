"""The supervisor report and the console's other pages say the same thing about the same visits: a visit the
borrower confirmed is counted as confirmed. Each test runs with the report tallies built and with the rows
counted."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.i18n import local_today
from portal.visits.models import Visit


@pytest.fixture(autouse=True, params=["tallies", "rows"])
def counted_from(request):
    if request.param == "rows":
        request.getfixturevalue("reports_count_rows")
    return request.param


def _section(page: str, name: str) -> str:
    return page.split(f'id="h-{name}"')[1].split("</section>")[0]


def _cells(section: str) -> dict[str, str]:
    return dict(re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", section))


def _report(client) -> str:
    response = client.get("/staff/reports")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def demo(app, session):
    """The data set of ``flask seed-demo``, with its staff; the supervisor."""
    from portal import demo as demo_data
    from portal.accounts.models import StaffUser
    from portal.accounts.services import create_staff
    from portal.cli import DEMO_STAFF, DEMO_STAFF_PASSWORD

    with app.test_request_context():
        for username, role, name, secret in DEMO_STAFF:
            create_staff(username, role, DEMO_STAFF_PASSWORD, display_name=name, otp_secret=secret)
        session.commit()
        demo_data.seed_all(session, local_today())
    return session.scalar(select(StaffUser).where(StaffUser.role == "supervisor"))


def test_a_demo_visit_confirmed_on_its_page_is_confirmed_in_the_report(client, login, demo, session):
    login(client, demo)
    reported = int(_cells(_section(_report(client), "visits"))["借款人已确认"])
    visits = list(session.scalars(select(Visit).order_by(Visit.id)))
    pages = {v.id: client.get(f"/staff/visits/{v.id}").get_data(as_text=True) for v in visits}
    for visit in visits:
        answers = pages[visit.id].split("借款人的答复")[1].split("</ul>")[0]
        if visit.state == "confirmed":  # the state comes from the borrower's answer, which the page lists
            assert "确认了上门" in answers and "尚未答复" not in answers, visit.id
        if visit.family_contact_allowed is not None:  # so does the family choice
            assert "选择了核实人员可否与家人交谈" in answers, visit.id
    confirmed = [v.id for v in visits if "确认了上门" in pages[v.id].split("借款人的答复")[1].split("</ul>")[0]]
    assert confirmed and reported == len(confirmed)
    queue = client.get("/staff/visits/").get_data(as_text=True)
    assert "确认了上门" in queue  # the queue's answer column says it too
