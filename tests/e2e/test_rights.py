"""Rights pages in the browser at phone size, in both scripts: no axe violations, search works without JS."""
from __future__ import annotations


def test_rights_pages_at_phone_size_in_simplified(page, axe_check, screenshot):
    page.goto("/rights")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    axe_check(page)
    page.get_by_label("在这些页面里找").fill("上門")
    page.get_by_role("button", name="搜索").click()
    assert page.locator("mark", has_text="上门").count() > 0
    axe_check(page)
    screenshot(page, "rights-search-zh_Hans")
    page.goto("/rights/repayment-plans#limitation-period")
    assert page.locator("h2#limitation-period").is_visible()
    axe_check(page)
    screenshot(page, "rights-page-zh_Hans")


def test_rights_pages_at_phone_size_in_traditional(page_hant, axe_check, screenshot):
    page = page_hant
    page.goto("/rights/home-visits")
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    assert page.locator("h1").inner_text() == "上門核實：您要知道的事"
    axe_check(page)
    screenshot(page, "rights-page-zh_Hant")
    page.goto("/rights?q=征信")
    assert page.locator("mark", has_text="徵信").count() > 0
    axe_check(page)
    screenshot(page, "rights-search-zh_Hant")
