"""The supervisor report and the console's other pages say the same thing about the same complaints and visits:
a visit the borrower confirmed is counted as confirmed, and "overdue" means what the complaint queue marks
overdue (past the deadline the complaint works towards now, a lawful extension included). Each test runs with
the report tallies built and with the rows counted."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from portal.complaints import services as complaint_services
from portal.complaints.models import Complaint
from portal.i18n import lender_tz, local_today
from portal.visits.models import Visit

OVERDUE_TAG = '<strong class="tag tag-bad">已逾期</strong>'
OVERDUE_ROW = "已逾期：未结案且已过当前期限（延期的按新期限）"


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


def _queue_overdue(client) -> int:
    return client.get("/staff/complaints", query_string={"status": "all"}).get_data(as_text=True).count(OVERDUE_TAG)


@pytest.fixture
def demo(seeded_demo):
    """The data set of ``flask seed-demo``, with its staff; the supervisor."""
    from portal.accounts.models import StaffUser

    return seeded_demo.scalar(select(StaffUser).where(StaffUser.role == "supervisor"))


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


def test_the_demo_report_counts_as_overdue_what_the_queue_marks_overdue(client, login, demo, session):
    login(client, demo)
    extended = session.scalar(select(Complaint).where(Complaint.extension_level > 0))
    assert extended is not None and extended.decide_due >= local_today()  # lawfully extended, not late
    cells = _cells(_section(_report(client), "complaints"))
    assert "超过 15 天仍未决定" not in cells
    assert int(cells[OVERDUE_ROW]) == _queue_overdue(client) == 1


def _received(days_ago: int) -> datetime:
    return datetime.combine(local_today() - timedelta(days=days_ago), time(10), tzinfo=lender_tz())


def test_overdue_is_past_the_current_deadline_as_in_the_queue(app, client, login, session, create_staff,
                                                              create_borrower):
    supervisor = create_staff(role="supervisor", username="lead")
    borrower = create_borrower()

    def complaint(days_ago: int, state: str = "investigating", extend: int = 0) -> None:
        with app.test_request_context():
            filed, _secret = complaint_services.file_complaint(
                complaint_services.Filing(categories=["insults"], channel="phone", what_happened="骂人",
                                          preferred_contact="portal"), borrower=borrower, now=_received(days_ago))
            filed.state = state
            if state != "received":
                filed.acknowledged_at = _received(days_ago - 1)
            for _ in range(extend):
                complaint_services.extend(filed, "需要外包机构提供通话录音。", supervisor)
            session.commit()

    complaint(20)  # 15 days over, not extended: overdue
    complaint(20, extend=1)  # extended to 30 days: not overdue
    complaint(40, extend=2)  # extended to 60 days: not overdue
    complaint(6, state="received")  # never acknowledged: its acknowledgement is overdue
    complaint(3)  # within its 15 days
    login(client, supervisor)
    page = _report(client)
    cells = _cells(_section(page, "complaints"))
    assert cells["收到的投诉"] == "5"
    assert int(cells[OVERDUE_ROW]) == _queue_overdue(client) == 2
    # The 15-day share still counts every complaint whose first 15 days are over, extended or not, and says so.
    assert "15 天期限已到的 3 件投诉中，0 件按时作出决定：0%" in page
