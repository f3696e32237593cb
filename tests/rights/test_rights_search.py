"""Search folds both scripts, keeps positions, escapes the snippet, highlights every match, understands questions
and ranks pages by relevance."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from portal.rights import documents
import pytest

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


def test_pages_with_every_word_rank_above_pages_with_some():
    found = search(documents.pages("zh_Hans"), "12378 投诉")
    assert found[0].page.slug == "complaints-escalation"
    both = [("12378" in r.page.text and "投诉" in r.page.text) for r in found]
    assert both == sorted(both, reverse=True)  # no page with one word above a page with both
    assert slugs(search(documents.pages("zh_Hans"), "诉讼时效 还款方案"))[0] == "repayment-plans"


# Questions a borrower types, in both scripts, and the page that answers them.
QUESTIONS = [
    ("催收人员威胁我怎么办", "催收人員威脅我怎麼辦", "collector-conduct"),
    ("半夜打电话催收", "半夜打電話催收", "collector-conduct"),
    ("晚上11点还打电话催收合法吗", "晚上11點還打電話催收合法嗎", "collector-conduct"),
    ("上门的人不肯走怎么办", "上門的人不肯走怎麼辦", "home-visits"),
    ("利息太高了合法吗", "利息太高了合法嗎", "interest-charges"),
    ("逾期会影响征信吗", "逾期會影響徵信嗎", "credit-reports"),
    ("我想分期还款", "我想分期還款", "repayment-plans"),
    ("去哪里投诉", "去哪裡投訴", "complaints-escalation"),
    ("有人让我转账到个人账户", "有人讓我轉帳到個人帳戶", "scams"),
]


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
@pytest.mark.parametrize("hans, hant, slug", QUESTIONS)
def test_a_question_in_either_script_finds_the_page_that_answers_it_first(locale, hans, hant, slug):
    assert terms(hans) == terms(hant)
    for question in (hans, hant):
        assert slugs(search(documents.pages(locale), question))[0] == slug, question


def test_question_words_are_dropped_and_the_subject_kept():
    assert terms("催收人員威脅我怎麼辦") == [w for w in terms("催收人员威胁我怎么办")]
    assert {"催收", "威胁"} <= set(terms("催收人员威胁我怎么办"))
    assert not {"我", "怎么办", "怎么"} & set(terms("催收人员威胁我怎么办"))
    assert "家人" in terms("催收打电话给我家人")  # 我家人 holds 家人 as well as 我家


def test_the_collector_conduct_page_shows_the_threats_section_marked():
    result = search(documents.pages("zh_Hant"), "催收人员威胁我怎么办")[0]
    assert result.page.slug == "collector-conduct"
    assert result.hits[0].section_id == "threats"
    assert "<mark>威脅</mark>" in str(result.hits[0].snippet)


def test_a_question_sharing_only_common_words_does_not_list_every_page():
    found = search(documents.pages("zh_Hans"), "催收人员威胁我怎么办")
    assert 1 <= len(found) < len(documents.pages("zh_Hans"))
    assert search(documents.pages("zh_Hans"), "我怎么办") == []


def test_empty_and_unknown_queries_find_nothing():
    pages = documents.pages("zh_Hans")
    assert search(pages, "") == [] and search(pages, "   ") == [] and search(pages, None) == []
    assert search(pages, "火星探测器") == []
    assert terms("ab " * 200) == ["ab"]
    assert search(pages, "alert(1)") == []  # a lone digit matches nothing on its own


def test_snippet_is_escaped():
    out = str(snippet("前文 <b>上门</b> 后文", [fold("上门")]))
    assert out == "前文 &lt;b&gt;<mark>上门</mark>&lt;/b&gt; 后文"
    assert "<script>" not in str(snippet("<script>alert(1)</script>", [fold("script")]))
