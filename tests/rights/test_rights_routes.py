"""Request tests: every page in both scripts, search in both scripts, bad input, 404, public access, links."""
from __future__ import annotations

import pytest
from flask import render_template_string

from portal.rights.links import SECTIONS, rights_url

HANS = {"Accept-Language": "zh-CN"}
HANT = {"Accept-Language": "zh-TW"}


@pytest.mark.parametrize("slug", list(SECTIONS))
@pytest.mark.parametrize("headers,lang,todo", [(HANS, "zh-Hans", "现在可以做什么"), (HANT, "zh-Hant", "現在可以做什麼")])
def test_every_page_renders_publicly_with_box_toc_and_date(client, slug, headers, lang, todo):
    response = client.get(f"/rights/{slug}", headers=headers)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'lang="{lang}"' in html and html.count("<h1") == 1
    assert todo in html and 'class="rights-toc"' in html
    for section in SECTIONS[slug]:
        assert f'id="{section}"' in html
    assert "2026" in html and ("最近核对" in html or "最近核對" in html)
    assert ("不是针对您个人情况" in html) or ("不是針對您個人情況" in html)


def test_page_cites_sources_and_lists_them(client):
    html = client.get("/rights/repayment-plans", headers=HANT).get_data(as_text=True)
    assert "（《民法典》第188條）" in html
    assert "<li>《關於審理民事案件適用訴訟時效制度若干問題的規定》</li>" in html


@pytest.mark.parametrize("path", ["/rights/no-such-page", "/rights/AT-A-GLANCE", "/rights/..%2Fetc"])
def test_unknown_slug_is_404(client, path):
    assert client.get(path).status_code == 404


def test_index_lists_every_page(client):
    html = client.get("/rights", headers=HANS).get_data(as_text=True)
    for slug in SECTIONS:
        assert f'href="/rights/{slug}"' in html
    assert 'role="search"' in html and 'name="q"' in html and "<mark>" not in html


def test_search_in_traditional_finds_simplified_page_with_highlight(client):
    html = client.get("/rights?q=上門", headers=HANS).get_data(as_text=True)
    assert "<mark>上门</mark>" in html
    assert 'href="/rights/home-visits#before-visit"' in html
    assert 'value="上門"' in html  # keeps what the user typed


def test_search_in_simplified_finds_traditional_page(client):
    html = client.get("/rights?q=征信修复", headers=HANT).get_data(as_text=True)
    assert "<mark>徵信修復</mark>" in html and 'href="/rights/credit-reports"' in html


def test_search_output_is_escaped(client):
    html = client.get("/rights?q=<script>alert(1)</script>", headers=HANS).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "没有找到" in html  # kind no-result message, and the pages are still listed
    assert 'href="/rights/scams"' in html


def test_empty_search_asks_for_a_word(client):
    html = client.get("/rights?q=+", headers=HANT).get_data(as_text=True)
    assert "請輸入要找的詞" in html and 'href="/rights/scams"' in html


def test_too_long_query_shows_the_error_next_to_the_field(client):
    response = client.get("/rights?q=" + "上" * 101, headers=HANS)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="error-summary"' in html and 'aria-invalid="true"' in html and "最多输入 100 个字" in html


def test_pages_are_public_for_borrowers_and_staff_too(client, create_borrower, create_staff, login):
    login(client, create_borrower())
    assert client.get("/rights/scams").status_code == 200
    assert client.get("/rights?q=110").status_code == 200


def test_rights_url_helper_and_template_global(app):
    with app.test_request_context():
        assert rights_url("repayment-plans", "limitation-period") == "/rights/repayment-plans#limitation-period"
        assert rights_url("scams") == "/rights/scams"
        assert render_template_string("{{ rights_url('home-visits', 'check-visitors') }}") == \
            "/rights/home-visits#check-visitors"
        assert render_template_string("{{ nav_url('rights.page', slug='credit-reports') }}") == "/rights/credit-reports"
        with pytest.raises(ValueError):
            rights_url("nope")
        with pytest.raises(ValueError):
            rights_url("scams", "limitation-period")


@pytest.mark.parametrize("path", ["/rights", "/rights?q=上門", *(f"/rights/{slug}" for slug in SECTIONS)])
def test_zh_hant_pages_have_no_simplified_characters_or_english(client, path):
    import re

    import opencc

    html = client.get(path, headers=HANT).get_data(as_text=True)
    main = html[html.index("<main"):html.index("</main>")]
    text = re.sub(r"<[^>]+>", " ", main)
    s2tw = opencc.OpenCC("s2tw")
    assert sorted({a for a, b in zip(text, s2tw.convert(text)) if a != b}) == []
    assert set(re.findall(r"[A-Za-z]{3,}", text)) <= {"LPR"}


def test_a_question_in_either_script_lists_the_collector_conduct_page_first(client):
    for question in ("催收人员威胁我怎么办", "催收人員威脅我怎麼辦"):
        for headers, marked in ((HANS, "<mark>威胁</mark>"), (HANT, "<mark>威脅</mark>")):
            html = client.get("/rights", query_string={"q": question}, headers=headers).get_data(as_text=True)
            cards = html.split('<li class="card">')[1:]
            assert cards, question
            first = cards[0]
            assert 'href="/rights/collector-conduct"' in first
            assert 'href="/rights/collector-conduct#threats"' in first and marked in first


def test_a_page_read_in_both_scripts_in_turn_keeps_each_script(client):
    # The body is rendered once per locale and reused: each reader still gets their own script, every time.
    for _ in range(2):
        hans = client.get("/rights/home-visits", headers=HANS).get_data(as_text=True)
        hant = client.get("/rights/home-visits", headers=HANT).get_data(as_text=True)
        assert "现在可以做什么" in hans and "現在可以做什麼" not in hans and "最近核对" in hans
        assert "現在可以做什麼" in hant and "现在可以做什么" not in hant and "最近核對" in hant
        assert 'href="/rights/scams"' in hans and 'href="/rights/scams"' in hant
        assert 'href="/rights/home-visits"' not in hant.split('class="rights-more"')[1]
