"""Numbers in running text: phone numbers become ``tel:`` links, and amounts, references, times and account numbers
never break across lines (``<span class="nowrap">``). Jinja filters:

- ``{{ _("… call 110 …") | numbers }}``: every phone number in an (escaped) text becomes a ``tel:`` link (the
  public numbers of design §6 — 110, 12378, 12363 —, the lender's hotline and mainland mobile numbers), and the
  amounts (¥1,234.56) and references (``TS-…``, loan references) written in it are kept whole. For texts built in
  Python (state descriptions shared with SMS), and for translations that name a number;
- ``{{ ref | nowrap }}``: one unbreakable piece (a reference such as ``TS-…`` or a loan reference);
- ``{{ number | account_number }}``: a bank account number in groups of four digits that still copies, and
  selects, as one run of digits (the groups are spans spaced by CSS, not spaces).

``money`` in templates (see ``portal.i18n``) is wrapped in ``nowrap`` the same way.
"""
from __future__ import annotations

import functools
import re

from flask import Flask, current_app, has_app_context
from markupsafe import Markup, escape

# Public numbers named in design §6. Short numbers are linked only as whole numbers not read as an article, an
# amount or a date (第110条, ¥110, 110元 stay text).
PUBLIC_NUMBERS = ("12378", "12363", "110")
_MOBILE = r"1[3-9]\d(?:[ -]?\d{4}){2}"
_BEFORE = r"(?<![0-9A-Za-z¥$.,:/#_-])(?<!第)"
_AFTER = r"(?![0-9A-Za-z_%％])(?![.,:/-]\d)(?!\s?(?:条|條|元|年|月|日|号|號|款|项|項|页|頁|天|个|個|次|分|秒|岁|歲))"
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
# Amounts as portal.i18n.money writes them, and codes: a capital letter and then capitals, digits and hyphens,
# with at least one digit (TS-20261122-0042, L2025000101).
_WHOLE = re.compile(r"¥[\d,]+(?:\.\d+)?|\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*\b")
_SHORTEST_CODE = 5  # M2 (an overdue stage) is a word, not a code
_PLAIN = re.compile(r"[^<>&'\"]*")  # nothing markupsafe would escape
_MARKED = re.compile(r'(<a [^>]*>[^<]*</a>|<span class="nowrap">[^<]*</span>)')  # a phone number just marked
_DIGIT_OR_YEN = re.compile(r"[0-9¥]")  # every phone number, amount and code ``numbers`` marks holds one


def nowrap(value) -> Markup:
    return Markup('<span class="nowrap">%s</span>') % value


def nowrap_plain(text: str) -> Markup:
    """``nowrap`` of a text known to hold no markup characters (an amount as ``portal.i18n`` formats it): no
    escaping pass. Anything else goes through ``nowrap``."""
    if _PLAIN.fullmatch(text):
        return Markup('<span class="nowrap">' + text + "</span>")
    return nowrap(text)


def tel_href(number: str) -> str:
    return "tel:" + re.sub(r"[^\d+]", "", number)


def tel(number) -> Markup:
    """One phone number as a link that a phone dials; the lender's hotline written as configured (400-000-0000),
    however it was stored (4000000000 in the published list of numbers)."""
    number = str(number)
    hotline = _hotline()
    if hotline and tel_href(number) == tel_href(hotline):
        number = hotline
    return Markup('<a class="tel nowrap" href="%s">%s</a>') % (tel_href(number), number)


def _hotline() -> str:
    return current_app.config.get("LENDER_HOTLINE", "") if has_app_context() else ""


@functools.lru_cache(maxsize=16)
def _pattern(hotline: str) -> re.Pattern:
    numbers = [re.escape(n) for n in (hotline, *PUBLIC_NUMBERS) if n]
    return re.compile(f"{_BEFORE}({'|'.join(numbers)}|{_MOBILE}){_AFTER}")


def _keep_whole(match: re.Match) -> str:
    found = match.group(0)
    code = len(found) >= _SHORTEST_CODE and any(ch.isdigit() for ch in found)
    return str(nowrap(Markup(found))) if found.startswith("¥") or code else found


def numbers(text, hotline: str | None = None, link: bool = True) -> Markup:
    """``text`` escaped (unless already markup), every phone number outside a link made a ``tel:`` link, amounts and
    references outside a link or a no-wrap span kept whole. ``link=False``: phone numbers are only kept whole, not
    linked (examples of what to type, which nobody should dial)."""
    html = text if isinstance(text, Markup) else escape(text)
    if not _DIGIT_OR_YEN.search(html):  # nothing to link or keep whole ("How to pay")
        return Markup(html)
    return _mark(html, _pattern(_hotline() if hotline is None else hotline), tel if link else nowrap)


def _mark(html: Markup, pattern: re.Pattern, phone=tel) -> Markup:
    out, in_link, spans = [], 0, []  # spans: for each open <span>, whether it is a no-wrap one
    for part in _TAG_OR_TEXT.split(str(html)):
        if part.startswith("<"):
            name = part[1:].split(None, 1)[0].rstrip(">").lower() if len(part) > 2 else ""
            in_link += 1 if name == "a" else -1 if name == "/a" else 0
            if name == "span":
                spans.append("nowrap" in part)
            elif name == "/span" and spans:
                spans.pop()
            out.append(part)
        elif in_link:
            out.append(part)
        else:
            pieces = _MARKED.split(pattern.sub(lambda m: str(phone(Markup(m.group(1)))), part))
            if not any(spans):
                pieces = [p if p.startswith("<") else _WHOLE.sub(_keep_whole, p)
                          for p in pieces]
            out.append("".join(pieces))
    return Markup("".join(out))


def group_digits(number: str, size: int = 4) -> list[str]:
    digits = re.sub(r"\s", "", str(number))
    return [digits[i:i + size] for i in range(0, len(digits), size)]


def account_number(number) -> Markup:
    groups = group_digits(number)
    if all(g.isalnum() for g in groups):  # an account number: nothing to escape, no formatting pass per group
        return Markup('<span class="account-number" translate="no"><span>' + "</span><span>".join(groups)
                      + "</span></span>")
    inner = Markup("").join(Markup("<span>%s</span>") % g for g in groups)
    return Markup('<span class="account-number" translate="no">%s</span>') % inner


def configure(app: Flask) -> None:
    app.jinja_env.filters.update(numbers=numbers, nowrap=nowrap, tel=tel, account_number=account_number)
