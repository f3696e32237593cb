"""Repayment plan journey at phone size: propose -> staff counter-offer -> borrower accepts -> loan page."""
from __future__ import annotations

from datetime import date, timedelta

import pyotp

from tests.conftest import PASSWORD

SECRET = "PLANSUPERVISORSECRETAAAAAAAAAAAA"


def test_propose_counter_accept(page, page_hant, create_borrower, create_loan, create_staff, axe_check, screenshot):
    borrower = create_borrower(name="张伟", phone="13800138000")
    loan = create_loan(borrower, principal="1200.00", months=3, start=date.today() - timedelta(days=75),
                       interest="10.00")
    create_staff(role="supervisor", username="boss", display_name="赵主管", otp_secret=SECRET)

    # The borrower proposes 6 monthly instalments (Simplified Chinese).
    page.goto("/login")
    page.fill("#phone", "13800138000")
    page.fill("#password", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.goto(f"/plans/new?loan={loan.loan_ref}")
    assert "第 1 步，共 3 步" in page.locator(".plan-progress").inner_text()
    axe_check(page)
    screenshot(page, "plans-step1-zh-Hans")
    page.locator("form.form button[type=submit]").click()  # nothing chosen: errors, next to the field
    assert page.locator("#kind-error").is_visible()
    page.check("input[value=instalments]")
    page.fill("#months", "6")
    page.locator("form.form button[type=submit]").click()
    assert "第 2 步，共 3 步" in page.locator(".plan-progress").inner_text()
    page.fill("#income", "3000")
    page.fill("#housing", "1500")
    page.fill("#food", "１２００")  # full-width digits, as typed on a phone
    page.check("input[value=job_loss]")
    axe_check(page)
    screenshot(page, "plans-step2-zh-Hans")
    page.locator("form.form button.button:not(.button-secondary)").click()
    assert "第 3 步，共 3 步" in page.locator(".plan-progress").inner_text()
    assert page.locator("#limitation-warning").is_visible()
    assert page.locator(".plan-line").count() == 6
    axe_check(page)
    screenshot(page, "plans-step3-zh-Hans")
    page.locator("form[action*='/plans/new/send'] button").click()
    assert "/plans/" in page.url and "审核" in page.locator(".plan-status").inner_text()
    page.goto(f"/loans/{loan.loan_ref}")
    assert "还款方案：已提交，等待审核" in page.content()

    # A supervisor counter-offers 12 months (Traditional Chinese console).
    staff = page_hant
    staff.goto("/staff/login")
    staff.fill("#username", "boss")
    staff.fill("#password", PASSWORD)
    staff.fill("#otp", pyotp.TOTP(SECRET).now())
    staff.locator("form.form button[type=submit]").click()
    staff.goto("/staff/plans")
    axe_check(staff)
    screenshot(staff, "plans-staff-queue-zh-Hant")
    staff.locator("table a").first.click()
    # The decision forms are on the page at once: no separate "start the review" step.
    staff.check("#counter-kind-0")  # instalments
    staff.fill("form[action$='/counter'] #counter-months", "12")
    staff.fill("form[action$='/counter'] #counter-note", "建議分 12 期，每期金額較低。")
    staff.locator("form[action$='/counter'] button[value='0']").click()
    assert staff.locator("#counter-preview .plan-line").count() == 12
    axe_check(staff)
    screenshot(staff, "plans-staff-counter-zh-Hant")
    staff.locator("form[action$='/counter'] button[value='1']").click()
    assert "已提出其他條件，等待借款人答覆" in staff.locator("main").inner_text()

    # The borrower accepts; the loan page shows the new schedule instead of the contract's.
    page.goto("/plans")
    page.locator(".plan-cards a").first.click()
    assert "建議分 12 期" in page.locator("main").inner_text()
    axe_check(page)
    screenshot(page, "plans-counter-offer-zh-Hans")
    page.locator("form[action$='/accept'] button").click()
    page.goto(f"/loans/{loan.loan_ref}")
    assert page.locator(".plan-panel .plan-line").count() == 12
    axe_check(page)
    screenshot(page, "plans-loan-page-zh-Hans")
