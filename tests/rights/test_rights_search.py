"""Search folds both scripts, keeps positions, escapes the snippet and highlights every match."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from portal.rights import documents
from portal.rights.search import fold, search, snippet, terms


def slugs(results):
    return [r.page.slug for r in results]


@given(st.text(max_size=40))
def test_fold_keeps_the_length(text):
    assert len(fold(text)) == len(text)


def test_fold_makes_both_scripts_equal():
    assert fold("徵信 上門 個人帳戶") == fold("征信 上门 个人帐户")
    assert fold("１２３７８ LPR") == "12378 lpr"


def test_simplified_query_finds_the_zh_hant_page_and_vice_versa():
    assert "home-visits" in slugs(search(documents.pages("zh_Hant"), "上门"))
    assert "home-visits" in slugs(search(documents.pages("zh_Hans"), "上門"))
    assert slugs(search(documents.pages("zh_Hant"), "征信修复"))[0] in {"credit-reports", "scams"}
    assert "credit-reports" in slugs(search(documents.pages("zh_Hans"), "徵信修復"))


def test_snippets_show_the_readers_script_with_the_match_marked():
    result = next(r for r in search(documents.pages("zh_Hant"), "诉讼时效") if r.page.slug == "repayment-plans")
    marked = "".join(str(h.snippet) for h in result.hits)
    assert "<mark>訴訟時效</mark>" in marked
    assert any(h.section_id == "limitation-period" for h in result.hits)


def test_every_word_must_match_and_the_best_page_comes_first():
    found = search(documents.pages("zh_Hans"), "12378 投诉")
    assert found and all("12378" in r.page.text and "投诉" in r.page.text for r in found)
    assert slugs(search(documents.pages("zh_Hans"), "诉讼时效 还款计划"))[0] == "repayment-plans"


def test_empty_and_unknown_queries_find_nothing():
    pages = documents.pages("zh_Hans")
    assert search(pages, "") == [] and search(pages, "   ") == [] and search(pages, None) == []
    assert search(pages, "火星探测器") == []
    assert terms("a " * 200) == ["a"]


def test_snippet_is_escaped():
    out = str(snippet("前文 <b>上门</b> 后文", [fold("上门")]))
    assert out == "前文 &lt;b&gt;<mark>上门</mark>&lt;/b&gt; 后文"
    assert "<script>" not in str(snippet("<script>alert(1)</script>", [fold("script")]))
