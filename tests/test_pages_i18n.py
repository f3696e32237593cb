"""Every page without URL parameters, in zh_Hant: no Simplified character and no untranslated English (and each
id once, every ``<label for>`` naming an element: tests/html_checks.py).

Walks the URL map, so pages that domains add later are covered too (as anonymous, borrower and supervisor).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import opencc
import pytest

from tests.html_checks import assert_ids_ok

_S2T = opencc.OpenCC("s2tw")
ALLOWED_LATIN = {"CNY", "CN", "SMS", "PDF", "ID", "IP", "CSV", "MB", "KB", "TOTP", "App", "APP", "JPG", "PNG",
                 "JPEG", "HEIC", "MP3", "M4A", "AMR", "WAV", "AAC", "WEBP", "SVG", "M1", "M2", "M3", "M4", "LPR",
                 "GB", "Google", "Authenticator", "WeChat", "QQ", "WiFi", "Wi", "Fi", "OK", "URL", "FAQ", "TS"}

# File formats are named by their (Latin) names in every language.
FILE_FORMATS = {"jpg", "jpeg", "png", "webp", "heic", "heif", "pdf", "mp3", "m4a", "amr", "aac", "wav", "csv", "jsonl"}


class _Text(HTMLParser):
    SKIP = {"script", "style", "code", "pre", "kbd", "samp"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self._skip_tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        # Code, and text marked as another language (the switch to 简体中文), are not zh_Hant prose.
        if tag in self.SKIP or dict(attrs).get("lang", "").startswith("zh-Hans"):
            self._skip += 1
            self._skip_tags.append(tag)
            return
        if self._skip:
            return
        for name, value in attrs:
            if name in {"aria-label", "title", "alt", "placeholder"} and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if self._skip_tags and tag == self._skip_tags[-1]:
            self._skip_tags.pop()
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def check_hant(html: str, where: str, allowed=frozenset()) -> None:
    text = visible_text(html)
    converted = _S2T.convert(text)
    if converted != text:
        bad = sorted({a for a, b in zip(text, converted) if a != b})
        pytest.fail(f"{where}: Simplified characters {bad}")
    # Codes (references, secrets, badge numbers) are upper case; prose is not.
    words = {w for w in re.findall(r"[A-Za-z][A-Za-z']{2,}", text) if w.lower() not in FILE_FORMATS and not w.isupper()}
    words -= ALLOWED_LATIN | set(allowed)
    assert not words, f"{where}: untranslated English {sorted(words)[:20]}"


def _simple_get_routes(app, prefix_filter):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and prefix_filter(rule.rule) \
                and not rule.endpoint.startswith("static") and rule.rule != "/healthz" and "export" not in rule.rule \
                and not rule.rule.endswith(".csv"):
            yield rule.rule


def _fetch_all(client, paths, where):
    for path in paths:
        response = client.get(path, headers={"Accept-Language": "zh-TW"})
        if response.status_code in (301, 302, 303):
            continue
        assert response.status_code < 500, f"{path}: {response.status_code}"
        if response.mimetype == "text/html":
            body = response.get_data(as_text=True)
            check_hant(body, f"{where} {path}", allowed={"zhao"})
            assert_ids_ok(body, f"{where} {path}")


def test_public_pages_in_zh_hant(app, client):
    _fetch_all(client, _simple_get_routes(app, lambda r: True), "anonymous")
    for path in ("/activate?step=code", "/no-such-page"):
        body = client.get(path, headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)
        check_hant(body, path)
        assert_ids_ok(body, path)


def test_borrower_pages_in_zh_hant(app, client, create_borrower, create_loan, login):
    b = create_borrower(name="陳美玲", locale="zh_Hant", address="臺北市信義區市府路 1 號")
    create_loan(b)
    login(client, b)
    _fetch_all(client, _simple_get_routes(app, lambda r: not r.startswith("/staff")), "borrower")


def test_staff_pages_in_zh_hant(app, client, create_staff, login):
    login(client, create_staff(role="supervisor", username="zhao", display_name="趙主管"))
    _fetch_all(client, _simple_get_routes(app, lambda r: r.startswith("/staff")), "supervisor")
