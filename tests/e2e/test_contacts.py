"""Phone-size journey in both scripts: the contact log shows flagged contacts in words, one tap opens a pre-filled
complaint that is sent linked to the contact; a choice of several contacts makes one complaint; "who called me?"
answers on /agencies. axe-clean at 360 px."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.agencies.services import AgencyValues, apply
from portal.contacts.models import Contact, complaint_contacts
from portal.i18n import lender_tz
from tests.conftest import PASSWORD


def _seed(session, create_borrower, create_loan, locale: str, phone: str):
    apply(session, None, AgencyValues("AG-GZ02", "agency", "广州示例信息咨询有限公司", "廣州示例資訊諮詢有限公司",
                                      "91440101MA9DEM0029", ["02061234567"], date(2020, 1, 1), None))
    borrower = create_borrower(name="张伟", phone=phone, locale=locale)
    loan = create_loan(borrower)
    today = datetime.now(lender_tz()).date()
    night = datetime.combine(today - timedelta(days=1), datetime.min.time(), lender_tz()) + timedelta(hours=23)
    rows = [("N-1", night, "borrower", "AG-GZ02"), ("F-1", night - timedelta(hours=10), "family", "AG-GZ02"),
            ("OK-1", night - timedelta(hours=12), "borrower", "AG-GZ02"), ("X-1", night - timedelta(hours=11),
                                                                           "borrower", "AG-UNLISTED")]
    for ref, at, party, agency in rows:
        session.add(Contact(contact_ref=ref, loan_id=loan.id, at=at, channel="call", answered=True,
                            to_number="13800138000" if party == "borrower" else "13900139000", to_party=party,
                            from_number="02061234567", agent="GZ-208", agency_code=agency, source_digest="t"))
    session.commit()
    return borrower


def _linked(session) -> list[int]:
    """The contacts linked to complaints; the read transaction ends at once (SQLite: the server must write)."""
    try:
        return list(session.scalars(select(complaint_contacts.c.contact_id)))
    finally:
        session.rollback()


@pytest.mark.parametrize("script", ["zh_Hans", "zh_Hant"])
def test_flagged_contacts_to_a_complaint_in_one_tap(script, request, session, create_borrower, create_loan,
                                                     axe_check, screenshot):
    page = request.getfixturevalue("page" if script == "zh_Hans" else "page_hant")
    phone = "13800138222" if script == "zh_Hans" else "13800138333"
    _seed(session, create_borrower, create_loan, script, phone)
    page.goto("/login?next=/contacts")
    page.fill("#phone", phone)
    page.fill("#password", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/contacts$"))
    axe_check(page)
    screenshot(page, f"contacts-{script}")
    flagged = page.locator(".contact-flagged")
    assert flagged.count() == 3  # the night call, the family call, the unlisted agency; not the ordinary call
    night = page.locator(".contact-flagged", has_text="22:00").first
    assert night.locator(".notice-warning").is_visible()  # the rule is said in words, not only by colour
    assert ("广州示例信息咨询有限公司" if script == "zh_Hans" else "廣州示例資訊諮詢有限公司") in page.content()

    # One tap: the complaint form opens pre-filled from that contact.
    night.locator('a[href*="/complaints/new?contact="]').click()
    page.wait_for_url(re.compile(r"/complaints/new\?contact=\d+"))
    axe_check(page)
    assert page.locator('input[value="night_or_frequent"]').is_checked()
    assert "02061234567" in page.locator("#what_happened").input_value()
    screenshot(page, f"contacts-complaint-{script}")
    page.locator("form.complaint-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/complaints/TS-\d{8}-\d{4}$"))
    axe_check(page)
    assert len(_linked(session)) == 1

    # Several contacts chosen make one complaint about all of them.
    page.goto("/contacts")
    boxes = page.locator('input[type=checkbox][name="contact"]')
    assert boxes.count() == 3
    boxes.nth(1).check()
    boxes.nth(2).check()
    page.locator("form.contact-log button[type=submit]").click()
    page.wait_for_url(re.compile(r"/complaints/new\?"))
    assert page.locator('input[value="third_parties"]').is_checked()
    page.locator("form.complaint-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/complaints/TS-\d{8}-\d{4}$"))
    assert len(_linked(session)) == 3

    # "Who called me?": the agency's number in another format is named; an unknown one gets the guidance.
    page.goto("/agencies")
    axe_check(page)
    page.fill("#number", "020-6123 4567")
    page.locator("form.who-called-form button[type=submit]").click()
    assert page.locator("#who-called-result.verify-yes").is_visible()
    axe_check(page)
    page.fill("#number", "hello")
    page.locator("form.who-called-form button[type=submit]").click()
    assert page.locator("#number-error").is_visible() and page.locator("#number").input_value() == "hello"
    axe_check(page)
    page.fill("#number", "139 1234 5678")
    page.locator("form.who-called-form button[type=submit]").click()
    assert page.locator("#who-called-result.verify-no").is_visible()
    assert page.locator('#who-called-result a[href="tel:110"]').count() == 1
    axe_check(page)
    screenshot(page, f"who-called-{script}")
