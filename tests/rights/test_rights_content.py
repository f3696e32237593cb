"""The rights pages: no invented law, the same pages and sections in both scripts, no Simplified characters in
zh_Hant, stable slugs and section ids, safe rendering."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import opencc
import pytest

from portal.rights import documents
from portal.rights.links import SECTIONS, WHAT_TO_DO_ID
from portal.rights.sources import BY_TITLE, HOTLINES, SOURCES, citations, sources_from_design, unknown_citations

DESIGN = Path(__file__).resolve().parents[2].parent / "shared" / "design.md"
LOCALES = documents.LOCALES
ALL = [(loc, p.slug) for loc in LOCALES for p in documents.pages(loc)]
# Paths of design §3 that the pages may link to.
PORTAL_PATHS = {"/visits", "/verify-visitor", "/plans", "/complaints", "/complaints/new", "/report", "/report/status",
                "/settings", "/loans"}


def page(locale, slug):
    return documents.find(locale, slug)


@pytest.mark.skipif(not DESIGN.exists(), reason="design.md is not next to the repository")
def test_checked_in_source_list_matches_design_section_6():
    assert sources_from_design(DESIGN.read_text(encoding="utf-8")) == {s.title: s.articles for s in SOURCES}


def test_both_locales_have_exactly_the_documented_pages_and_sections():
    for locale in LOCALES:
        assert {p.slug for p in documents.pages(locale)} == set(SECTIONS), locale
        for p in documents.pages(locale):
            assert p.ids == SECTIONS[p.slug], (locale, p.slug)
    assert page("zh_Hans", "repayment-plans").ids.count("limitation-period") == 1


@pytest.mark.parametrize("locale,slug", ALL)
def test_every_citation_is_backed_by_design_section_6(locale, slug):
    p = page(locale, slug)
    assert citations(p.text), "a rights page cites its sources"
    assert unknown_citations(p.text) == []


@pytest.mark.parametrize("slug", list(SECTIONS))
def test_both_scripts_cite_the_same_documents_and_articles(slug):
    def cited(locale):
        return {(c.title, a) for c in citations(page(locale, slug).text) for a in c.articles or ("",)}

    hans, hant = cited("zh_Hans"), cited("zh_Hant")
    assert {t for t, _ in hans} == {t for t, _ in hant}
    assert {x for x in hans if x[1]} == {x for x in hant if x[1]}


def test_sections_that_state_rules_cite_a_source():
    """Every section that states rules names its source; the listed ones describe only our own service."""
    own_service = {("home-visits", "before-visit"), ("interest-charges", "check-your-cost"),
                   ("repayment-plans", "before-you-agree"), ("complaints-escalation", "complain-to-us"),
                   ("complaints-escalation", "outside-help"), ("complaints-escalation", "danger")}
    for locale in LOCALES:
        for p in documents.pages(locale):
            for s in p.body:
                if s.id and (p.slug, s.id) not in own_service:
                    assert citations(s.text), (locale, p.slug, s.id)


def test_citation_parser_reads_article_lists_ranges_and_sub_articles():
    found = citations("（《民法典》第1033条、第1032条）《个人信息保护法》第44条至第47条。《刑法》第293條之一")
    assert [(c.title, c.articles) for c in found] == [
        ("民法典", ("1032", "1033")), ("个人信息保护法", ("44", "45", "46", "47")), ("刑法", ("293-1",))]
    assert unknown_citations("《民法典》第9999条") == ["《民法典》 has no article 9999 in design §6"]
    assert unknown_citations("《治安管理处罚法》") == ["unknown document 《治安管理处罚法》"]
    assert unknown_citations("《个人信息保护法》第45條") == []


@pytest.mark.parametrize("slug", list(SECTIONS))
def test_zh_hant_has_no_simplified_characters_and_keeps_official_titles(slug):
    s2tw = opencc.OpenCC("s2tw")
    p = page("zh_Hant", slug)
    text = "\n".join([p.text, *(str(s.html) for s in p.sections)])
    bad = sorted({a for a, b in zip(text, s2tw.convert(text)) if a != b})
    assert not bad, f"Simplified characters {bad}"
    # Law titles keep their official wording, only the script changes (信息, not 資訊; 網絡 in the standard).
    assert "《個人資訊保護法》" not in text
    t2s = opencc.OpenCC("t2s")
    for title in re.findall(r"《([^《》]+)》", text):
        assert t2s.convert(title) in BY_TITLE, title


def test_zh_hant_explains_mainland_terms_for_traditional_readers():
    assert "內地法律用語" in page("zh_Hant", "repayment-plans").text  # 訴訟時效
    assert "叫做「徵信」" in page("zh_Hant", "credit-reports").text
    assert "LPR，內地" in page("zh_Hant", "interest-charges").text
    for slug in SECTIONS:
        assert "資訊" not in page("zh_Hant", slug).text.replace("個人信息", "")  # wording: 個人資料 outside titles


@pytest.mark.parametrize("locale,slug", ALL)
def test_pages_have_front_matter_a_todo_box_and_short_paragraphs(locale, slug):
    p = page(locale, slug)
    assert p.title and p.summary and "2026-11-22" <= p.last_checked.isoformat() <= date.today().isoformat()
    assert p.todo is not None and p.sections[0].id == WHAT_TO_DO_ID
    assert p.body and p.toc
    for s in p.sections:
        assert "<h1" not in s.html, "the page title is the only h1"
        for para in re.findall(r"<p>(.*?)</p>", str(s.html), re.S):
            assert len(re.sub(r"<[^>]+>|《[^》]+》", "", para)) <= 150, para


@pytest.mark.parametrize("locale,slug", ALL)
def test_only_the_hotlines_of_design_section_6(locale, slug):
    text = re.sub(r"《[^》]+》(?:第\d+[条條](?:之一)?[、，和至]?)*|\(?GB/T [\d-]+\)?", "", page(locale, slug).text)
    numbers = set(re.findall(r"(?<!\d)1\d{2}(?:\d{2})?(?!\d)", text))
    assert numbers <= HOTLINES, numbers


@pytest.mark.parametrize("locale,slug", ALL)
def test_links_go_to_known_pages_and_sections(locale, slug):
    for section in page(locale, slug).sections:
        for href in re.findall(r'href="([^"]+)"', str(section.html)):
            path, _, anchor = href.partition("#")
            if path.startswith("tel:"):
                assert path.removeprefix("tel:") in HOTLINES, href
            elif path.startswith("/rights/"):
                target = path.removeprefix("/rights/")
                assert target in SECTIONS and (not anchor or anchor in SECTIONS[target]), href
            else:
                assert path in PORTAL_PATHS and not anchor, href


def test_markdown_is_safe_by_construction():
    source = ("---\ntitle: t\nsummary: s\nlast_checked: 2026-11-22\norder: 1\n---\n"
              "## 标题 {#x-1}\n\n<script>alert(1)</script>\n\n![a](http://evil.example/x.png)\n\n"
              "[点](javascript:alert(1)) <b onclick=1>b</b>\n")
    p = documents.render("x", "zh_Hans", source)
    html = str(p.sections[0].html)
    assert '<h2 id="x-1">标题</h2>' in html
    assert "<script" not in html and "<b" not in html and "<img" not in html and "href=\"javascript" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("source", ["no front matter", "---\ntitle: t\n---\nbody",
                                    "---\ntitle: t\nsummary: s\nlast_checked: 2026-11-22\n---\nbody",
                                    "---\ntitle t\n---\n"])
def test_bad_front_matter_is_rejected(source):
    with pytest.raises(ValueError):
        documents.render("x", "zh_Hans", source)
