"""Phone-size journeys: a borrower complains with a photo, a family member reports, an agent handles both."""
from __future__ import annotations

import re

import pyotp

from tests.conftest import PASSWORD
from tests.uploads.samples import png


def _borrower_login(page, phone: str) -> None:
    page.goto("/login?next=/complaints/new")
    page.fill("#phone", phone)
    page.fill("#password", PASSWORD)
    page.locator("form.form button[type=submit]").click()


def _staff_login(page, user, secret: str) -> None:
    page.goto("/staff/login")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.fill("#otp", pyotp.TOTP(secret).now())
    page.locator("form.form button[type=submit]").click()


def test_complaint_and_report_journeys(page, browser, live_server, create_borrower, create_staff, axe_check,
                                       screenshot, tmp_path):
    create_borrower(name="张伟", phone="13800138111")
    secret = pyotp.random_base32()
    agent = create_staff(display_name="客服小李", otp_secret=secret)

    # 1. The borrower files a complaint with a photo.
    _borrower_login(page, "13800138111")
    assert page.url.endswith("/complaints/new")
    axe_check(page)
    page.locator("label", has_text="夜间联系").click()
    page.locator("#channel label", has_text="电话").click()
    page.fill("#what_happened", "晚上十一点多连续打了五次电话。")
    photo = tmp_path / "screenshot.png"
    photo.write_bytes(png())
    page.set_input_files("#evidence", str(photo))
    screenshot(page, "complaint-new-zh-Hans")
    page.locator("form.complaint-form button[type=submit]").click()
    assert re.search(r"/complaints/TS-\d{8}-\d{4}$", page.url)
    reference = page.url.rsplit("/", 1)[1]
    assert page.locator("#complaint-state").inner_text() == "已收到"
    assert page.locator(".hash").count() == 1
    axe_check(page)
    screenshot(page, "complaint-detail-zh-Hans")

    # 2. A family member reports, in Traditional Chinese, without an account.
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                  extra_http_headers={"Accept-Language": "zh-TW"}, base_url=live_server)
    family = context.new_page()
    family.goto("/report")
    axe_check(family)
    family.fill("#reporter_name", "陳太太")
    family.locator("label", has_text="父母").click()
    family.fill("#contact_phone", "13700137222")
    family.locator("label", has_text="聯絡家人").click()
    family.locator("#channel label", has_text="電話").click()
    family.fill("#what_happened", "有人打電話給我，要我替兒子還錢。")
    screenshot(family, "report-new-zh-Hant")
    family.locator("form.complaint-form button[type=submit]").click()
    assert family.locator(".error-summary").count() == 0, family.locator(".error-summary").inner_text()
    report_ref = family.locator("#reference").inner_text()
    report_secret = family.locator("#secret").inner_text()
    axe_check(family)
    screenshot(family, "report-done-zh-Hant")

    # 3. The agent acknowledges, replies and resolves the borrower's complaint.
    staff_context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server,
                                        extra_http_headers={"Accept-Language": "zh-CN"})
    staff = staff_context.new_page()
    _staff_login(staff, agent, secret)
    staff.goto("/staff/complaints")
    assert reference in staff.content() and report_ref in staff.content()
    axe_check(staff)
    screenshot(staff, "staff-complaint-queue")
    staff.goto(f"/staff/complaints/{reference}")
    staff.select_option("#state-state", "acknowledged")
    staff.locator("form:has(#state-state) button[type=submit]").click()
    staff.fill("#reply-body", "您好，我们已调取通话记录，正在核实。")
    staff.locator("form:has(#reply-body) button[type=submit]").click()
    staff.select_option("#state-state", "investigating")
    staff.locator("form:has(#state-state) button[type=submit]").click()

    page.reload()
    assert "正在核实" in page.content() and page.locator("#complaint-state").inner_text() == "调查中"

    staff.select_option("#state-state", "resolved")
    staff.select_option("#state-outcome", "upheld_corrected")
    staff.fill("#state-explanation", "经核实属实，已要求停止夜间联系，并向您道歉。")
    staff.locator("form:has(#state-state) button[type=submit]").click()
    axe_check(staff)
    screenshot(staff, "staff-complaint-detail")

    # 4. The borrower sees the decision and says they are not satisfied: the outside routes appear.
    page.reload()
    assert page.locator("#complaint-state").inner_text() == "已解决"
    page.locator("textarea[name=reason]").fill("电话录音没有被调取，请重新核实。")
    page.get_by_role("button", name="申请核查").click()
    page.wait_for_load_state("load")
    assert "12378" in page.content() and "12363" in page.content()
    assert "申请核查" in page.locator("#review-status").inner_text() and "电话录音没有被调取" in page.content()
    axe_check(page)
    screenshot(page, "complaint-not-satisfied-zh-Hans")

    # 5. The family member follows the report with the reference and the secret.
    family.goto("/report/status")  # this device was given access when the report was sent
    family.locator("form.inline-form button").last.click()  # close it on this device
    family.fill("#reference", report_ref)
    family.fill("#secret", report_secret)
    family.locator("form.form button[type=submit]").click()
    assert family.locator("#complaint-state").inner_text() == "已收到"
    axe_check(family)
    screenshot(family, "report-status-zh-Hant")
    context.close()
    staff_context.close()
