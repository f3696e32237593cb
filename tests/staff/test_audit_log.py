"""The audit log people can read: names and links, filters, keyset pages, CSV export (supervisors, audited)."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.audit.services import record
from portal.complaints import services as complaint_services
from portal.extensions import db


@pytest.fixture
def lead(create_staff):
    return create_staff(role="supervisor", username="lead", display_name="赵主管")


def _event(app, action, obj_type="", obj_id="", *, staff=None, borrower=None, at=None, **detail):
    with app.test_request_context():
        event = record(action, obj_type, obj_id, staff=staff, borrower=borrower, **detail)
        if at is not None:
            event.at = at
        db.session.commit()
        return event.id


def _complaint(app, borrower):
    with app.test_request_context():
        complaint, _secret = complaint_services.file_complaint(complaint_services.Filing(
            categories=["insults"], channel="phone", what_happened="骂人", preferred_contact="portal"),
            borrower=borrower)
        db.session.commit()
        return complaint.reference


@pytest.mark.parametrize("who", ["anonymous", "borrower", "agent", "disabled"])
@pytest.mark.parametrize("url", ["/staff/audit", "/staff/audit/export.csv"])
def test_only_supervisors_read_or_export_the_log(client, session, log_in_as, who, url):
    log_in_as(who)
    response = client.get(url)
    response.close()
    if who == "agent":
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "audit.exported")) is None


def test_rows_read_as_sentences_with_names_and_links(app, client, login, lead, create_staff, create_borrower,
                                                     create_loan):
    agent = create_staff(role="agent", display_name="钱专员")
    borrower = create_borrower(name="欧阳娜娜")
    loan = create_loan(borrower, loan_ref="L2026000777")
    ref = _complaint(app, borrower)
    _event(app, "complaint.viewed", "complaint", ref, staff=agent)
    _event(app, "complaint.state_changed", "complaint", ref, staff=agent, state="investigating")
    _event(app, "loan.viewed_for_visit", "loan", loan.loan_ref, staff=agent)
    _event(app, "staff.role_changed", "staff", agent.id, staff=lead, previous_role="agent", role="supervisor")
    login(client, lead)
    page = client.get("/staff/audit").get_data(as_text=True).split("<tbody>")[1]
    assert "查看了投诉" in page and "complaint.viewed" not in page
    assert f'href="/staff/complaints/{ref}"' in page and "钱专员" in page
    assert "借款人 欧***" in page and "欧阳娜娜" not in page  # the borrower who filed, masked
    assert "借款 L2026000777" in page
    assert "状态: 调查中" in page
    assert "原角色: 客服专员" in page and "角色: 主管" in page
    assert "{" not in page.split("</tbody>")[0]  # no raw JSON
    hant = client.get("/staff/audit", headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)
    assert "查看了投訴" in hant


def test_filters_narrow_the_log(app, client, login, lead, create_staff, create_borrower, create_loan):
    agent = create_staff(role="agent", display_name="钱专员")
    mine, other = create_borrower(phone="13800138000"), create_borrower()
    ref_mine, ref_other = _complaint(app, mine), _complaint(app, other)
    _event(app, "complaint.viewed", "complaint", ref_mine, staff=agent)
    _event(app, "complaint.viewed", "complaint", ref_other, staff=lead)
    old = datetime(2026, 1, 10, 4, tzinfo=timezone.utc)
    _event(app, "plan.viewed", "plan", "1", staff=agent, at=old)
    login(client, lead)

    def shown(**args):
        page = client.get("/staff/audit", query_string=args).get_data(as_text=True)
        return page.split("<tbody>")[1] if "<tbody>" in page else ""

    assert ref_mine in shown(staff=agent.id) and ref_other not in shown(staff=agent.id)
    assert "查看了还款方案" in shown(action="plan.viewed") and ref_mine not in shown(action="plan.viewed")
    assert ref_other in shown(object=ref_other.lower()) and ref_mine not in shown(object=ref_other)
    by_phone = shown(borrower="138 0013 8000")
    assert ref_mine in by_phone and ref_other not in by_phone and "提交了投诉" in by_phone
    assert shown(borrower="13900000000") == ""  # an unknown borrower matches nothing, not everything
    dated = shown(since="2026-01-10", until="2026-01-10")
    assert "查看了还款方案" in dated and ref_mine not in dated


@pytest.mark.parametrize("args", [{"since": "2026-02-30"}, {"since": "2026-03-02", "until": "2026-03-01"},
                                  {"borrower": "not a phone"}, {"staff": "999"}, {"action": "x" * 10000},
                                  {"object": "'; DROP TABLE audit_events; --"}, {"object": "😀" * 3000},
                                  {"since": "0001-01-01"}, {"until": "9999-12-31"}])
def test_bad_filters_are_answered_and_list_nothing(app, client, login, lead, args):
    _event(app, "staff.login", "staff", lead.id, staff=lead)
    login(client, lead)
    response = client.get("/staff/audit", query_string=args)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<tbody>" not in body
    if not args.get("object", "").startswith("'"):
        assert "error-summary" in body


@pytest.mark.parametrize(("field", "typed"), [("since", "0001-01-01"), ("until", "9999-12-31")])
def test_a_date_at_the_end_of_the_calendar_is_answered_next_to_its_field(app, client, login, lead, field, typed):
    """The filter counts from the start of the first day to the start of the day after the last, in UTC: year 1
    east of Greenwich and the day after 31 December 9999 do not exist (the page answered 500)."""
    login(client, lead)
    response = client.get("/staff/audit", query_string={field: typed})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert re.search(rf'name="{field}"[^>]*value="{typed}"', body)
    assert "请输入 1900 年至 2099 年之间的日期。" in body


def test_keyset_pages(app, client, login, lead):
    with app.test_request_context():
        for i in range(120):
            record("complaint.viewed", "complaint", f"TS-2026-{i:04d}", staff=lead)
        db.session.commit()
    login(client, lead)
    first = client.get("/staff/audit", query_string={"action": "complaint.viewed"}).get_data(as_text=True)
    assert "TS-2026-0119" in first and "TS-2026-0069" not in first and "TS-2026-0070" in first
    link = first.split('href="/staff/audit?before=')[1].split('"')[0].replace("&amp;", "&")
    second = client.get("/staff/audit?before=" + link).get_data(as_text=True)
    assert "TS-2026-0069" in second and "TS-2026-0070" not in second and "TS-2026-0020" in second
    assert "action=complaint.viewed" in link  # the filter follows the pages


def test_csv_export_is_readable_filtered_and_audited(app, client, login, lead, session):
    _event(app, "complaint.viewed", "complaint", "TS-2026-0001", staff=lead)
    _event(app, "plan.declined", "plan", "=1+1", staff=lead, reason="outside_policy")
    login(client, lead)
    response = client.get("/staff/audit/export.csv", query_string={"action": "plan.declined"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    response.close()  # the server closes the spooled file after sending it
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:4] == ["id", "time", "actor", "action"]
    assert len(rows) == 2 and rows[1][2] == "赵主管" and rows[1][3] == "拒绝了还款方案"
    assert rows[1][5] == "'=1+1"  # a cell a spreadsheet would run as a formula is quoted
    assert rows[1][8].startswith("原因: ")
    exported = session.scalar(select(AuditEvent).where(AuditEvent.action == "audit.exported"))
    assert exported is not None and "plan.declined" in exported.detail and exported.staff_id == lead.id


def test_the_date_filter_uses_the_lenders_day(app, client, login, lead):
    # 2026-01-10 23:30 in Beijing is 15:30 UTC the same day; 2026-01-11 00:30 Beijing is 16:30 UTC on the 10th.
    _event(app, "plan.viewed", "plan", "1", staff=lead, at=datetime(2026, 1, 10, 15, 30, tzinfo=timezone.utc))
    _event(app, "plan.viewed", "plan", "2", staff=lead, at=datetime(2026, 1, 10, 16, 30, tzinfo=timezone.utc))
    login(client, lead)
    page = client.get("/staff/audit", query_string={"since": "2026-01-11", "until": "2026-01-11",
                                                    "action": "plan.viewed"}).get_data(as_text=True)
    body = page.split("<tbody>")[1]
    assert body.count("<tr>") == 1


@pytest.mark.parametrize("accept,borrower_label,staff_label", [
    ("zh-CN", "修改了借款人账户的密码", "修改了员工账户的密码"),
    ("zh-TW", "修改了借款人帳戶的密碼", "修改了員工帳戶的密碼")])
def test_the_action_filter_tells_the_two_password_changes_apart(client, login, lead, accept, borrower_label,
                                                               staff_label):
    login(client, lead)
    page = client.get("/staff/audit", headers={"Accept-Language": accept}).get_data(as_text=True)
    select = page[page.index('<select class="input" id="action"'):]
    select = select[:select.index("</select>")]
    assert f'<option value="borrower.password_changed">{borrower_label}</option>' in select
    assert f'<option value="staff.password_changed">{staff_label}</option>' in select


@pytest.mark.parametrize("accept,expected", [
    ("zh-CN", ["状态: 全部未结案", "状态: 全部", "状态: 调查中", "状态: 等待审核", "状态: 全部消息", "负责人: 钱专员",
               "类型: 已收到第三方举报", ">全部报表<", ">不符合规则的联系报表<",
               "操作: 批准了还款方案", "员工: 钱专员"]),
    ("zh-TW", ["狀態: 全部未結案", "狀態: 全部", "狀態: 調查中", "狀態: 等待審核", "狀態: 全部訊息", "負責人: 钱专员",
               "類型: 已收到第三方檢舉", ">全部報表<", ">不符合規則的聯絡報表<",
               "操作: 核准了還款方案", "員工: 钱专员"])])
def test_details_and_objects_read_as_words_not_codes(app, client, login, lead, create_staff, create_borrower, accept,
                                                    expected):
    agent = create_staff(role="agent", username="qian", display_name="钱专员")
    ref = _complaint(app, create_borrower())
    for status in ("open", "all", "investigating"):
        _event(app, "complaint.queue_viewed", "complaint", "", staff=agent, status=status)
    _event(app, "plan.queue_viewed", "plan", "", staff=agent, status="waiting")
    _event(app, "messages.viewed", "outbox", "", staff=lead, state="all")
    _event(app, "message.retried", "outbox", "7", staff=lead, kind="report_received")
    _event(app, "complaint.assigned", "complaint", ref, staff=lead, to="qian")
    _event(app, "report.viewed", "report", "all", staff=lead, since="2026-09-15", until="2026-12-07")
    _event(app, "report.exported", "report", "breaches", staff=lead, since="2026-09-15", until="2026-12-07")
    _event(app, "audit.viewed", "audit", "", staff=lead, filters={"action": "plan.approved", "staff": str(agent.id)})
    login(client, lead)
    page = client.get("/staff/audit", headers={"Accept-Language": accept}).get_data(as_text=True)
    table = page[page.index("<tbody>"):page.index("</tbody>")]
    missing = [text for text in expected if text not in table]
    assert not missing, missing
    for code in (": open", ": all<", ": waiting", ": qian", ": report_received", ">all<", ">breaches<",
                 "plan.approved"):
        assert code not in table, code
