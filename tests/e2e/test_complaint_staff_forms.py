"""At desk size (1280 px) the complaint page is long and its forms are in the right-hand column: a form sent with an
error is shown again scrolled to that form, its error in view."""
from __future__ import annotations

import pyotp

from tests.complaints.conftest import make_complaint  # noqa: F401 - the fixture
from tests.e2e.test_complaints import _staff_login


def _in_view(page, selector: str) -> bool:
    return page.evaluate("""sel => { const r = document.querySelector(sel).getBoundingClientRect();
                                     return r.top > -1 && r.bottom <= window.innerHeight; }""", selector)


def test_an_empty_note_is_shown_again_with_its_error_in_view(browser, live_server, e2e_csrf, create_staff,
                                                             make_complaint, screenshot):
    secret = pyotp.random_base32()
    agent = create_staff(display_name="客服小李", otp_secret=secret)
    complaint = make_complaint(what_happened="晚上十一点多连续打了五次电话。\n" * 40)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server,
                                  extra_http_headers={"Accept-Language": "zh-CN"})
    page = context.new_page()
    _staff_login(page, agent, secret)
    page.goto(f"/staff/complaints/{complaint.reference}")
    page.locator("form:has(#note-body) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("#h-note")
    assert _in_view(page, "#note-body-error") and _in_view(page, "#note-body")
    screenshot(page, "staff-complaint-note-error-1280")
    page.fill("#note-body", "内部：调取通话录音")
    page.locator("form:has(#note-body) button[type=submit]").click()
    page.wait_for_load_state()
    assert _in_view(page, ".notice-success")  # the message of a form that worked, at the top
    context.close()
