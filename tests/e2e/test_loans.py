"""The overdue-status dashboard and one loan at phone size, in both scripts, with axe-core checks."""
from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

import portal.loans.routes as loan_routes
from tests.conftest import PASSWORD


@pytest.mark.parametrize(("fixture", "lang"), [("page", "zh-Hans"), ("page_hant", "zh-Hant")])
def test_dashboard_and_loan_on_a_phone(request, monkeypatch, create_borrower, create_loan, axe_check, screenshot,
                                       fixture, lang):
    monkeypatch.setattr(loan_routes, "local_today", lambda: date(2026, 4, 25))
    page = request.getfixturevalue(fixture)
    borrower = create_borrower(name="陳美玲", phone="13900139000",
                               locale="zh_Hant" if lang == "zh-Hant" else "zh_Hans")
    create_loan(borrower, loan_ref="L2026HAND01", start=date(2026, 1, 15),
                payments=[(date(2026, 2, 20), "200.00"), (date(2026, 3, 20), "500.00")])
    create_loan(borrower, loan_ref="L2026LATER1", start=date(2026, 4, 1), principal="3000.00", months=6)
    page.goto("/login?next=/loans")
    page.fill("#phone", "13900139000")
    page.fill("#password", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    assert page.url.endswith("/loans")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator(".loan-card").count() == 2
    assert "539.21" in page.locator(".loan-card").first.inner_text()
    axe_check(page)
    screenshot(page, f"loans-dashboard-{lang}")
    page.locator(".loan-card a.button").first.click()
    assert page.url.endswith("/loans/L2026HAND01")
    page.wait_for_load_state()  # the stylesheet lays the schedule out: wait for it, then for the layout
    # one schedule table; on a phone each instalment is a card: rows stacked, every cell naming its column, the
    # header row out of sight but still there for screen readers
    row = page.locator(".schedule tbody tr").first
    expect(row).to_be_visible()
    expect(row).to_have_css("display", "block")
    expect(page.locator(".schedule thead").first).to_have_css("position", "absolute")
    cell = row.locator("td").first
    shown = cell.evaluate("td => getComputedStyle(td, '::before').content")  # '"到期日" / ""': spoken as nothing
    assert shown.startswith(f'"{cell.get_attribute("data-label")}"'), shown
    assert row.bounding_box()["width"] <= 360
    assert "539.21" in page.locator(".loan-summary .big-number").inner_text()
    axe_check(page)
    screenshot(page, f"loans-detail-{lang}")
    page.set_viewport_size({"width": 1024, "height": 800})
    expect(row).to_have_css("display", "table-row")  # a wide screen: the same table, as a table
    expect(page.locator(".schedule thead").first).to_have_css("position", "static")
    axe_check(page)
