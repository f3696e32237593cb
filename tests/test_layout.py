"""The layout around every page: menu, footer and form addresses in the reader's script, the current menu entry."""
from __future__ import annotations

import re

from tests.conftest import login_as


def _menu(html: str) -> list[tuple[str, str, bool]]:
    nav = html[html.index('<nav class="main-nav"'):html.index("</nav>")]
    return [(href, label, bool(current)) for href, current, label
            in re.findall(r'<li><a href="([^"]+)"( aria-current="page")?>([^<]+)</a></li>', nav)]


def _footer(html: str) -> str:
    return html[html.index('<footer'):html.index("</footer>")]


def test_menu_and_footer_follow_the_locale_page_after_page(client, create_borrower):
    login_as(client, create_borrower())
    for _ in range(2):  # each script twice: built once, then reused, never the other script's
        client.set_cookie("portal_locale", "zh_Hans")
        hans = client.get("/loans").get_data(as_text=True)
        assert ("/loans", "我的借款", True) in _menu(hans)
        assert "您的权利" in _footer(hans) and 'href="tel:' in _footer(hans)
        client.set_cookie("portal_locale", "zh_Hant")
        hant = client.get("/loans").get_data(as_text=True)
        assert ("/loans", "我的借款", True) in _menu(hant)
        assert "您的權利" in _footer(hant) and "您的权利" not in _footer(hant)
        assert "/rights" in _footer(hant)


def test_current_menu_entry_is_the_page_section(client, create_borrower):
    login_as(client, create_borrower())
    menu = _menu(client.get("/rights/scams").get_data(as_text=True))
    assert [href for href, _label, current in menu if current] == ["/rights"]
    assert len(menu) == 7
    assert not [href for href, _l, current in _menu(client.get("/").get_data(as_text=True)) if current]


def test_the_layout_follows_the_script_root(client):
    html = client.get("/", base_url="http://localhost/portal").get_data(as_text=True)
    assert 'href="/portal/static/portal.css' in html
    assert 'href="/portal/rights"' in _footer(html)
    assert 'action="/portal/language"' in html
