"""The complaint an agent writes down by phone is worded for the agent; the borrower's own form keeps "you"."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("locale,staff_hints,borrower_hint", [
    ("zh_Hans", ["按借款人的讲述记录：", "不再联系借款人的家人"], "用您自己的话说："),
    ("zh_Hant", ["按借款人的陳述記錄：", "不再聯絡借款人的家人"], "用您自己的話說：")])
def test_the_phone_complaint_hints_speak_of_the_borrower(client, login, create_staff, create_borrower, create_loan,
                                                        locale, staff_hints, borrower_hint):
    borrower = create_borrower(name="张伟")
    create_loan(borrower)
    client.set_cookie("portal_locale", locale)
    login(client, create_staff(role="agent"))
    page = client.get(f"/staff/borrowers/{borrower.id}/complaints/new").get_data(as_text=True)
    assert all(hint in page for hint in staff_hints)
    assert borrower_hint not in page and "我的家人" not in page
    login(client, borrower)
    own = client.get("/complaints/new").get_data(as_text=True)
    assert borrower_hint in own and staff_hints[0] not in own
