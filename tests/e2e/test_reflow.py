"""Every borrower page holds at 320 CSS px and at 200 % text size (WCAG 1.4.10 and 1.4.4; issue 13, point 9): no
sideways scroll, no amount or reference sticking out of its card, and the header no taller than a quarter of the
first screen.

The pages are those the demo borrowers reach by following links (the same crawl as the page-weight test). 200 %
text is Chromium's own text-size setting (the default font size doubled through the DevTools protocol, as a reader
who enlarges text in the browser settings would have it), not a page zoom, so rem and em sizes and em media queries
all grow.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.models import Borrower
from portal.i18n import local_today
from portal.loans.demo import DEMO_PASSWORD
from tests.e2e.conftest import logged_in_phone
from tests.hardening.crawl import crawl, seed_demo

STARTS = ["/", "/loans", "/visits", "/plans", "/complaints", "/complaints/new", "/settings", "/rights", "/report",
          "/report/status", "/verify-visitor"]
CONDITIONS = {
    "320px": ({"width": 320, "height": 640}, 16),
    "text-200": ({"width": 360, "height": 740}, 32),
}

MEASURE = """([vw, vh]) => {
  const out = [];
  const sw = document.scrollingElement.scrollWidth;
  if (sw > vw) out.push(`scrolls sideways: ${sw} > ${vw}`);
  const header = document.querySelector('body > header');
  const hh = header ? header.getBoundingClientRect().height : 0;
  if (hh > vh * 0.25) out.push(`header ${Math.round(hh)} px > a quarter of ${vh}`);
  for (const el of document.querySelectorAll('.nowrap, .big-number, .account-number, .tel')) {
    const r = el.getBoundingClientRect();
    if (!r.width) continue;
    const box = el.closest('.card, .callout, .notice, td, dd') || document.querySelector('main');
    const b = box.getBoundingClientRect();
    if (r.right > b.right + 1 || r.left < b.left - 1 || r.right > vw)
      out.push(`“${el.textContent.trim().slice(0, 30)}” sticks out of its ${box.className || box.tagName}`);
  }
  return out;
}"""


@pytest.fixture
def demo_pages(app, session, client, login):
    """{phone: [paths]} for the demo borrowers who can log in."""
    with app.test_request_context():
        seed_demo(session, local_today())
    found = {}
    for borrower in session.scalars(select(Borrower).where(Borrower.password_hash.is_not(None))):
        login(client, borrower)
        pages = crawl(client, STARTS, limit=40, per_path=1, allow=lambda p: not p.startswith("/staff"))
        found[borrower.phone] = sorted(p for p, (status, _) in pages.items() if status == 200)
        client.post("/logout")
    return found


@pytest.mark.parametrize("locale", ["zh-CN", "zh-TW"])
@pytest.mark.parametrize("condition", list(CONDITIONS))
def test_every_borrower_page_reflows(browser, live_server, demo_pages, screenshot, condition, locale):
    viewport, font_size = CONDITIONS[condition]
    problems: list[str] = []
    checked = 0
    for phone, paths in demo_pages.items():
        context, page = logged_in_phone(browser, live_server, phone=phone, password=DEMO_PASSWORD, accept=locale,
                                        viewport=viewport, font_size=font_size)
        for path in paths:
            page.goto(path)
            checked += 1
            problems += [f"{phone} {path}: {p}"
                         for p in page.evaluate(MEASURE, [viewport["width"], viewport["height"]])]
        page.goto("/loans")
        screenshot(page, f"reflow-{condition}-{locale}-{phone}-loans")
        context.close()
    assert checked >= 30, demo_pages
    assert not problems, "\n".join(problems[:40]) + (f"\n… {len(problems)} in all" if len(problems) > 40 else "")
