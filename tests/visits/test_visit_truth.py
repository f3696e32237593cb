"""What the visit pages say matches what happens: an answered record is no longer asked about, a pending request
holds the visit (and says until when), the visitor check warns outside the visit's window, and the loan badges
give each visit's date."""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from portal.orm import utcnow
from portal.visits.models import Visit, VisitDispute, VisitRecord
from tests.visits.conftest import TZ, local_today, window, workday

ASKED = "请阅读下面核实人员的记录，并告诉我们是否属实。"


def _page(response) -> str:
    return html.unescape(re.sub(r'<span class="nowrap">([^<]*)</span>', r"\1", response.get_data(as_text=True)))


def _summary(page: str) -> str:
    return page.split('class="card visit-summary"', 1)[1].split("</div>", 1)[0]


@pytest.fixture
def recorded(create_borrower, create_loan, make_visit, create_staff, login, client, session):
    me = create_borrower()
    visit = make_visit(create_loan(me), state="completed", when=window(local_today() - timedelta(days=3), 10))
    session.add(VisitRecord(visit_id=visit.id, held=True, arrived_at=visit.window_start,
                            departed_at=visit.window_end, met="本人", identity_shown=True, outcome="核实完毕",
                            next_step="提交方案", recorded_by_id=create_staff().id))
    session.commit()
    login(client, me)
    return visit


def _version(session, visit_id) -> str:
    session.expire_all()
    return str(session.get(Visit, visit_id).version)


def test_a_confirmed_record_is_no_longer_asked_about(client, recorded, session):
    assert ASKED in _summary(_page(client.get(f"/visits/{recorded.id}")))
    client.post(f"/visits/{recorded.id}/record/confirm", data={"record-version": _version(session, recorded.id)})
    summary = _summary(_page(client.get(f"/visits/{recorded.id}")))
    assert ASKED not in summary and "您已确认核实人员的记录属实" in summary


def test_a_disputed_record_says_so_at_the_top_and_links_its_complaint(client, recorded, session):
    client.post(f"/visits/{recorded.id}/record/dispute",
                data={"dispute-version": _version(session, recorded.id), "dispute-text": "没有人来过"})
    ref = session.scalars(select(VisitDispute.complaint_ref)).one()
    summary = _summary(_page(client.get(f"/visits/{recorded.id}")))
    assert ASKED not in summary and "您已对核实人员的记录提出异议" in summary and ref in summary
    assert f'href="/complaints/{ref}"' in summary


def test_the_demos_disputed_visit_has_its_complaint(app, seeded_demo, client, login):
    from portal.accounts.models import Borrower

    session = seeded_demo
    dispute = session.scalars(select(VisitDispute)).one()
    assert dispute.complaint_ref  # opened through the real dispute path, as a borrower's dispute is
    visit = session.get(Visit, dispute.visit_id)
    assert visit.state == "missed" and visit.record_answer == "disputed"
    login(client, session.scalar(select(Borrower).where(Borrower.phone == "13700137000")))
    summary = _summary(_page(client.get(f"/visits/{visit.id}")))
    assert dispute.complaint_ref in summary and "請閱讀下面核實人員的紀錄" not in summary
    assert client.get(f"/complaints/{dispute.complaint_ref}").status_code == 200


# ---- a pending request holds the visit --------------------------------------------------------------------

@pytest.mark.parametrize("state", ["remote_requested", "reschedule_requested"])
def test_a_pending_request_says_nobody_comes_until_staff_answer(client, create_borrower, create_loan, make_visit,
                                                                login, state):
    me = create_borrower()
    extra = {"requested_start": window(workday(8), 15, 3)[0], "requested_end": window(workday(8), 15, 3)[1]} \
        if state == "reschedule_requested" else {"remote_reason": "上班"}
    visit = make_visit(create_loan(me), state=state, when=window(local_today(), 14, 3), **extra)
    login(client, me)
    page = _page(client.get(f"/visits/{visit.id}"))
    assert "不会有人上门" in page and "“核实上门人员身份”页面对这次上门核实的回答" in page
    assert "没有固定期限" in page
    check = _page(client.post("/verify-visitor", data={"badge": "BJ1024", "code": visit.code}))
    assert "verify-no" in check and "verify-yes" not in check


