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
    page.wait_for_load_state()  # the stylesheet decides which of the two is shown: wait for it, then for the layout
    expect(page.locator(".schedule-cards").first).to_be_visible()
    expect(page.locator(".schedule-table").first).to_be_hidden()
    assert "539.21" in page.locator(".loan-summary .big-number").inner_text()
    axe_check(page)
    screenshot(page, f"loans-detail-{lang}")
    page.set_viewport_size({"width": 1024, "height": 800})
    expect(page.locator(".schedule-table").first).to_be_visible()
    expect(page.locator(".schedule-cards").first).to_be_hidden()
    axe_check(page)
