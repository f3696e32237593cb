"""One term per concept per script (portal/glossary.py), in every template, catalog and rights page; times on the
24-hour clock in both scripts, and a time range that never breaks inside a time (issue 13, point 7)."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import render_template_string

from portal.glossary import GLOSSARY, quoted_or_explained
from portal.i18n import fmt_datetime, fmt_time

ROOT = Path(__file__).resolve().parent.parent
from portal.locales import LOCALES  # noqa: E402


def catalog_texts(locale):
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f, locale=locale)
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        for text in strings:
            if text:
                yield f"catalog {locale}: {message.id if isinstance(message.id, str) else message.id[0]}", text


def markdown_texts(locale):
    for path in sorted((ROOT / "portal" / "rights" / "content" / locale).glob("*.md")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            yield f"{path.relative_to(ROOT)}:{number}", line


def template_texts():
    for path in sorted((ROOT / "portal" / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"[\u4e00-\u9fff]", line):
                yield f"{path.relative_to(ROOT)}:{number}", line


def sources(locale):
    yield from catalog_texts(locale)
    yield from markdown_texts(locale)
    yield from template_texts()


@pytest.mark.parametrize("locale", LOCALES)
def test_every_text_uses_the_glossary_terms(locale):
    rules = [(term, re.compile(pattern)) for term in GLOSSARY for pattern in getattr(term, f"avoid_{locale}")]
    found = []
    for where, text in sources(locale):
        plain = quoted_or_explained(text)
        for term, pattern in rules:
            for match in pattern.finditer(plain):
                found.append(f"{where}: “{match.group(0)}” — write {getattr(term, locale)} ({term.concept})")
    assert not found, "\n".join(found[:40]) + (f"\n… {len(found)} in all" if len(found) > 40 else "")


def test_the_glossary_catches_what_it_forbids():
    hant = [re.compile(p) for t in GLOSSARY for p in t.avoid_zh_Hant]
    hans = [re.compile(p) for t in GLOSSARY for p in t.avoid_zh_Hans]
    for text in ("你的還款計畫", "請出示工號", "還款渠道", "徵信報告", "下午12:00", "證據檔案及其指紋"):
        assert any(p.search(quoted_or_explained(text)) for p in hant), text
    for text in ("你的还款计划", "工号", "下午 2:00", "证据文件及其指纹"):
        assert any(p.search(quoted_or_explained(text)) for p in hans), text
    for text in ("合約的還款計畫表", "《徵信業管理條例》第15條", "報送徵信系統", "信用報告（徵信）", "「徵信修復」"):
        assert not any(p.search(quoted_or_explained(text)) for p in hant), text


def test_the_glossary_catches_mixed_words_for_review_report_and_what():
    hant = [re.compile(p) for t in GLOSSARY for p in t.avoid_zh_Hant]
    hans = [re.compile(p) for t in GLOSSARY for p in t.avoid_zh_Hans]
    for text in ("申請複核", "申請覆核", "提交舉報", "我們已收到您的舉報", "發生了甚麼？"):
        assert any(p.search(quoted_or_explained(text)) for p in hant), text
    for text in ("申请复核", "检举不当催收"):
        assert any(p.search(quoted_or_explained(text)) for p in hans), text
    for text in ("申請核查", "檢舉不當催收", "發生了什麼？", "請在下方答覆核查申請"):
        assert not any(p.search(quoted_or_explained(text)) for p in hant), text
    for text in ("申请核查", "举报不当催收", "请在下方答复核查申请"):
        assert not any(p.search(quoted_or_explained(text)) for p in hans), text


def test_the_credit_report_page_explains_the_mainland_word_once():
    page = (ROOT / "portal/rights/content/zh_Hant/credit-reports.md").read_text(encoding="utf-8")
    assert "title: 信用報告（徵信）" in page
    assert page.count("叫做「徵信」") == 1


@pytest.mark.parametrize("locale", LOCALES)
def test_times_read_on_the_24_hour_clock_in_both_scripts(app, locale):
    noon = datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)  # 12:00 in Asia/Shanghai
    afternoon = datetime(2026, 12, 1, 6, 30, tzinfo=timezone.utc)
    with app.test_request_context(headers={"Accept-Language": "zh-TW" if locale == "zh_Hant" else "zh-CN"}):
        assert fmt_time(noon) == "12:00" and fmt_time(afternoon) == "14:30"
        assert fmt_datetime(noon) == "2026年12月1日 12:00"
        assert fmt_datetime(afternoon, "short") == "2026/12/1 14:30"


def test_borrower_pages_write_a_date_and_time_one_way():
    """The compact "2026/12/1 14:30" is for the console's tables; a borrower's page and its messages write the
    day as everywhere else on them, "2026年12月1日 14:30", never both ways on one page."""
    borrower_side = [p for p in (ROOT / "portal").rglob("*") if p.suffix in (".html", ".py")
                     and "staff" not in p.relative_to(ROOT / "portal").as_posix()
                     and (p.suffix == ".html" or p.name == "routes.py")]
    assert len(borrower_side) > 50
    short = re.compile(r'fmt_datetime\([^)]*,\s*"short"\)')
    assert [p.relative_to(ROOT).as_posix() for p in borrower_side if short.search(p.read_text(encoding="utf-8"))] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_a_time_range_in_a_template_never_breaks_inside_a_time(app, locale):
    a = datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)
    b = datetime(2026, 12, 1, 6, 30, tzinfo=timezone.utc)
    with app.test_request_context(headers={"Accept-Language": "zh-TW" if locale == "zh_Hant" else "zh-CN"}):
        html = render_template_string("{{ fmt_time(a) }}–{{ fmt_time(b) }}", a=a, b=b)
    assert html == '<span class="nowrap">12:00</span>–<span class="nowrap">14:30</span>'
