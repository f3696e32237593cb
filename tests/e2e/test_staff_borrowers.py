"""A borrower phones in: the agent finds them by phone, opens their loan and logs a complaint for them.
Every page on the way is checked with axe-core at 360 px and at 1280 px, in both scripts."""
from __future__ import annotations

from datetime import date, timedelta

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.complaints.models import Complaint
from tests.conftest import PASSWORD

SECRET = "E2EAGENTKEYAAAAAAAAAAAAAAAAAAAAA"
DESKTOP = {"width": 1280, "height": 900}


def make_complaint_for_home(borrower) -> None:
    """One overdue complaint, so the home page shows a row with its words and the masked name."""
    from flask import current_app

    from portal.complaints import services
    from portal.extensions import db
    from portal.i18n import local_today

    with current_app.test_request_context():
        complaint, _secret = services.file_complaint(services.Filing(
            categories=["insults"], channel="sms", what_happened="短信辱骂"), borrower=borrower)
        complaint.acknowledge_due = local_today() - timedelta(days=1)
        db.session.commit()


NARROWEST_CELL = """() => Math.min(...Array.from(document.querySelectorAll('main td'),
                                               td => td.getBoundingClientRect().width).filter(w => w > 0))"""


def _cells_are_readable_at_360(page) -> None:
    """At 360 px a table's rows are cards: no cell squeezed to a character or two a line ("借/款/人")."""
    page.wait_for_load_state("load")  # a click may still be loading the page: measure it with its stylesheet
    if page.locator("main td").count():
        assert page.evaluate(NARROWEST_CELL) >= 240, page.url


def _check_both_widths(page, axe_check, screenshot, name):
    axe_check(page)
    page.set_viewport_size(DESKTOP)
    axe_check(page)
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 360, "height": 740})


@pytest.mark.parametrize("fixture", ["page", "page_hant"])
def test_borrower_phones_in_agent_finds_them_opens_the_loan_and_logs_a_complaint(
        request, fixture, create_staff, create_borrower, create_loan, session, axe_check, screenshot):
    page = request.getfixturevalue(fixture)
    agent = create_staff(role="agent", username="desk", otp_secret=SECRET, display_name="客服小李").id
    borrower = create_borrower(name="陳美玲", phone="13900139000", locale="zh_Hant")
    create_loan(borrower, loan_ref="L2024000123", start=date.today() - timedelta(days=75))
    create_borrower(name="陈美", phone="13900139001")  # a near namesake, not found by phone
    make_complaint_for_home(borrower)
    borrower_id = borrower.id
    session.rollback()  # no read left open while the live server writes (SQLite)

    page.goto("/staff/login")
    page.fill("#username", "desk")
    page.fill("#password", PASSWORD)
    page.fill("#otp", pyotp.TOTP(SECRET).now())
    page.locator("form.form button[type=submit]").click()
    _cells_are_readable_at_360(page)
    _check_both_widths(page, axe_check, screenshot, f"staff-home-{fixture}")
    page.locator("nav.main-nav a[href='/staff/borrowers']").click()
    _check_both_widths(page, axe_check, screenshot, f"staff-lookup-empty-{fixture}")

    # The caller reads out their number the way people do.
    page.fill("#q", "+86 139-0013-9000")
    page.locator("form.lookup-form button[type=submit]").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)  # waits for the results page, not the one the click left
    assert "139****9000" in rows.first.inner_text()
    _cells_are_readable_at_360(page)
    _check_both_widths(page, axe_check, screenshot, f"staff-lookup-results-{fixture}")
    rows.first.locator("a").click()

    assert page.locator("h1").inner_text() == "陳美玲"
    assert "139****9000" in page.content() and "13900139000" not in page.inner_text("main")
    _cells_are_readable_at_360(page)
    _check_both_widths(page, axe_check, screenshot, f"staff-borrower-{fixture}")
    page.locator(f"a[href='/staff/borrowers/{borrower_id}/loans/L2024000123']").first.click()
    assert "L2024000123" in page.locator("h1").inner_text()
    _check_both_widths(page, axe_check, screenshot, f"staff-borrower-loan-{fixture}")

    page.locator(f"a[href='/staff/borrowers/{borrower_id}/complaints/new?loan=L2024000123']").click()
    _check_both_widths(page, axe_check, screenshot, f"staff-phone-complaint-{fixture}")
    page.locator("input[name=categories][value=third_parties]").check()
    page.locator("input[name=channel][value=phone]").check()
    page.fill("#what_happened", "催收员打电话给我的同事，说我欠钱不还。")
    page.locator("form.complaint-form button[type=submit]").click()

    page.wait_for_url("**/staff/complaints/TS-*")
    reference = page.url.rsplit("/", 1)[-1]
    assert reference in page.locator(".notice-success").inner_text()
    assert "客服小李" in page.inner_text("main")
    _check_both_widths(page, axe_check, screenshot, f"staff-phone-complaint-filed-{fixture}")
    # The database last, and the read closed at once: an open SQLite read would hold up the live server's writes.
    session.expire_all()
    complaint = session.scalars(select(Complaint).where(Complaint.reference == reference)).one()
    assert complaint.borrower_id == borrower_id and complaint.taken_by_id == agent
    session.rollback()
