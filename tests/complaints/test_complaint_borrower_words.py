"""What the complainant reads about deadlines, check codes and errors, in both scripts: a passed deadline is said
plainly, with what to do next (the institution, then 12378, design §6), by the same rule as the staff's
'overdue' (extensions counted); the list says what is due by when; no 'fingerprint' jargon; Chinese punctuation."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest

from portal.complaints import rules
from portal.complaints.models import Complaint
from portal.i18n import lender_tz, local_today
from tests.uploads.samples import png

SCRIPTS = {
    "zh_Hans": {"late_label": "决定期限（已过）", "late": "这个期限已经过了，我们还没有把决定告诉您。",
                "ask_us": "先问我们：在下方给我们留言，或拨打我们的官方电话",
                "outside": "如果我们仍然没有答复，您可以拨打 12378：银行保险消费者投诉热线（国家金融监督管理总局）。",
                "law": "银行业保险业消费投诉处理管理办法", "due": "决定期限", "list_late": "决定期限（{day}）已过",
                "list_due": "决定期限：{day}", "list_ack": "我们会在 {day} 前确认受理",
                "list_ack_late": "我们还没有确认受理（原定 {day} 前）",
                "ack_late": "我们承诺在 {day} 前确认受理您的投诉，但还没有做到", "staff_overdue": "已逾期",
                "check_code": "校验码", "fingerprint": "指纹", "summary_error": "发生了什么？可以选多项：请至少选择一项。"},
    "zh_Hant": {"late_label": "決定期限（已過）", "late": "這個期限已經過了，我們還沒有把決定告訴您。",
                "ask_us": "先問我們：在下方留言給我們，或撥打我們的官方電話",
                "outside": "如果我們仍然沒有答覆，您可以撥打 12378：銀行保險消費者投訴熱線（國家金融監督管理總局）。",
                "law": "銀行業保險業消費投訴處理管理辦法", "due": "決定期限", "list_late": "決定期限（{day}）已過",
                "list_due": "決定期限：{day}", "list_ack": "我們會在 {day} 前確認受理",
                "list_ack_late": "我們還沒有確認受理（原定 {day} 前）",
                "ack_late": "我們承諾在 {day} 前確認受理您的投訴，但還沒有做到", "staff_overdue": "已逾期",
                "check_code": "校驗碼", "fingerprint": "指紋", "summary_error": "發生了什麼？可以選多項：請至少選擇一項。"},
}


def _text(html: str) -> str:
    """What a reader sees: tags dropped, white space folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _day(day, locale) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _received(days_ago: int) -> datetime:
    return datetime.combine(local_today() - timedelta(days=days_ago), time(10), tzinfo=lender_tz())


@pytest.fixture
def complaints_of(session, make_complaint, app):
    """A borrower's complaints: one past its decision deadline, one extended past its first 15 days (on time), one
    whose confirmation is late, one acknowledged on time."""
    def factory(borrower):
        late = make_complaint(borrower, now=_received(20))
        extended = make_complaint(borrower, now=_received(20))
        unconfirmed = make_complaint(borrower, now=_received(12))
        on_time = make_complaint(borrower, now=_received(2))
        found = {name: session.get(Complaint, c.id) for name, c in
                 (("late", late), ("extended", extended), ("unconfirmed", unconfirmed), ("on_time", on_time))}
        for name in ("late", "extended", "on_time"):
            found[name].state = rules.INVESTIGATING if name != "on_time" else rules.ACKNOWLEDGED
        ext = found["extended"]
        ext.extension_level = 1
        ext.decide_due = rules.decide_by(rules.local_date(ext.received_at, lender_tz()), 1)
        session.commit()
        return found

    return factory


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_a_passed_decision_deadline_is_said_plainly_with_what_to_do_next(
        client, login, create_borrower, complaints_of, locale):
    words = SCRIPTS[locale]
    me = create_borrower(locale=locale)
    mine = complaints_of(me)
    login(client, me)
    html = client.get(f"/complaints/{mine['late'].reference}").get_data(as_text=True)
    page = _text(html)
    assert words["late_label"] in page and _day(mine["late"].decide_due, locale) in page
    assert words["late"] in page
    assert words["ask_us"] in page and 'href="tel:4000000000"' in html  # the institution first
    assert words["outside"] in page and 'href="tel:12378"' in html  # then 12378, as design §6 says
    assert words["law"] in page  # the source of the deadline
    for other in ("12363", "12315"):  # no other hotline offered for a late decision
        assert other not in page

    for name in ("extended", "on_time"):  # an extended deadline still ahead is not passed
        page = _text(client.get(f"/complaints/{mine[name].reference}").get_data(as_text=True))
        assert words["late"] not in page and words["late_label"] not in page
        assert words["due"] in page and _day(mine[name].decide_due, locale) in page


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_a_late_confirmation_is_owned_up_to(client, login, create_borrower, complaints_of, locale):
    words = SCRIPTS[locale]
    me = create_borrower(locale=locale)
    unconfirmed = complaints_of(me)["unconfirmed"]
    login(client, me)
    page = _text(client.get(f"/complaints/{unconfirmed.reference}").get_data(as_text=True))
    assert words["ack_late"].format(day=_day(unconfirmed.acknowledge_due, locale)) in page
    assert words["late"] not in page  # the decision deadline is still ahead
    assert words["due"] in page and _day(unconfirmed.decide_due, locale) in page


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_the_list_says_what_is_due_by_when_and_which_deadline_passed(
        client, login, create_borrower, make_complaint, complaints_of, locale):
    words = SCRIPTS[locale]
    me = create_borrower(locale=locale)
    mine = complaints_of(me)
    new = make_complaint(me)  # just received: we confirm it next
    login(client, me)
    page = _text(client.get("/complaints").get_data(as_text=True))

    def line(reference):
        return page[page.index(reference):][:80]

    assert words["list_late"].format(day=_day(mine["late"].decide_due, locale)) in line(mine["late"].reference)
    assert (words["list_ack_late"].format(day=_day(mine["unconfirmed"].acknowledge_due, locale))
            in line(mine["unconfirmed"].reference))
    for name in ("extended", "on_time"):
        assert words["list_due"].format(day=_day(mine[name].decide_due, locale)) in line(mine[name].reference)
    assert words["list_ack"].format(day=_day(new.acknowledge_due, locale)) in line(new.reference)
    assert not re.search(r"日 前(?!确认|確認|）)", page)  # no bare "… 前" without saying what is due


