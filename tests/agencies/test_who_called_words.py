"""'Who called me?' for a number that is not ours: the number is never a link to call, the advice names our official
hotline (not 'that number'), the personal-account warning is said once; the hotline reads 400-000-0000 on the list
as everywhere else. Both scripts."""
from __future__ import annotations

import re
from datetime import date

import pytest

from portal.agencies.services import AgencyValues, apply

HEADERS = {"zh_Hans": {"Accept-Language": "zh-CN"}, "zh_Hant": {"Accept-Language": "zh-TW"}}
WORDS = {
    "zh_Hans": {"not_ours": "13512345678 不是我们的号码。", "personal": "转入个人账户",
                "tell_us": "然后拨打我们的官方电话 400-000-0000 告诉我们这次来电", "that_number": "该号码",
                "past": "075566667777 曾由深圳示例商务服务有限公司使用"},
    "zh_Hant": {"not_ours": "13512345678 不是我們的號碼。", "personal": "轉入個人帳戶",
                "tell_us": "然後撥打我們的官方電話 400-000-0000 告訴我們這次來電", "that_number": "該號碼",
                "past": "075566667777 曾由深圳示例商务服务有限公司使用"},  # no Traditional name given
}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _result(html: str) -> str:
    start = html.index('id="who-called-result"')
    return html[start:html.index("</div>", start)]


@pytest.fixture
def with_hotline(session, listed):
    """The lender's published numbers include its hotline, stored as digits (as the demo list has it)."""
    apply(session, listed["LENDER"], AgencyValues("LENDER", "lender", "示例消费金融有限公司", "示例消費金融有限公司",
                                      "91440300MA5DEM0019", ["075588886666", "4000000000"], date(2020, 1, 1), None))
    session.commit()


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_an_unknown_number_is_never_a_link_to_call(client, listed, locale):
    words = WORDS[locale]
    result = _result(client.post("/agencies", data={"number": "135 1234 5678"}, headers=HEADERS[locale])
                     .get_data(as_text=True))
    assert words["not_ours"] in _text(result)
    assert "tel:13512345678" not in result
    assert re.findall(r'href="tel:(\d+)"', result) == ["4000000000", "4000000000", "110"]  # ours and the police


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_the_advice_names_our_hotline_and_warns_once(client, listed, locale):
    words = WORDS[locale]
    result = _text(_result(client.post("/agencies", data={"number": "13512345678"}, headers=HEADERS[locale])
                           .get_data(as_text=True)))
    assert words["tell_us"] in result
    assert words["that_number"] not in result
    assert result.count(words["personal"]) == 1


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_a_past_agencys_number_is_not_a_link_either(client, listed, locale):
    words = WORDS[locale]
    result = _result(client.post("/agencies", data={"number": "0755 6666 7777"}, headers=HEADERS[locale])
                     .get_data(as_text=True))
    assert words["past"] in _text(result)
    assert "tel:075566667777" not in result
    assert _text(result).count(words["personal"]) == 1


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_the_hotline_reads_as_everywhere_else(client, with_hotline, locale):
    html = client.get("/agencies", headers=HEADERS[locale]).get_data(as_text=True)
    page = _text(html)
    assert "4000000000" not in page  # the visible text; the tel: link dials the digits
    assert '<a class="tel nowrap" href="tel:4000000000">400-000-0000</a>' in html
    assert "075588886666、400-000-0000" in page  # and the numbers are listed with the Chinese list mark
    answer = _text(_result(client.post("/agencies", data={"number": "4000000000"}, headers=HEADERS[locale])
                           .get_data(as_text=True)))
    assert "400-000-0000" in answer and "4000000000" not in answer
    source = page[page.index("中国银行业协会" if locale == "zh_Hans" else "中國銀行業協會"):][:60]
    assert "》：" in source and "》:" not in source
