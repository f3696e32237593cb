"""At phone size: a borrower confirms one visit and reschedules another; the visitor check says yes and no."""
from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.visits.conftest import local_today, window, workday

pytest_plugins = ["tests.visits.conftest"]


def _login(page, phone):
    page.goto("/login")
    page.fill("#phone", phone)
    page.fill("#password", PASSWORD)
    page.locator("form.form button[type=submit]").click()


def test_borrower_confirms_one_visit_and_reschedules_another(page, create_borrower, create_loan, make_visit,
                                                             session, axe_check, screenshot):
    borrower = create_borrower(phone="13800138000")
    loan = create_loan(borrower)
    first = make_visit(loan, when=window(workday(4), 10), code="ABC234")
    second = make_visit(loan, when=window(workday(6), 14), code="XYZ789")
    _login(page, "13800138000")
    page.goto("/visits")
    axe_check(page)
    screenshot(page, "visits-list-zh-Hans")
    page.goto(f"/visits/{first.id}")
    assert "刘强" in page.content() and "BJ1024" in page.content()
    axe_check(page)
    page.click("#confirm-visit")
    assert page.locator(".notice-success").count() >= 1
    assert page.locator(".state-confirmed").count() == 1
    page.goto(f"/visits/{second.id}")
    page.locator("#move > summary").click()
    axe_check(page)
    assert page.locator("input[name='resched-slot']").count() == 0  # a day first, then its times
    page.select_option("#resched-day", index=0)
    page.click("#show-day-times")
    assert 1 <= page.locator("input[name='resched-slot']").count() <= 4
    axe_check(page)
    page.locator("input[name='resched-slot']").nth(1).check()
    screenshot(page, "visit-reschedule-zh-Hans")
    page.locator("#move form[method=post] button[type=submit]").click()
    assert page.locator(".state-reschedule_requested").count() == 1
    assert "您已申请把上门核实改到" in page.locator("#visit-headline").inner_text()
    screenshot(page, "visit-after-reschedule-zh-Hans")
    session.expire_all()
    assert first.state == "confirmed" and second.state == "reschedule_requested"


def test_traditional_detail_page(page_hant, create_borrower, create_loan, make_visit, axe_check, screenshot):
    borrower = create_borrower(phone="13900139000", locale="zh_Hant", name="陳美玲")
    visit = make_visit(create_loan(borrower), when=window(workday(5), 9))
    _login(page_hant, "13900139000")
    page_hant.goto(f"/visits/{visit.id}")
    assert page_hant.locator("html").get_attribute("lang") == "zh-Hant"
    assert "《憲法》第39條" in page_hant.content()
    axe_check(page_hant)
    screenshot(page_hant, "visit-detail-zh-Hant")


@pytest.mark.parametrize(("code", "yes"), [("HX4K7P", True), ("HX4K7Q", False)])
def test_visitor_check(page, create_borrower, create_loan, make_visit, axe_check, screenshot, code, yes):
    make_visit(create_loan(create_borrower()), state="confirmed", when=window(local_today(), 14, 3), code="HX4K7P")
    page.goto("/verify-visitor")
    axe_check(page)
    page.fill("#badge", "BJ1024")
    page.fill("#code", code.lower())
    page.locator("form.form button[type=submit]").click()
    result = page.locator("#verify-result")
    assert ("verify-yes" in result.get_attribute("class")) is yes
    axe_check(page)
    screenshot(page, f"verify-{'yes' if yes else 'no'}-zh-Hans")
