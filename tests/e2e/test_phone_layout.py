"""Layout that a reader of the demo data sees on a phone (360 px), at 100 % and at 200 % text, in both scripts:

- amounts, references and phone numbers never break inside (a whole one may move to the next line);
- no line starts with a "。", "，" or "：" (it stays with the number before it);
- the text of a button or a card link reads as one run of lines, not as narrow columns side by side;
- tap targets: the whole row of a radio button or a check box is its label's hit area, and a link on a line of its
  own is at least 44 px tall;
- a facts list keeps each label on the line of its value;
- a select shows the whole of a choice too long for one line (on several lines).

200 % text is Chromium's own text-size setting (as in test_reflow), so rem, em and em media queries all grow.
"""
from __future__ import annotations

import pytest

from portal.i18n import local_today
from portal.loans.demo import DEMO_PASSWORD
from tests.e2e.conftest import logged_in_phone
from tests.hardening.crawl import seed_demo

READERS = {"zh_Hans": ("13800138000", "zh-CN"), "zh_Hant": ("13900139000", "zh-TW")}
PHONE = {"width": 360, "height": 740}

# Every problem of the kinds above on the current page, as text (empty: none).
TEXT_PROBLEMS = """() => {
  const out = [];
  const textNodes = (root) => {
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT), nodes = [];
    for (let n; (n = walk.nextNode());) if (!n.parentElement.closest('script, style, .visually-hidden')) nodes.push(n);
    return nodes;
  };
  const chars = (node) => {  // the box of each visible character
    const boxes = [];
    for (let i = 0; i < node.data.length; i++) {
      if (/\\s/.test(node.data[i])) continue;
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      const r = range.getClientRects()[0];
      if (r && r.width) boxes.push({ch: node.data[i], top: r.top, bottom: r.bottom, left: r.left});
    }
    return boxes;
  };
  for (const el of document.querySelectorAll('.nowrap, .tel')) {
    const lines = new Set(textNodes(el).flatMap(chars).map(b => Math.round(b.bottom)));
    if (lines.size > 1) out.push(`“${el.textContent.trim()}” breaks over ${lines.size} lines`);
  }
  let before = null;
  for (const node of textNodes(document.body)) {
    for (const b of chars(node)) {
      if (before && '。，、；：！？）'.includes(b.ch) && b.top >= before.bottom - 2 && b.left < before.left)
        out.push(`a line starts with “${b.ch}” after “${before.text}”`);
      before = {...b, text: node.data.trim().slice(-12)};
    }
  }
  for (const el of document.querySelectorAll('.button, .card-link')) {
    const boxes = textNodes(el).flatMap(chars);
    if (boxes.some((b, i) => i && b.bottom <= boxes[i - 1].top + 1))
      out.push(`“${el.textContent.trim().replace(/\\s+/g, ' ')}” is laid out in columns`);
  }
  for (const dt of document.querySelectorAll('.facts > dt')) {  // first characters: a bigger value may stand higher
    const [a] = textNodes(dt).flatMap(chars), [b] = textNodes(dt.nextElementSibling).flatMap(chars);
    if (a && b && a.top > b.top + Math.max(0, (b.bottom - b.top) - (a.bottom - a.top)) + 2) out.push(`the label “${dt.textContent.trim()}” sits lower than its value`);
  }
  const ctx = document.createElement('canvas').getContext('2d');
  for (const select of document.querySelectorAll('main select')) {  // a choice too long for one line wraps
    const cs = getComputedStyle(select), option = select.selectedOptions[0];
    if (!option) continue;
    ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const room = select.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - parseFloat(cs.fontSize);
    if (ctx.measureText(option.text).width > room && select.getBoundingClientRect().height < 2 * parseFloat(cs.fontSize) * 1.2 + 8)
      out.push(`the select “${select.id}” cuts off “${option.text}”`);
  }
  return out;
}"""

TAP_PROBLEMS = """() => {
  const out = [];
  for (const row of document.querySelectorAll('main .choice')) {
    row.scrollIntoView({block: 'center'});
    const r = row.getBoundingClientRect();
    for (const [x, y] of [[r.left + 2, r.top + r.height / 2], [r.right - 2, r.top + 3], [r.left + r.width / 2, r.bottom - 3]]) {
      const hit = document.elementFromPoint(x, y);
      if (!hit || !(hit.closest('label') || hit.matches('input')))
        out.push(`a tap on the row of “${row.textContent.trim().slice(0, 20)}” at ${Math.round(x - r.left)},${Math.round(y - r.top)} misses its label`);
    }
  }
  for (const a of document.querySelectorAll('main a')) {
    if (a.parentElement.textContent.trim() !== a.textContent.trim() || a.closest('.visually-hidden')) continue;  // in a sentence
    a.scrollIntoView({block: 'center'});
    const first = a.getClientRects()[0];
    if (!first) continue;
    if (a.getBoundingClientRect().height < 43.5)
      out.push(`the link “${a.textContent.trim().slice(0, 20)}” is ${Math.round(a.getBoundingClientRect().height)} px tall`);
    for (const y of [first.top + 2, first.bottom - 2]) {
      const hit = document.elementFromPoint(first.left + Math.min(10, first.width / 2), y);
      if (!hit || hit.closest('a') !== a) out.push(`a tap ${Math.round(y - first.top)} px into “${a.textContent.trim().slice(0, 20)}” misses it`);
    }
  }
  return out;
}"""


@pytest.fixture
def demo(app, session):
    with app.test_request_context():
        seed_demo(session, local_today())


def _reader(browser, live_server, locale: str, font_size: int):
    phone, accept = READERS[locale]
    return logged_in_phone(browser, live_server, phone=phone, password=DEMO_PASSWORD, accept=accept,
                           viewport=PHONE, font_size=font_size)


def _pages(page) -> list[str]:
    page.goto("/loans")
    loans = [a.get_attribute("href") for a in page.locator(".loan-card a.button").all()]
    plans = [f"/plans/new?loan={href.rsplit('/', 1)[1]}" for href in loans]
    visits = [a.get_attribute("href") for a in page.locator("main a[href^='/visits/']").all()][:1]
    return ["/", "/loans", *loans, "/plans", *plans, "/complaints", "/complaints/new", *visits, "/contacts"]


@pytest.mark.parametrize("locale", list(READERS))
@pytest.mark.parametrize("font_size", [16, 32], ids=["text-100", "text-200"])
def test_numbers_stay_whole_and_text_reads_in_lines(browser, live_server, demo, screenshot, locale, font_size):
    context, page = _reader(browser, live_server, locale, font_size)
    problems = []
    for path in _pages(page):
        page.goto(path)
        problems += [f"{path}: {p}" for p in page.evaluate(TEXT_PROBLEMS)]
    page.goto("/loans")
    screenshot(page, f"layout-{locale}-{font_size}-loans")
    context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", list(READERS))
def test_tap_targets_on_a_phone(browser, live_server, demo, locale):
    context, page = _reader(browser, live_server, locale, 16)
    problems = []
    for path in [*_pages(page), "/settings"]:
        page.goto(path)
        problems += [f"{path}: {p}" for p in page.evaluate(TAP_PROBLEMS)]
    # a tap at the far end of a row, well away from the box and the words, chooses it
    page.goto("/complaints/new")
    row = page.locator(".choice").filter(has=page.locator("input[type=radio]")).nth(1)
    row.scroll_into_view_if_needed()
    box = row.bounding_box()
    page.mouse.click(box["x"] + box["width"] - 4, box["y"] + 3)
    assert row.locator("input").is_checked()
    context.close()
    assert not problems, "\n".join(problems)
