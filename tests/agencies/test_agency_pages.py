"""/agencies (public): the published list, "who called me?" with its answers, errors and rate limit; the landing
form."""
from __future__ import annotations

import re

import pytest


def test_the_list_shows_each_organisation_with_code_numbers_and_dates(client, listed):
    html = client.get("/agencies").get_data(as_text=True)
    assert "广州示例信息咨询有限公司" in html and "91440101MA9DEM0029" in html
    assert 'href="tel:02061234567"' in html
    assert "深圳示例商务服务有限公司" in html and "过去的机构：已不再为我们催收" in html
    assert "2025年12月31日" in html  # a past agency's last day
    assert "中国银行业协会" in html  # the source of the duty to publish the list


def test_traditional_readers_see_the_traditional_name(client, listed):
    html = client.get("/agencies", headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)
    assert "廣州示例資訊諮詢有限公司" in html
    assert "深圳示例商务服务有限公司" in html  # no Traditional name given: the registered one


@pytest.mark.parametrize("typed", ["020-6123 4567", "+86 20 6123 4567", "（020）61234567", "０２０６１２３４５６７"])
def test_an_agency_number_in_any_format_is_named(client, listed, typed):
    html = client.post("/agencies", data={"number": typed}).get_data(as_text=True)
    assert "是我们的号码" in html
    assert re.search(r"02061234567.{0,40}</a>由广州示例信息咨询有限公司使用，代示例消费金融有限公司催收", html)


def test_the_lenders_own_number(client, listed):
    html = client.post("/agencies", data={"number": "0755 8888 6666"}).get_data(as_text=True)
    assert "由示例消费金融有限公司本身使用" in html


def test_an_unknown_number_gets_the_scam_guidance(client, listed):
    html = client.post("/agencies", data={"number": "13912345678"}).get_data(as_text=True)
    assert "不是我们的号码。" in html and "任何人要求您把钱转入个人账户，都不要付" in html  # said once: the guidance
    assert 'href="tel:110"' in html and 'href="tel:4000000000"' in html
    assert "96110" not in html  # only hotlines design §6 names


def test_a_past_agencys_number_says_until_when(client, listed):
    html = client.post("/agencies", data={"number": "075566667777"}).get_data(as_text=True)
    assert "不是我们的号码" in html and "2025年12月31日" in html and "深圳示例商务服务有限公司" in html


def test_not_a_number_is_answered_next_to_the_field_keeping_the_input(client, listed):
    response = client.post("/agencies", data={"number": "12ab"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="number-error"' in html and 'value="12ab"' in html and 'aria-invalid="true"' in html
    assert "who-called-result" not in html


def test_empty_number_is_required(client):
    html = client.post("/agencies", data={"number": " "}).get_data(as_text=True)
    assert 'id="number-error"' in html


def test_checks_are_rate_limited(client, listed, app):
    limit = app.config["WHO_CALLED_LIMIT"]
    app.config["WHO_CALLED_LIMIT"] = "2 per minute"
    try:
        codes = [client.post("/agencies", data={"number": "13912345678"}).status_code for _ in range(3)]
        html = client.post("/agencies", data={"number": "13912345678"}).get_data(as_text=True)
    finally:
        app.config["WHO_CALLED_LIMIT"] = limit
    assert codes == [200, 200, 429]
    assert "请等一分钟再查" in html and 'href="tel:110"' in html


def test_landing_page_has_the_form_and_it_works_with_csrf(client, listed, csrf_on):
    landing = client.get("/").get_data(as_text=True)
    form = re.search(r'<form method="post" class="form who-called-form".*?</form>', landing, re.S).group(0)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert 'action="/agencies#who-called"' in form
    html = client.post("/agencies", data={"number": "02061234567", "csrf_token": token}).get_data(as_text=True)
    assert "由广州示例信息咨询有限公司使用" in html


def test_empty_list_says_to_call_the_hotline(client):
    html = client.get("/agencies").get_data(as_text=True)
    assert "名单尚未公布" in html
