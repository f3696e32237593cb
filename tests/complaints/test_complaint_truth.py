"""What the complainant reads back: every fact they gave (when, how, who, which number), on their page and on a
third party's report page; one "状态" label; a late complaint on the borrower's home (issue: complaint truth)."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest

from portal.i18n import lender_tz, local_today

FACTS = dict(channel="phone", occurred_on=date(2026, 12, 5), occurred_time=time(21, 30),
             collector_name="刘某", collector_badge="C-2031", collector_phone="02061234567")
WORDS = {"zh_Hans": {"told": "您告诉我们的情况", "name": "催收人员姓名", "badge": "员工编号或证件号",
                     "number": "对方打电话或发短信用的号码", "status": "状态"},
         "zh_Hant": {"told": "您告訴我們的情況", "name": "催收人員姓名", "badge": "員工編號或證件號",
                     "number": "對方打電話或傳簡訊用的號碼", "status": "狀態"}}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _told(page: str) -> str:
    return _text(page.split('class="complaint-facts"', 1)[1].split("</details>", 1)[0])


def _assert_every_fact(page: str, words: dict) -> None:
    told = _told(page)
    assert words["told"] in told
    assert "2026年12月5日" in told and "21:30" in told
    assert f"{words['name']} 刘某" in told and f"{words['badge']} C-2031" in told
    assert f"{words['number']} 02061234567" in told


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_the_borrowers_page_shows_every_fact_they_gave(client, create_borrower, make_complaint, login, locale):
    me = create_borrower(locale=locale)
    complaint = make_complaint(me, **FACTS)
    login(client, me)
    page = client.get(f"/complaints/{complaint.reference}").get_data(as_text=True)
    _assert_every_fact(page, WORDS[locale])
    status = _text(page.split('class="card complaint-status"', 1)[1].split("</section>", 1)[0])
    assert status.count(WORDS[locale]["status"]) == 1  # one label, not "状态 状态"


def test_the_report_status_page_shows_every_fact_too(client, make_complaint):
    report = make_complaint(**FACTS)
    client.post("/report/status", data={"action": "lookup", "reference": report.reference, "secret": report.secret})
    page = client.get("/report/status").get_data(as_text=True)
    _assert_every_fact(page, WORDS["zh_Hans"])


def _received(days_ago: int) -> datetime:
    return datetime.combine(local_today() - timedelta(days=days_ago), time(10), tzinfo=lender_tz())


@pytest.mark.parametrize("locale,expected,button", [
    ("zh_Hans", "投诉 {ref} ：决定期限（{day}）已过，我们还没有把决定告诉您", "查看您现在可以做什么"),
    ("zh_Hant", "投訴 {ref} ：決定期限（{day}）已過，我們還沒有把決定告訴您", "查看您現在可以做什麼")])
def test_the_home_says_when_a_complaint_decision_is_late(client, create_borrower, make_complaint, login, session,
                                                         locale, expected, button):
    from portal.complaints.models import Complaint

    me = create_borrower(locale=locale)
    late = make_complaint(me, now=_received(20))
    stored = session.get(Complaint, late.id)
    stored.state = "investigating"  # acknowledged and investigated, never decided: past its 15 days
    session.commit()
    login(client, me)
    raw = client.get("/").get_data(as_text=True)
    page = _text(raw)
    day = stored.decide_due
    assert expected.format(ref=late.reference, day=f"{day.year}年{day.month}月{day.day}日") in page
    assert button in page and f'href="/complaints/{late.reference}#deadline-passed"' in raw
    assert ("现在没有需要您处理的事情" not in page) and ("現在沒有需要您處理的事情" not in page)
    # The complaint page says the same deadline has passed, with what to do now.
    assert 'id="deadline-passed"' in client.get(f"/complaints/{late.reference}").get_data(as_text=True)


def test_the_home_says_nothing_of_a_complaint_on_time(client, create_borrower, make_complaint, login):
    me = create_borrower()
    make_complaint(me, now=_received(0))
    login(client, me)
    page = _text(client.get("/").get_data(as_text=True))
    assert "已过" not in page and "现在没有需要您处理的事情" in page


@pytest.mark.parametrize("language,received,wrong", [("zh-CN", "举报已收到", "已收到投诉"),
                                                     ("zh-TW", "檢舉已收到", "已收到投訴")])
def test_a_reports_timeline_and_pages_use_the_reports_word(client, make_complaint, language, received, wrong):
    report = make_complaint()
    headers = {"Accept-Language": language}
    client.post("/report/status", data={"action": "lookup", "reference": report.reference, "secret": report.secret},
                headers=headers)
    page = client.get("/report/status", headers=headers).get_data(as_text=True)
    timeline = _text(page.split('id="timeline-title"', 1)[1].split("</section>", 1)[0])
    assert received in timeline and wrong not in timeline
    if language == "zh-TW":
        for url in ("/report", "/report/status"):
            assert "舉報" not in client.get(url, headers=headers).get_data(as_text=True), url


@pytest.mark.parametrize("locale,term,avoid", [("zh_Hans", "申请核查", "复核"), ("zh_Hant", "申請核查", "複核")])
def test_the_review_request_has_the_rights_pages_word(client, create_borrower, make_complaint, login, session,
                                                      locale, term, avoid):
    from portal.complaints.models import Complaint
    from portal.orm import utcnow

    me = create_borrower(locale=locale)
    complaint = make_complaint(me)
    stored = session.get(Complaint, complaint.id)
    stored.state, stored.outcome_category, stored.outcome_explanation = "not_upheld", "not_upheld_no_evidence", "x"
    stored.decided_at = stored.decision_seen_at = stored.review_requested_at = utcnow()
    stored.response, stored.review_reason = "not_satisfied", "号码不对"
    session.commit()
    login(client, me)
    page = _text(client.get(f"/complaints/{complaint.reference}").get_data(as_text=True))
    assert term in page and avoid not in page and "覆核" not in page
    rights = _text(client.get("/rights/complaints-escalation").get_data(as_text=True))
    assert term in rights and ("从收到决定之日起 30 天内" in rights or "從收到決定之日起 30 天內" in rights)