def test_the_borrower_is_told_late_exactly_when_staff_see_overdue(app, client, login, create_borrower,
                                                                  create_staff, complaints_of):
    me = create_borrower()
    mine = complaints_of(me)
    login(client, me)
    staff = app.test_client()
    login(staff, create_staff(role="supervisor"))
    queue = staff.get("/staff/complaints").get_data(as_text=True)
    for complaint in mine.values():
        row = queue[queue.index(complaint.reference):]
        row = row[:row.index("</tr>")]
        overdue_for_staff = SCRIPTS["zh_Hans"]["staff_overdue"] in row
        html = client.get(f"/complaints/{complaint.reference}").get_data(as_text=True)
        assert ('id="deadline-passed"' in html) == overdue_for_staff, complaint.reference
        assert ("这个期限已经过了" in _text(html)) == (complaint is mine["late"])
    assert [c for c in mine.values() if rules.late(c.state, c.acknowledge_due, c.decide_due, local_today())] == [
        mine["late"], mine["unconfirmed"]]


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_evidence_check_codes_are_explained_without_fingerprint_jargon(
        client, login, create_borrower, make_complaint, session, locale):
    words = SCRIPTS[locale]
    me = create_borrower(locale=locale)
    complaint = make_complaint(me, files=[(png(), "photo.png")])
    complaint = session.get(Complaint, complaint.id)
    complaint.state, complaint.outcome_category = rules.NOT_UPHELD, "not_upheld_no_evidence"
    complaint.outcome_explanation, complaint.response = "未能核实。", rules.NOT_SATISFIED
    session.commit()
    login(client, me)
    page = _text(client.get(f"/complaints/{complaint.reference}").get_data(as_text=True))
    assert words["fingerprint"] not in page
    assert page.count(words["check_code"]) >= 3  # the file's details, the bundle link, the outside-help note
    assert complaint.evidence[0].sha256 in page


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_the_error_summary_uses_chinese_punctuation(client, login, create_borrower, locale):
    me = create_borrower(locale=locale)
    login(client, me)
    page = _text(client.post("/complaints/new", data={"channel": "phone", "what_happened": "x",
                                                      "preferred_contact": "portal"}).get_data(as_text=True))
    assert SCRIPTS[locale]["summary_error"] in page
    assert not re.search(r"[\u4e00-\u9fff？）][:,] ", page)


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_a_complaint_never_confirmed_past_its_decision_deadline_says_the_decision_is_late(
        client, login, create_borrower, make_complaint, locale):
    words = SCRIPTS[locale]
    me = create_borrower(locale=locale)
    forgotten = make_complaint(me, now=_received(20))  # still "received"
    login(client, me)
    page = _text(client.get(f"/complaints/{forgotten.reference}").get_data(as_text=True))
    assert words["late"] in page and words["outside"] in page
    assert words["list_ack"].format(day=_day(forgotten.acknowledge_due, locale)) not in page  # no promise in the past
    listed = _text(client.get("/complaints").get_data(as_text=True))
    assert words["list_late"].format(day=_day(forgotten.decide_due, locale)) in listed
