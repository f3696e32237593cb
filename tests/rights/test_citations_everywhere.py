"""Legal citations outside the rights pages, and the review fixes of the interest page.

The citation check of the rights pages runs here over every template and both assembled catalogs: article
numbers in Chinese or Arabic numerals, English ``Art.`` references in message ids, names with or without 《》.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.rights import documents
from portal.rights.sources import chinese_number, citations, unknown_citations

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "portal" / "templates").rglob("*.html"))
from portal.locales import LOCALES  # noqa: E402


def catalog(locale):
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return [m for m in read_po(fh, locale=locale) if m.id]


def texts(value):
    return [value] if isinstance(value, str) else [v for v in value if v]


def cited_articles(text):
    return {(c.title, a) for c in citations(text) for a in c.articles}


# -- the parser --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("numeral,value", [("十", 10), ("十四", 14), ("七十", 70), ("一百八十八", 188),
                                           ("六百八十", 680), ("二百九十三", 293), ("一千零三十三", 1033), ("68", 68)])
def test_chinese_numerals(numeral, value):
    assert chinese_number(numeral) == value


def test_parser_reads_chinese_numerals_english_references_and_sub_articles():
    found = citations("《民法典》第六百八十条禁止高利放贷（《徵信業管理條例》第十六條）《刑法》第二百九十三条之一")
    assert [(c.title, c.articles) for c in found] == [
        ("民法典", ("680",)), ("征信业管理条例", ("16",)), ("刑法", ("293-1",))]
    found = citations("Constitution, Art. 39 (the home is inviolable); Civil Code, Art. 1033, item 2; "
                      "《个人信息保护法》 Arts. 44–47; 《民法典》 Arts. 188, 189 and 192")
    assert [(c.title, c.articles) for c in found] == [
        ("宪法", ("39",)), ("民法典", ("1033",)), ("个人信息保护法", ("44", "45", "46", "47")),
        ("民法典", ("188", "189", "192"))]


@pytest.mark.parametrize("text,problem", [
    ("《民法典》第六百八十一条", "《民法典》 has no article 681 in design §6"),
    ("《征信业管理条例》 Art. 18", "《征信业管理条例》 has no article 18 in design §6"),
    ("Civil Code, Art. 1034", "《民法典》 has no article 1034 in design §6"),
    ("民法典第680条", "《民法典》 is cited without 《》"),
    ("《民间借贷司法解释》第25条", "民间借贷司法解释 is a short name, not a title: write it without 《》"),
    ("最高人民法院关于审理民间借贷案件适用法律若干问题的规定第25条",
     "《最高人民法院关于审理民间借贷案件适用法律若干问题的规定》 is cited without 《》"),
    ("民法典第195条", "《民法典》 is cited without 《》"),
    ("依照第六百八十条", "article reference '第六百八十条' names no document"),
    ("under Art. 680", "article reference 'Art. 680' names no document"),
    ("《治安管理处罚法》第二十六条", "unknown document 《治安管理处罚法》"),
])
def test_parser_flags_citations_not_as_in_design_section_6(text, problem):
    assert problem in unknown_citations(text)


def test_short_name_without_brackets_is_a_citation():
    title = "最高人民法院关于审理民间借贷案件适用法律若干问题的规定"
    assert [(c.title, c.articles) for c in citations("（民間借貸司法解釋第25條、第28條）")] == [(title, ("25", "28"))]
    assert unknown_citations("（民间借贷司法解释）") == []
    assert unknown_citations("（民间借贷司法解释第1条）") == []
    assert unknown_citations(f"《{title}》第1条、第25条") == []
    assert unknown_citations("《民法典》第195条") == []
    assert citations("违反刑法的行为") == []  # a name in prose, without articles, is no citation


# -- everywhere else in the portal -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "portal" / "templates")))
def test_templates_cite_only_design_section_6(path):
    problems = [f"{path.relative_to(ROOT)}:{n}: {problem}"
                for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                for problem in unknown_citations(line)]
    assert problems == []


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogs_cite_only_design_section_6_and_translate_articles_faithfully(locale):
    problems, checked = [], 0
    for message in catalog(locale):
        source = " ".join(texts(message.id))
        for text in [*texts(message.id), *texts(message.string)]:
            problems += [f"messages.po:{message.lineno}: {p}: {text[:40]}" for p in unknown_citations(text)]
        for text in texts(message.string):
            if cited_articles(source) or cited_articles(text):
                checked += 1
                if cited_articles(source) != cited_articles(text):
                    problems.append(f"messages.po:{message.lineno}: cites {sorted(cited_articles(text))}, "
                                    f"its msgid {sorted(cited_articles(source))}")
    assert problems == []
    assert checked >= 10, "the catalogs' citations (loans, plans, visits, complaints) are found"


# -- the interest page (review fixes) ----------------------------------------------------------------------------

def loan_page_label(locale, msgid):
    return next(m.string for m in catalog(locale) if m.id == msgid)


@pytest.mark.parametrize("locale", LOCALES)
def test_interest_page_defines_annualised_cost_as_the_loan_page_does(locale):
    p = documents.find(locale, "interest-charges")
    label = loan_page_label(locale, "Annualised cost of the contract (interest and fees)")
    assert label in p.todo.text, "the what-to-do box names the figure as the loan page shows it"
    check = next(s for s in p.body if s.id == "check-your-cost")
    definition = next(line for line in check.text.splitlines() if "年化成本”就是" in line or "年化成本」就是" in line)
    assert "罚息" not in definition and "罰息" not in definition, "penalty interest is shown apart on the loan page"


@pytest.mark.parametrize("locale", LOCALES)
def test_licensed_lender_rule_is_cited_and_the_short_name_has_no_title_marks(locale):
    p = documents.find(locale, "interest-charges")
    cap = next(s for s in p.body if s.id == "cap")
    licensed = next(line for line in cap.text.splitlines() if line.startswith("持"))
    assert [(c.title, c.articles) for c in citations(licensed)] == [
        ("最高人民法院关于审理民间借贷案件适用法律若干问题的规定", ("1",))]
    assert "《民间借贷司法解释》" not in p.text and "《民間借貸司法解釋》" not in p.text


@pytest.mark.parametrize("locale", LOCALES)
def test_the_24_percent_court_practice_is_never_attributed_to_the_private_lending_rules(locale):
    """Design §6: licensed lenders are excluded from the private-lending interpretation (its Art. 1 para 2)."""
    p = documents.find(locale, "interest-charges")
    cap = next(s for s in p.body if s.id == "cap")
    for paragraph in cap.text.splitlines():
        if "24%" in paragraph:
            assert citations(paragraph) == [], paragraph
    assert "个人之间借钱（" not in p.text and "個人之間借錢（" not in p.text


@pytest.mark.parametrize("locale", LOCALES)
def test_crime_of_collecting_illegal_debts_needs_serious_circumstances(locale):
    p = documents.find(locale, "family-privacy")
    line = next(line for line in p.text.splitlines() if "293" in line)
    assert ("情节严重" in line or "情節嚴重" in line) and ("可以构成犯罪" in line or "可以構成犯罪" in line)


@pytest.mark.parametrize("locale", LOCALES)
def test_entrusted_collectors_need_no_separate_consent(locale):
    text = documents.find(locale, "family-privacy").text
    art21 = next(line for line in text.splitlines() if "第21条" in line or "第21條" in line)
    assert "不需要您另外同意" in art21


def test_no_data_right_beyond_design_section_6():
    assert "复制" not in documents.find("zh_Hans", "family-privacy").text
    assert "複製" not in documents.find("zh_Hant", "family-privacy").text


def test_traditional_pages_spell_plan_as_the_catalog_does():
    assert "還款方案" in loan_page_label("zh_Hant", "Propose a repayment plan")
    for p in documents.pages("zh_Hant"):
        assert "計劃" not in p.text + p.title + p.summary, p.slug
