"""/staff/agencies: supervisors add, change and end entries (audited); agents get 403; bad input next to the field."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from portal.agencies.models import Agency, AgencyNumber
from portal.audit.models import AuditEvent

NEW = {"code": "AG-BJ07", "kind": "agency", "name": "北京示例咨询有限公司", "name_hant": "", "uscc": "91330100716105852F",
       "numbers": "010 6543 2100\n+86 138 0013 8000", "since": "2026-02-01", "until": ""}


@pytest.fixture
def lead(create_staff):
    return create_staff(role="supervisor", username="lead")


def _actions(session):
    session.expire_all()
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    return [(e.action, json.loads(e.detail).get("code")) for e in events if e.action.startswith("agency.")]


def test_agents_get_403_and_anonymous_the_login(client, login, create_staff, listed):
    urls = [("GET", "/staff/agencies"), ("GET", "/staff/agencies/new"), ("POST", "/staff/agencies/new"),
            ("GET", f"/staff/agencies/{listed['AG-GZ02'].id}"), ("POST", f"/staff/agencies/{listed['AG-GZ02'].id}"),
            ("POST", f"/staff/agencies/{listed['AG-GZ02'].id}/end")]
    for method, url in urls:
        response = client.open(url, method=method, data=NEW)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"], url
    login(client, create_staff(role="agent"))
    for method, url in urls:
        assert client.open(url, method=method, data=NEW).status_code == 403, url


def test_a_supervisor_adds_an_agency_with_normalised_numbers(client, login, lead, session):
    login(client, lead)
    assert client.get("/staff/agencies/new").status_code == 200
    response = client.post("/staff/agencies/new", data=NEW)
    assert response.status_code == 302
    agency = session.scalar(select(Agency).where(Agency.code == "AG-BJ07"))
    assert sorted(n.number for n in agency.numbers) == ["01065432100", "13800138000"]
    assert _actions(session) == [("agency.added", "AG-BJ07")]
    assert "北京示例咨询有限公司" in client.get("/staff/agencies").get_data(as_text=True)
    assert "北京示例咨询有限公司" in client.get("/agencies").get_data(as_text=True)


@pytest.mark.parametrize("field, value, message", [
    ("uscc", "91330100716105852X", "最后一位校验码与前面不符"),
    ("uscc", "9133010071610585", "统一社会信用代码有 18 位"),
    ("numbers", "020 6123 4567\nabc", "无法识别电话号码 abc"),
    ("code", "has space", "最多 32 个"),
    ("since", "2026-02-30", "请输入日期"),
    ("until", "2026-01-01", "结束日期不能早于开始日期"),
])
def test_bad_input_is_answered_next_to_the_field_and_nothing_is_saved(client, login, lead, session, field, value,
                                                                     message):
    login(client, lead)
    response = client.post("/staff/agencies/new", data={**NEW, field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert f'id="{field}-error"' in html
    assert value.split("\n")[-1] in html  # what was typed is kept
    assert session.scalar(select(Agency).where(Agency.code == NEW["code"])) is None


def test_taken_code_uscc_and_second_lender_are_refused(client, login, lead, session, listed):
    login(client, lead)
    html = client.post("/staff/agencies/new", data={**NEW, "code": "AG-GZ02"}).get_data(as_text=True)
    assert "名单上已有机构使用此代码" in html and 'id="code-error"' in html
    html = client.post("/staff/agencies/new", data={**NEW, "uscc": "91440101MA9DEM0029"}).get_data(as_text=True)
    assert "统一社会信用代码" in html and 'id="uscc-error"' in html
    html = client.post("/staff/agencies/new", data={**NEW, "kind": "lender"}).get_data(as_text=True)
    assert "贷款机构本身已在名单上" in html
    assert session.scalar(select(Agency).where(Agency.code == "AG-BJ07")) is None


def test_change_replaces_the_numbers_and_a_stale_form_is_refused(client, login, lead, session, listed):
    login(client, lead)
    agency = listed["AG-GZ02"]
    page = client.get(f"/staff/agencies/{agency.id}").get_data(as_text=True)
    assert "02061234567" in page and 'name="version" type="hidden" value="1"' in page
    data = {"code": "AG-GZ02", "kind": "agency", "name": agency.name, "name_hant": agency.name_hant,
            "uscc": agency.uscc, "numbers": "020 6123 9999", "since": "2026-01-01", "until": "", "version": "1"}
    assert client.post(f"/staff/agencies/{agency.id}", data=data).status_code == 302
    session.expire_all()
    assert [n.number for n in session.get(Agency, agency.id).numbers] == ["02061239999"]
    assert session.scalar(select(AgencyNumber).where(AgencyNumber.number == "02061234567")) is None
    stale = client.post(f"/staff/agencies/{agency.id}", data={**data, "numbers": "020 6123 1111"})
    assert stale.status_code == 200 and "有人修改了此条目" in stale.get_data(as_text=True)
    session.expire_all()
    assert [n.number for n in session.get(Agency, agency.id).numbers] == ["02061239999"]
    assert _actions(session) == [("agency.changed", "AG-GZ02")]


@pytest.mark.parametrize("version", ["²", str(2**63)])
def test_a_version_that_is_no_number_is_read_as_none(client, login, lead, session, listed, version):
    """The hidden version passed ``str.isdigit`` and failed ``int`` ("²"): both forms answered 500. A version
    that is no version is read as none, as an empty one is (the change is not checked against one)."""
    login(client, lead)
    agency = listed["AG-GZ02"]
    data = {"code": "AG-GZ02", "kind": "agency", "name": agency.name, "name_hant": agency.name_hant,
            "uscc": agency.uscc, "numbers": "020 6123 9999", "since": "2026-01-01", "until": "", "version": version}
    assert client.post(f"/staff/agencies/{agency.id}", data=data).status_code == 302
    ended = client.post(f"/staff/agencies/{agency.id}/end", data={"end-until": "2026-03-31", "end-version": version})
    assert ended.status_code == 302
    session.expire_all()
    assert session.get(Agency, agency.id).until == date(2026, 3, 31)


def test_ending_keeps_the_entry_as_past(client, login, lead, session, listed):
    login(client, lead)
    agency = listed["AG-GZ02"]
    response = client.post(f"/staff/agencies/{agency.id}/end", data={"end-until": "2026-03-31", "end-version": "1"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Agency, agency.id).until == date(2026, 3, 31)
    assert _actions(session) == [("agency.ended", "AG-GZ02")]
    bad = client.post(f"/staff/agencies/{agency.id}/end", data={"end-until": "2025-01-01", "end-version": "2"})
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.get_data(as_text=True)


def test_unknown_agency_is_404(client, login, lead):
    login(client, lead)
    assert client.get("/staff/agencies/999").status_code == 404
    assert client.post("/staff/agencies/999/end", data={"end-until": "2026-01-01"}).status_code == 404


def test_the_list_names_each_agency_in_the_readers_script(client, login, lead, listed):
    login(client, lead)
    hans = client.get("/staff/agencies").get_data(as_text=True)
    assert "广州示例信息咨询有限公司" in hans and "示例消费金融有限公司 (贷款机构本身)" in hans
    hant = client.get("/staff/agencies", headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)
    table = hant[hant.index("<tbody>"):hant.index("</tbody>")]
    assert "廣州示例資訊諮詢有限公司" in table and "示例消費金融有限公司 (貸款機構本身)" in table
    assert "广州示例信息咨询有限公司" not in table and "示例消费金融有限公司" not in table
    assert "深圳示例商务服务有限公司" in table  # no Traditional name stored: the one name there is


def test_the_saved_message_names_the_agency_in_the_readers_script(client, login, lead, listed):
    login(client, lead)
    agency = listed["AG-GZ02"]
    response = client.post(f"/staff/agencies/{agency.id}/end", data={"end-until": "2026-06-30",
                                                                      "end-version": str(agency.version)},
                           headers={"Accept-Language": "zh-TW"}, follow_redirects=True)
    assert "廣州示例資訊諮詢有限公司" in response.get_data(as_text=True)
