"""Browser tests: Debian's Chromium driven by Playwright at phone size, against a live server thread.

No browser is downloaded: Playwright launches /usr/bin/chromium. ``axe_check`` runs axe-core (shipped inside
axe-playwright-python) on the current page and fails on any violation.
"""
from __future__ import annotations

import os
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def e2e_csrf(app):
    """Real forms in the browser: CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield


def _new_page(browser, live_server, locale_header: str):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True,
                                  extra_http_headers={"Accept-Language": locale_header}, base_url=live_server)
    page = context.new_page()
    foreign: list[str] = []

    def _watch(request):
        if not request.url.startswith(live_server) and not request.url.startswith(("data:", "about:")):
            foreign.append(request.url)

    page.on("request", _watch)
    page.foreign_requests = foreign  # type: ignore[attr-defined]
    return context, page


@pytest.fixture
def page(browser, live_server, e2e_csrf):
    """A phone-sized page whose browser prefers Simplified Chinese."""
    context, page = _new_page(browser, live_server, "zh-CN,zh;q=0.9")
    yield page
    assert page.foreign_requests == [], "a page requested another host"  # type: ignore[attr-defined]
    context.close()


@pytest.fixture
def page_hant(browser, live_server, e2e_csrf):
    """A phone-sized page whose browser prefers Traditional Chinese (Taiwan)."""
    context, page = _new_page(browser, live_server, "zh-TW,zh;q=0.9")
    yield page
    assert page.foreign_requests == [], "a page requested another host"  # type: ignore[attr-defined]
    context.close()


@pytest.fixture
def axe_check():
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page) -> None:
        page.wait_for_load_state("load")  # a click may still be navigating: check the page it lands on
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()
        no_overflow = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert no_overflow, "the page scrolls sideways at phone width"

    return check


@pytest.fixture
def screenshot(request):
    """Save a screenshot under test-artifacts/ (for looking at, not asserting)."""
    os.makedirs("test-artifacts", exist_ok=True)

    def shoot(page, name: str) -> None:
        page.screenshot(path=f"test-artifacts/{name}.png", full_page=True)

    return shoot


def logged_in_phone(browser, live_server, *, phone: str, password: str, accept: str, viewport: dict,
                    font_size: int = 16):
    """A borrower logged in through the form in a touch browser of ``viewport`` whose default text size is
    ``font_size`` px (200 % text at 32: what a reader's browser setting does, not a zoom); (context, page)."""
    # not is_mobile: a phone browser would zoom out to fit a page that is too wide, hiding the overflow
    context = browser.new_context(viewport=viewport, device_scale_factor=1, has_touch=True,
                                  extra_http_headers={"Accept-Language": accept}, base_url=live_server)
    page = context.new_page()
    if font_size != 16:
        cdp = context.new_cdp_session(page)
        cdp.send("Page.enable")
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": font_size, "fixed": round(font_size * 13 / 16)}})
    page.goto("/login")
    page.fill("#phone", phone)
    page.fill("#password", password)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state("load")
    return context, page
