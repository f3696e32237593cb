"""Phone-size journey: a borrower reads what the portal holds about them and asks for a correction (zh_Hant);
an agent answers it; the borrower reads the answer."""
from __future__ import annotations

import pyotp

from tests.conftest import PASSWORD


def test_data_request_journey(page_hant, browser, live_server, create_borrower, create_loan, create_staff,
                              axe_check, screenshot):
    page = page_hant
    borrower = create_borrower(name="陳美玲", phone="13900139111", locale="zh_Hant", address="香港九龍彌敦道 1 號")
    create_loan(borrower, loan_ref="L2026990001")
    secret = pyotp.random_base32()
    agent = create_staff(display_name="客服小李", otp_secret=secret)

    page.goto("/login?next=/settings")
    page.fill("#phone", "13900139111")
    page.fill("#password", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.locator("a[href='/settings/my-data']").click()
    assert page.url.endswith("/settings/my-data")
    assert "香港九龍彌敦道 1 號" in page.content() and "L2026990001" in page.content()
    axe_check(page)
    screenshot(page, "my-data-zh-Hant")

    page.locator("#kind label", has_text="更正").click()
    page.fill("#detail", "地址已改為香港灣仔軒尼詩道 2 號")
    page.locator("form.form button[type=submit]").click()
    assert "軒尼詩道" in page.locator(".request-list").inner_text()
    assert "等待我們答覆" in page.content()
    axe_check(page)

    staff_context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server,
                                        extra_http_headers={"Accept-Language": "zh-CN"})
    staff = staff_context.new_page()
    staff.goto("/staff/login")
    staff.fill("#username", agent.username)
    staff.fill("#password", PASSWORD)
    staff.fill("#otp", pyotp.TOTP(secret).now())
    staff.locator("form.form button[type=submit]").click()
    staff.goto("/staff/requests")
    axe_check(staff)
    staff.locator("table a").first.click()
    assert "軒尼詩道" in staff.content()
    staff.locator("#outcome label", has_text="已按申请办理").click()
    staff.fill("#answer", "已按您提供的新地址更正。")
    staff.locator("form.form button[type=submit]").click()
    assert staff.url.endswith("/staff/requests")
    axe_check(staff)
    screenshot(staff, "staff-data-requests")
    staff_context.close()

    page.reload()
    assert "已按您提供的新地址更正。" in page.content() and "已按您的申請辦理" in page.content()
    screenshot(page, "my-data-answered-zh-Hant")
