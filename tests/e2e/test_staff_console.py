"""The staff console in a browser: password + TOTP login, then every console page, with axe-core checks."""
from __future__ import annotations

import pyotp
import pytest

from tests.conftest import PASSWORD

SECRET = "E2ESTAFFKEYAAAAAAAAAAAAAAAAAAAAA"


@pytest.mark.parametrize("fixture", ["page", "page_hant"])
def test_supervisor_console_pages_are_accessible(request, create_staff, axe_check, screenshot, fixture):
    page = request.getfixturevalue(fixture)
    create_staff(role="supervisor", username="lead", otp_secret=SECRET, display_name="赵主管")
    page.goto("/staff/")
    assert "/staff/login" in page.url
    axe_check(page)
    page.fill("#username", "lead")
    page.fill("#password", PASSWORD)
    page.fill("#otp", pyotp.TOTP(SECRET).now())
    page.locator("form.form button[type=submit]").click()
    assert page.url.endswith("/staff/")
    links = page.locator("nav.main-nav a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert {"/staff/complaints", "/staff/audit"} <= set(links)
    for href in links:
        page.goto(href)
        assert page.locator("h1").count() == 1, href
        axe_check(page)
    screenshot(page, f"staff-last-page-{fixture}")
