"""Team administration, the audit log and reports in a browser: axe-clean at 360 px and 1280 px, both scripts."""
from __future__ import annotations

import pyotp
import pytest

from tests.conftest import PASSWORD

SECRET = "E2ELEADKEYAAAAAAAAAAAAAAAAAAAAAA"
WIDE = {"width": 1280, "height": 900}


def _log_in(page, create_staff):
    create_staff(role="supervisor", username="lead", otp_secret=SECRET, display_name="赵主管")
    page.goto("/staff/login")
    page.fill("#username", "lead")
    page.fill("#password", PASSWORD)
    page.fill("#otp", pyotp.TOTP(SECRET).now())
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/staff/")


def _check_both_widths(page, axe_check, screenshot, name):
    axe_check(page)
    page.set_viewport_size(WIDE)
    axe_check(page)
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 360, "height": 740})


@pytest.mark.parametrize("fixture", ["page", "page_hant"])
def test_team_administration_pages(request, create_staff, axe_check, screenshot, fixture):
    page = request.getfixturevalue(fixture)
    create_staff(role="agent", username="agent1", display_name="钱专员")
    _log_in(page, create_staff)
    page.goto("/staff/team")
    _check_both_widths(page, axe_check, screenshot, f"team-{fixture}")
    page.locator("main a.button").first.click()
    _check_both_widths(page, axe_check, screenshot, f"team-new-{fixture}")
    page.locator("main form button[type=submit]").click()  # empty: errors next to the fields
    assert page.locator(".error-summary").count() == 1
    axe_check(page)
    page.fill("#display_name", "孙新人")
    page.fill("#username", "sun")
    page.locator("main form button[type=submit]").click()
    link = page.locator("main code").inner_text()
    assert "/staff/setup/" in link
    _check_both_widths(page, axe_check, screenshot, f"team-link-{fixture}")
    page.goto("/staff/team")
    page.get_by_role("link", name="钱专员").click()
    _check_both_widths(page, axe_check, screenshot, f"team-member-{fixture}")
    member_url = page.url
    page.locator(f"form[action$='/second-factor'] button").click()
    assert page.locator("main svg").count() == 1
    _check_both_widths(page, axe_check, screenshot, f"team-qr-{fixture}")
    page.goto(member_url)
    page.locator(f"form[action$='/recovery-codes'] button").click()
    assert page.locator(".recovery-codes li").count() == 10
    _check_both_widths(page, axe_check, screenshot, f"team-codes-{fixture}")
    # The new member's setup page (another browser context: not logged in).
    context = page.context.browser.new_context(base_url=page.url.split("/staff")[0])
    other = context.new_page()
    other.goto(link)
    assert other.locator("main svg").count() == 1
    _check_both_widths(other, axe_check, screenshot, f"team-setup-{fixture}")
    context.close()


@pytest.mark.parametrize("fixture", ["page", "page_hant"])
def test_audit_log_page(request, create_staff, axe_check, screenshot, fixture):
    page = request.getfixturevalue(fixture)
    _log_in(page, create_staff)
    page.goto("/staff/team")
    page.goto("/staff/audit")
    assert page.locator("tbody tr").count() >= 1
    assert page.locator("tbody").inner_text().count("staff.login") == 0
    _check_both_widths(page, axe_check, screenshot, f"audit-{fixture}")
    page.fill("#since", "2026-03-02")
    page.fill("#until", "2026-03-01")
    page.locator("form.audit-filters button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    axe_check(page)


@pytest.mark.parametrize("fixture", ["page", "page_hant"])
def test_reports_page(request, create_staff, axe_check, screenshot, fixture):
    page = request.getfixturevalue(fixture)
    _log_in(page, create_staff)
    page.goto("/staff/reports")
    assert page.locator("main svg").count() >= 4 and page.locator("h2").count() == 4  # 4 reports
    _check_both_widths(page, axe_check, screenshot, f"reports-{fixture}")
    page.fill("#since", "2026-03-02")
    page.fill("#until", "2026-03-01")
    page.locator("main form button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    axe_check(page)


@pytest.mark.parametrize("fixture", ["page", "page_hant"])
def test_a_long_search_term_does_not_widen_the_audit_log(request, create_staff, screenshot, fixture):
    """The longest search the lookup runs is one unbroken run of 100 characters: its details cell wraps, so the
    table stays within the page at 1280 px and the time, actor and action columns keep their width; the object
    filter shows a whole complaint reference."""
    page = request.getfixturevalue(fixture)
    _log_in(page, create_staff)
    page.set_viewport_size(WIDE)
    page.goto("/staff/borrowers?q=" + "x" * 100)
    page.goto("/staff/borrowers?q=" + "y" * 300)  # refused by the lookup: not a search, not recorded
    page.goto("/staff/audit")
    body = page.locator("tbody").inner_text()
    assert "x" * 100 in body.replace("\n", "") and "y" * 101 not in body.replace("\n", "")
    sizes = page.evaluate("""() => {
      const table = document.querySelector('.audit-table');
      const main = document.querySelector('main');
      const heads = [...table.querySelectorAll('thead th')].map(th => th.getBoundingClientRect().width);
      return {table: table.getBoundingClientRect().right, main: main.getBoundingClientRect().right,
              page: document.scrollingElement.scrollWidth, heads};
    }""")
    assert sizes["page"] <= WIDE["width"] and sizes["table"] <= sizes["main"] + 1, sizes
    assert min(sizes["heads"][:3]) >= 48, sizes  # not squeezed to one character a line (33 px before)
    page.fill("#object", "TS-20261207-0001")
    assert page.evaluate("() => { const i = document.querySelector('#object');"
                         " return i.scrollWidth <= i.clientWidth; }"), "the object filter clips a reference"
    screenshot(page, f"audit-long-search-{fixture}")
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "sideways at 360 px"
