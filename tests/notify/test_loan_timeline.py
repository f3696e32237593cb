"""Item 8: the loan page's "What happens next" promises only what the portal does."""
from __future__ import annotations

import html
from datetime import date

import pytest

import portal.loans.routes as loan_routes

TODAY = date(2026, 4, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(loan_routes, "local_today", lambda: TODAY)


def _next_section(client, url, locale):
    client.set_cookie("portal_locale", locale)
    page = html.unescape(client.get(url).get_data(as_text=True))
    section = page[page.index('id="next-title"'):]
    return section[:section.index("</section>")]


@pytest.mark.parametrize(("locale", "must_tell", "we_tell"), [
    ("zh_Hans", "必须事先告知您", "我们会先告知您"), ("zh_Hant", "必須事先告知您", "我們會先告知您")])
def test_credit_notice_is_the_lenders_duty_not_a_portal_message(client, login, create_borrower, create_loan,
                                                               locale, must_tell, we_tell):
    borrower = create_borrower()
    loan = create_loan(borrower, start=date(2026, 1, 15))
    login(client, borrower)
    nxt = _next_section(client, f"/loans/{loan.loan_ref}", locale)
    assert must_tell in nxt and we_tell not in nxt
    assert "第十五条" in nxt or "第十五條" in nxt
