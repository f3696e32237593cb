"""Activation -> login -> landing at phone size, in both scripts, with axe-core checks."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.conftest import sms_outbox


def _first_sms(app, seconds: float = 5.0) -> dict:
    """The SMS is sent once the answer has gone out: wait for it as a phone would."""
    deadline = time.monotonic() + seconds
    while not sms_outbox(app) and time.monotonic() < deadline:
        time.sleep(0.05)
    return sms_outbox(app)[-1]


@pytest.mark.parametrize(("fixture", "lang", "name"), [("page", "zh-Hans", "王芳"), ("page_hant", "zh-Hant", "陳美玲")])
def test_activation_then_login(request, app, create_borrower, axe_check, screenshot, fixture, lang, name):
    page = request.getfixturevalue(fixture)
    b = create_borrower(name=name, phone="13600136000", activated=False,
                        locale="zh_Hant" if lang == "zh-Hant" else "zh_Hans")
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == lang
    axe_check(page)
    page.locator("a.button-secondary").first.click()  # first-time activation
    assert page.url.endswith("/activate")
    axe_check(page)
    screenshot(page, f"activate-step1-{lang}")
    page.fill("#phone", "１３６ ００１３ ６０００")  # full-width digits and spaces, as people type them
    page.fill("#id_tail", b.id_number[-6:])
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"step=code"))
    code = re.search(r"\b(\d{6})\b", _first_sms(app)["text"]).group(1)
    page.fill("#code", code)
    page.fill("#password", "my-new-password")
    page.fill("#confirm", "my-new-password")
    axe_check(page)
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(name)  # greeted by name: logged in
    axe_check(page)
    screenshot(page, f"after-activation-{lang}")
    page.locator(".menu > summary").click()  # the menu folds behind one button on a phone
    page.locator("nav form button").click()  # log out
    page.goto("/login")
    page.fill("#phone", "13600136000")
    page.fill("#password", "my-new-password")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(name)


def test_login_form_errors_are_announced_and_keep_input(page, create_borrower, axe_check, screenshot):
    page.goto("/login")
    page.fill("#phone", "12345")
    page.locator("form.form button[type=submit]").click()
    assert page.input_value("#phone") == "12345"
    assert page.locator("#phone-error").is_visible() and page.locator(".error-summary a[href='#phone']").count() == 1
    axe_check(page)
    screenshot(page, "login-errors-zh-Hans")