def test_staff_cannot_keep_a_visit_at_its_time_on_the_day_itself(client, create_borrower, create_loan, create_staff,
                                                                 login, make_visit, session):
    visit = make_visit(create_loan(create_borrower()), state="remote_requested", remote_reason="上班",
                       when=window(local_today(), 20 if datetime.now(TZ).hour < 18 else 9, 1))
    login(client, create_staff())
    answer = client.post(f"/staff/visits/{visit.id}/decline-remote", follow_redirects=True,
                         data={"decline-version": str(visit.version), "decline-reason": "需要核实住址"})
    assert "必须在上门当天之前告知借款人" in _page(answer)
    session.expire_all()
    assert session.get(Visit, visit.id).state == "remote_requested"


def test_a_requested_time_that_has_begun_cannot_be_scheduled(client, create_borrower, create_loan, create_staff,
                                                             login, make_visit, session):
    now = utcnow()
    visit = make_visit(create_loan(create_borrower()), state="reschedule_requested",
                       requested_start=now - timedelta(minutes=30), requested_end=now + timedelta(hours=1))
    login(client, create_staff())
    answer = client.post(f"/staff/visits/{visit.id}/schedule", follow_redirects=True,
                         data={"schedule-version": str(visit.version)})
    assert "借款人选择的时间已经开始" in _page(answer)
    session.expire_all()
    assert session.get(Visit, visit.id).state == "reschedule_requested"


# ---- the visitor check outside the visit's window ---------------------------------------------------------

@pytest.mark.parametrize(("hour", "timing"), [(11, "early"), (15, "now"), (18, "late")])
def test_the_visitor_check_warns_outside_the_visit_window(client, create_borrower, create_loan, make_visit,
                                                          monkeypatch, hour, timing):
    from portal.visits import routes

    day = workday(5)
    make_visit(create_loan(create_borrower()), state="confirmed", when=window(day, 14, 3), code="HX4K7P")
    monkeypatch.setattr(routes, "local_now", lambda: datetime(day.year, day.month, day.day, hour, 5, tzinfo=TZ))
    page = _page(client.post("/verify-visitor", data={"badge": "BJ1024", "code": "HX4K7P"}))
    assert "verify-yes" in page and "14:00" in page and "17:00" in page
    if timing == "now":
        assert "是：身份已确认" in page and "verify-timing" not in page
        return
    assert "是：身份已确认" not in page and "身份已确认，但现在不是约定的上门时间" in page
    assert f"现在是 {hour}:05" in page
    assert ("还没到" in page) == (timing == "early") and ("已于今天 17:00 结束" in page) == (timing == "late")
    warning = page.split('id="verify-timing"', 1)[1].split("</div>", 1)[0]
    assert "开门之前，请先拨打我们的官方电话" in warning and "400-000-0000" in warning


# ---- the loan badges give each visit's date --------------------------------------------------------------

def test_each_loan_badge_names_its_visits_date_and_links_to_it(client, create_borrower, create_loan, make_visit,
                                                               login):
    from portal.i18n import fmt_date

    me = create_borrower()
    loan = create_loan(me)
    moved_from, moved_to = window(workday(4), 9, 3), window(workday(8), 15, 3)
    moving = make_visit(loan, state="reschedule_requested", when=moved_from, code="MOVE23",
                        requested_start=moved_to[0], requested_end=moved_to[1], reschedule_count=1)
    video = make_visit(loan, state="remote_requested", when=window(workday(12), 9, 3), code="VIDE23",
                       remote_reason="上班")
    login(client, me)
    page = _page(client.get("/loans"))
    badges = page.split('class="loan-badges"', 1)[1].split("</ul>", 1)[0]
    with client.application.test_request_context():
        old, new, remote = (fmt_date(moved_from[0]), fmt_date(moved_to[0]), fmt_date(video.window_start))
    assert f'<a href="/visits/{moving.id}">{old} 的上门核实：您已申请改到 {new}</a>' in badges
    assert f'<a href="/visits/{video.id}">{remote} 的上门核实：您已申请改为视频核实</a>' in badges
