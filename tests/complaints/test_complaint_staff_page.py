"""The staff complaint page as a reviewer met it: the assign choice shows who has the complaint, the home's count
opens the list it counts, a failed form is shown where it was sent from with its error next to the field, and the
facts read plainly when little is known."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.complaints.models import Complaint

LOCALES = pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _reload(session, complaint) -> Complaint:
    session.expire_all()
    return session.get(Complaint, complaint.id)


def _version(session, complaint) -> str:
    return str(_reload(session, complaint).version)


def _card(page: str, heading_id: str) -> str:
    """The action card (a <section>) whose heading has this id."""
    start = page.index(f'id="{heading_id}"')
    return page[start:page.index("</section>", start)]


def _fact(page: str, label: str) -> str:
    return re.search(rf"<dt>\s*{label}</dt><dd>(.*?)</dd>", page, re.S).group(1).strip()


@LOCALES
def test_the_assign_choice_shows_the_current_assignee_and_sending_it_unchanged_changes_nothing(
        locale, client, login, create_staff, make_complaint, session):
    supervisor = create_staff(role="supervisor", display_name="王主管")
    li = create_staff(display_name="李客服")
    complaint = make_complaint()
    _reload(session, complaint).assignee_id = li.id
    session.commit()
    client.set_cookie("portal_locale", locale)
    login(client, supervisor)
    url = f"/staff/complaints/{complaint.reference}"
    select_html = re.search(r'<select[^>]*id="assign-assignee".*?</select>', _text(client.get(url)), re.S).group(0)
    assert re.findall(r"<option selected[^>]*>([^<]*)</option>", select_html) == ["李客服"]

    # "Assign" pressed without touching the choice: the browser sends the selected assignee.
    audited = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()))
    response = client.post(url, data={"action": "assign", "assign-version": _version(session, complaint),
                                      "assign-assignee": str(li.id)}, follow_redirects=True)
    page = _text(response)
    assert _reload(session, complaint).assignee_id == li.id
    assert {"zh_Hans": "没有任何变更：这件投诉仍由李客服负责。",
            "zh_Hant": "沒有任何變更：這件投訴仍由李客服負責。"}[locale] in page
    assert "取消分配" not in page
    session.expire_all()
    assert "complaint.assigned" not in session.scalars(select(AuditEvent.action).where(AuditEvent.id > audited)).all()

    # Choosing "nobody" on purpose still unassigns it.
    page = _text(client.post(url, data={"action": "assign", "assign-version": _version(session, complaint),
                                        "assign-assignee": ""}, follow_redirects=True))
    assert _reload(session, complaint).assignee_id is None
    assert {"zh_Hans": "投诉已取消分配", "zh_Hant": "投訴已取消分配"}[locale] in page
    select_html = re.search(r'<select[^>]*id="assign-assignee".*?</select>', page, re.S).group(0)
    assert re.findall(r"<option selected[^>]*>([^<]*)</option>", select_html) == [
        {"zh_Hans": "无人", "zh_Hant": "無人"}[locale]]


def test_an_assignee_who_left_is_still_shown_and_kept(client, login, create_staff, make_complaint, session):
    left = create_staff(display_name="已离职的赵")
    complaint = make_complaint()
    _reload(session, complaint).assignee_id = left.id
    left.active = False
    session.commit()
    login(client, create_staff(role="supervisor"))
    url = f"/staff/complaints/{complaint.reference}"
    select_html = re.search(r'<select[^>]*id="assign-assignee".*?</select>', _text(client.get(url)), re.S).group(0)
    assert re.findall(r"<option selected[^>]*>([^<]*)</option>", select_html) == ["已离职的赵"]
    client.post(url, data={"action": "assign", "assign-version": _version(session, complaint),
                           "assign-assignee": str(left.id)})
    assert _reload(session, complaint).assignee_id == left.id


@LOCALES
def test_the_homes_complaint_count_links_to_the_list_it_counts(locale, app, client, login, create_staff,
                                                               create_borrower, make_complaint, session):
    me, colleague = create_staff(), create_staff()
    me_id, colleague_id = me.id, colleague.id
    mine, nobodys, theirs = make_complaint(), make_complaint(), make_complaint()
    _reload(session, mine).assignee_id = me_id
    _reload(session, theirs).assignee_id = colleague_id
    borrower = create_borrower()
    closed_waiting, closed_done = make_complaint(borrower), make_complaint(create_borrower())
    for c in (closed_waiting, closed_done):
        stored = _reload(session, c)
        stored.state, stored.outcome_category, stored.outcome_explanation = "not_upheld", "other", "未发现问题"
        stored.decided_at = stored.received_at
    session.commit()
    expected = {mine.reference, nobodys.reference, closed_waiting.reference}
    waiting_ref = closed_waiting.reference
    client.set_cookie("portal_locale", locale)
    login(client, me)
    borrower_client = app.test_client()
    login(borrower_client, borrower)
    borrower_client.post(f"/complaints/{waiting_ref}",
                         data={"action": "follow_up", "body": "我不同意，请重新核实"})

    home = _text(client.get("/staff/"))
    heading = re.search(r'<h2 id="queue-\d+"><a href="([^"]+)">(投诉|投訴)</a> <span class="count">(\d+)</span>',
                        home)
    assert heading.group(3) == "3"
    queue = _text(client.get(heading.group(1)))
    listed = set(re.findall(r"TS-\d{8}-\d{4,}", queue))
    assert listed == expected
    # The filters show what they are set to.
    assert re.search(r'<option value="work" selected>', queue) and re.search(r'<option value="mine" selected>', queue)


@pytest.mark.parametrize(("action", "data", "card"), [
    ("note", {"note-body": "  "}, "h-note"),
    ("reply", {"reply-body": ""}, "h-reply"),
    ("extend", {"extend-reason": ""}, "h-extend"),
])
def test_a_failed_form_is_shown_again_where_it_was_sent_from(action, data, card, client, login, create_staff,
                                                             make_complaint, session):
    complaint = make_complaint()
    login(client, create_staff())
    url = f"/staff/complaints/{complaint.reference}"
    response = client.post(url, data={"action": action, f"{action}-version": _version(session, complaint), **data})
    page = _text(response)
    assert response.status_code == 200
    # The form is sent to its own card, so the page shown again opens on the card with the error in it.
    form = re.search(rf'<form method="post" action="([^"]*)"[^>]*>(?:(?!</form>).)*name="action" value="{action}"',
                     page, re.S)
    assert form.group(1) == f"{url}#{card}"
    assert "error-summary" in _card(page, card) and "请填写此项" in _card(page, card)
    assert page.count("error-summary") == 1


def test_a_form_that_succeeds_lands_on_the_message_at_the_top(client, login, create_staff, make_complaint):
    complaint = make_complaint()
    login(client, create_staff())
    url = f"/staff/complaints/{complaint.reference}"
    response = client.post(url, data={"action": "note", "note-body": "内部：调取通话录音"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{url}#main")


@LOCALES
def test_closing_without_an_outcome_marks_the_outcome_field_and_keeps_the_explanation(
        locale, client, login, create_staff, make_complaint, session):
    complaint = make_complaint()
    client.set_cookie("portal_locale", locale)
    login(client, create_staff())
    url = f"/staff/complaints/{complaint.reference}"
    client.post(url, data={"action": "state", "state-version": _version(session, complaint),
                           "state-state": "acknowledged"})
    page = _text(client.post(url, data={"action": "state", "state-version": _version(session, complaint),
                                        "state-state": "resolved", "state-explanation": "已核实并道歉。"}))
    assert _reload(session, complaint).state == "acknowledged"
    message = {"zh_Hans": "结案前请选择处理结果类别", "zh_Hant": "結案前請選擇處理結果類別"}[locale]
    field = re.search(r'<div class="field field-error">(?:(?!</div>).)*id="state-outcome"(?:(?!</div>).)*</div>',
                      page, re.S).group(0)
    assert 'id="state-outcome-error"' in field and message in field
    select_tag = re.search(r'<select[^>]*id="state-outcome"[^>]*>', field).group(0)
    assert 'aria-invalid="true"' in select_tag and "state-outcome-error" in select_tag
    # The card's summary links to the field; what was typed is kept.
    assert re.search(r'<a href="#state-outcome">[^<]*' + message, _card(page, "h-state"))
    assert "已核实并道歉。</textarea>" in page


@LOCALES
def test_facts_say_plainly_what_is_not_known_and_how_often_the_deadline_was_extended(
        locale, client, login, create_staff, make_complaint, session):
    bare = make_complaint()
    named = make_complaint(collector_name="李某", collector_phone="021-5555 0000")
    client.set_cookie("portal_locale", locale)
    login(client, create_staff())
    page = _text(client.get(f"/staff/complaints/{bare.reference}"))
    collector = "催收人员" if locale == "zh_Hans" else "催收人員"
    assert "—" not in _fact(page, collector)
    assert _fact(page, collector) == {"zh_Hans": "不详：没有提供姓名、员工编号或电话号码",
                                      "zh_Hant": "不詳：沒有提供姓名、員工編號或電話號碼"}[locale]
    extensions = "延期次数" if locale == "zh_Hans" else "延期次數"
    assert _fact(page, extensions) == "尚未延期，最多可延期 2 次"
    assert "第 0 次" not in page and "次))" not in page and "次）)" not in page

    url = f"/staff/complaints/{named.reference}"
    client.post(url, data={"action": "extend", "extend-version": _version(session, named),
                           "extend-reason": "需要外包机构提供录音"})
    page = _text(client.get(url))
    assert _fact(page, collector) == {"zh_Hans": "姓名：李某 · 打电话或发短信用的号码：021-5555 0000",
                                      "zh_Hant": "姓名：李某 · 打電話或傳簡訊用的號碼：021-5555 0000"}[locale]
    assert _fact(page, extensions) == "已延期 1 次，最多 2 次"


@LOCALES
def test_facts_the_complainant_left_empty_say_not_given_in_words(locale, client, login, create_staff,
                                                                 make_complaint):
    """A third party's report with no name of the person it is about and no date: the page says so in words (a bare
    dash reads as a gap in the page), on the complaint page and in the staff home's list."""
    bare = make_complaint()
    client.set_cookie("portal_locale", locale)
    login(client, create_staff())
    page = _text(client.get(f"/staff/complaints/{bare.reference}"))
    when = "时间" if locale == "zh_Hans" else "時間"
    assert _fact(page, "涉及的人") == "未提供"
    assert _fact(page, when) == "未提供"
    home = _text(client.get("/staff/"))
    assert "未提供（第三人" in home and "—（第三人" not in home
