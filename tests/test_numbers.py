"""Phone numbers are tel: links; amounts, references and account numbers never break inside (issue 13, point 3).

Unit tests of the filters, then every page a demo borrower and an anonymous visitor reach, in both scripts."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markupsafe import Markup
from sqlalchemy import select

from portal.accounts.models import Borrower
from portal.i18n import local_today
from portal.loans.models import Loan
from portal.numbers import account_number, group_digits, numbers as phones
from tests.hardening.crawl import crawl, seed_demo

HOTLINE = "400-000-0000"


@pytest.mark.parametrize("text, linked", [
    ("遇到危险？请先拨打110报警。", "110"),
    ("可以拨打12378（银行保险消费投诉）", "12378"),
    ("或 12363。", "12363"),
    ("请拨打 400-000-0000 联系我们", "400-000-0000"),
    ("来访人员的电话 138 0013 8000", "138 0013 8000"),
    ("Call 110.", "110"),
])
def test_phone_numbers_become_tel_links(text, linked):
    html = str(phones(text, hotline=HOTLINE))
    href = "tel:" + re.sub(r"\D", "", linked)
    assert f'<a class="tel nowrap" href="{href}">{linked}</a>' in html


def test_without_links_phone_numbers_are_only_kept_whole():
    """Examples of what to type (the staff search hint) are not numbers to call."""
    html = str(phones("例如 138 0013 8000、+86 13800138000、TS-20261122-0042", hotline=HOTLINE, link=False))
    assert "<a" not in html and "tel:" not in html
    assert '<span class="nowrap">138 0013 8000</span>' in html and '<span class="nowrap">13800138000</span>' in html
    assert '<span class="nowrap">TS-20261122-0042</span>' in html


@pytest.mark.parametrize("text", ["《民法典》第110条", "¥110.00", "110元", "身份证号码 110101199003074514",
                                  "2110年", "编号 A110"])
def test_numbers_that_are_not_phone_numbers_stay_text(text):
    assert "<a" not in str(phones(text, hotline=HOTLINE))


def test_phones_escapes_text_and_leaves_existing_links_alone():
    assert str(phones("<b>110</b>", hotline="")) == '&lt;b&gt;<a class="tel nowrap" href="tel:110">110</a>&lt;/b&gt;'
    linked = Markup('<a href="/rights">110</a> 与 110')
    assert str(phones(linked, hotline="")) == '<a href="/rights">110</a> 与 <a class="tel nowrap" href="tel:110">110</a>'


@pytest.mark.parametrize("text", [
    "如何还款", "See the visit", 'Say "no" & <leave>', Markup('<a href="/x">看 <span class="nowrap">ABCDEF</span></a>'),
    "阶段 M", "TS-ABCDE", "",
])
def test_a_text_without_digits_or_yen_is_only_escaped(text):
    """The short cut for texts that hold nothing to link or keep whole gives what the full pass gives."""
    from markupsafe import escape

    from portal.numbers import _mark, _pattern

    html = text if isinstance(text, Markup) else escape(text)
    assert phones(text, hotline=HOTLINE) == _mark(html, _pattern(HOTLINE)) == html


def test_account_numbers_are_grouped_but_copy_as_one_run_of_digits():
    assert group_digits("1100 2000 3000 4000 501") == ["1100", "2000", "3000", "4000", "501"]
    html = str(account_number("1100200030004000501"))
    assert html.startswith('<span class="account-number" translate="no">')
    assert re.sub(r"<[^>]+>", "", html) == "1100200030004000501"  # no spaces in what is copied
    assert html.count("<span>") == 5
    assert str(account_number("12<34 5&6")) == ('<span class="account-number" translate="no"><span>12&lt;3</span>'
                                               '<span>45&amp;6</span></span>')  # anything else is escaped


# --- over rendered pages ---------------------------------------------------------------------------------------

PHONE = re.compile(r"(?<![\d第¥.,/-])(110|12378|12363|400-000-0000|1[3-9]\d{9})(?![\d条條元年%])")
MONEY = re.compile(r"¥\s?[\d,]+\.\d\d")
REFERENCE = re.compile(r"\bTS-[0-9A-Z-]+")
SKIP = {"script", "style", "title", "textarea", "option"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Walker(HTMLParser):
    """Text nodes with the tags and classes around them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.texts: list[tuple[str, list[tuple[str, dict]]]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if data.strip():
            self.texts.append((data, list(self.stack)))


def problems(html: str, loan_refs: list[str]) -> list[str]:
    walker = _Walker()
    walker.feed(html)
    found = []
    for text, stack in walker.texts:
        if any(tag in SKIP for tag, _ in stack):
            continue
        in_tel = any(tag == "a" and a.get("href", "").startswith("tel:") for tag, a in stack)
        unbroken = any("nowrap" in a.get("class", "").split() or tag == "a" and a.get("href", "").startswith("tel:")
                       for tag, a in stack)
        for match in PHONE.finditer(text):
            if not in_tel:
                found.append(f"phone number {match.group(1)} not a tel: link in “{text.strip()[:60]}”")
        if unbroken:
            continue
        for match in MONEY.finditer(text):
            found.append(f"amount {match.group(0)} may break in “{text.strip()[:60]}”")
        for match in REFERENCE.finditer(text):
            found.append(f"reference {match.group(0)} may break in “{text.strip()[:60]}”")
        for ref in loan_refs:
            if ref in text:
                found.append(f"loan reference {ref} may break in “{text.strip()[:60]}”")
    return found


STARTS = ["/", "/loans", "/visits", "/plans", "/complaints", "/complaints/new", "/settings", "/rights", "/report",
          "/report/status", "/verify-visitor"]


@pytest.fixture
def demo(app, session):
    with app.test_request_context():
        seed_demo(session, local_today())
    return session.scalars(select(Borrower).where(Borrower.password_hash.is_not(None))).all()


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_every_page_links_phone_numbers_and_keeps_numbers_whole(app, client, session, login, demo, locale):
    client.set_cookie("portal_locale", locale)
    anonymous = crawl(client, STARTS + ["/login", "/activate"], limit=40,
                      allow=lambda p: not p.startswith("/staff"))
    report = {}
    pages_seen = len(anonymous)
    for path, (_, html) in anonymous.items():
        report.update({f"anonymous {path}: {p}": None for p in problems(html, [])})
    linked = 0
    for borrower in demo:
        login(client, borrower)
        client.set_cookie("portal_locale", locale)
        refs = list(session.scalars(select(Loan.loan_ref).where(Loan.borrower_id == borrower.id)))
        pages = crawl(client, STARTS, limit=60, allow=lambda p: not p.startswith("/staff"))
        pages_seen += len(pages)
        for path, (_, html) in pages.items():
            linked += html.count('href="tel:')
            report.update({f"{borrower.phone} {path}: {p}": None for p in problems(html, refs)})
        client.post("/logout")
    assert pages_seen >= 30 and linked >= 30
    assert not report, "\n".join(list(report)[:30])


def test_amounts_and_references_in_a_text_built_in_python_are_kept_whole():
    html = str(phones("借款 L2023000301 总共还欠：¥4,610.50；投诉 TS-20261130-0001（M2 阶段，GB/T 45251-2025）",
                      hotline=""))
    assert '<span class="nowrap">L2023000301</span>' in html
    assert '<span class="nowrap">¥4,610.50</span>' in html
    assert '<span class="nowrap">TS-20261130-0001</span>' in html
    assert "M2 阶段" in html and "GB/T 45251-2025" in html  # a stage and a standard's number are not codes
    already = Markup('<span class="nowrap">¥1.00</span>')
    assert str(phones(already, hotline="")) == str(already)  # not wrapped twice
