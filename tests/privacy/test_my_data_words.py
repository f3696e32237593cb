"""/settings/my-data says whose messages it lists (this portal's), so it never contradicts the contact log, where
the lender's own reminder SMS are; Chinese punctuation in its counts. Both scripts."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.contacts.models import Contact
from portal.notify.models import Outbox
from portal.orm import utcnow

WORDS = {
    "zh_Hans": {"heading": "本网站发给您的消息", "none": "本网站还没有给您发过消息。", "old": "我们还没有给您发过消息",
                "not_here": "贷款机构及其催收机构就您的贷款打的电话、发的短信、上门和信件，不在这里列出。",
                "log": "查看您的联系记录", "counted": "贷款机构记录了 1 次催收联系",
                "counts": "0 项投诉，0 个证据文件", "loans": "1 笔借款：L-WORDS-1"},
    "zh_Hant": {"heading": "本網站傳給您的訊息", "none": "本網站還沒有傳過訊息給您。", "old": "我們還沒有傳過訊息給您",
                "not_here": "貸款機構及其催收機構就您的貸款打的電話、傳的簡訊、上門和信件，不在這裡列出。",
                "log": "查看您的聯絡記錄", "counted": "貸款機構記錄了 1 次催收聯絡",
                "counts": "0 項投訴，0 個證據檔案", "loans": "1 筆借款：L-WORDS-1"},
}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _messages(html: str) -> str:
    start = html.index('id="messages-title"')
    return html[start:html.index("</section>", start)]


@pytest.fixture
def reminded(session, create_borrower, create_loan):
    """A borrower to whom the lender sent a repayment reminder SMS (a collection contact), and the portal nothing."""
    def factory(locale):
        me = create_borrower(locale=locale)
        loan = create_loan(me, loan_ref="L-WORDS-1")
        session.add(Contact(contact_ref="C-SMS-1", loan_id=loan.id, at=utcnow() - timedelta(days=5), channel="sms",
                            to_number=me.phone, to_party="borrower", from_number="4000000000", agent="",
                            agency_code="", summary="还款提醒短信", source_digest="t"))
        session.commit()
        return me

    return factory


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_the_messages_are_the_portals_and_the_lenders_sms_are_in_the_contact_log(client, login, reminded, locale):
    words = WORDS[locale]
    login(client, reminded(locale))
    html = client.get("/settings/my-data").get_data(as_text=True)
    section = _messages(html)
    assert words["heading"] in section and words["none"] in _text(section)
    assert words["old"] not in _text(html)  # not "we never sent you a message": the lender did, by SMS
    assert words["not_here"] in _text(section)
    assert 'href="/contacts"' in section and words["log"] in section
    assert words["counted"] in _text(html)
    contacts = _text(client.get("/contacts").get_data(as_text=True))
    assert "还款提醒短信" in contacts  # the same borrower's contact log lists the lender's SMS


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_a_message_the_portal_sent_is_listed_under_the_portals_heading(client, login, reminded, session, locale):
    me = reminded(locale)
    session.add(Outbox(recipient=me.phone, channel="sms", kind="plan_decided", params={}, locale=locale,
                       state="sent", sent_at=utcnow(), borrower_id=me.id))
    session.commit()
    login(client, me)
    section = _text(_messages(client.get("/settings/my-data").get_data(as_text=True)))
    assert WORDS[locale]["heading"] in section and WORDS[locale]["none"] not in section
    assert WORDS[locale]["not_here"] in section


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_the_counts_use_chinese_punctuation(client, login, reminded, locale):
    login(client, reminded(locale))
    page = _text(client.get("/settings/my-data").get_data(as_text=True))
    assert WORDS[locale]["counts"] in page and WORDS[locale]["loans"] in page
    assert not re.search(r"[\u4e00-\u9fff][:,] ", page)
