"""Numbers in running text: phone numbers become ``tel:`` links, and amounts, references, times and account numbers
never break across lines (``<span class="nowrap">``). Jinja filters:

- ``{{ _("… call 110 …") | phones }}``: every phone number in an (escaped) text becomes a ``tel:`` link: the
  public numbers of design §6 (110, 12378, 12363), the lender's hotline and mainland mobile numbers; a complaint
  reference written in the text (``TS-…``) is kept whole;
- ``{{ ref | nowrap }}``: one unbreakable piece (a reference such as ``TS-…`` or a loan reference);
- ``{{ number | account_number }}``: a bank account number in groups of four digits that still copies, and
  selects, as one run of digits (the groups are spans spaced by CSS, not spaces).

``money`` in templates (see ``portal.i18n``) is wrapped in ``nowrap`` the same way.
"""
from __future__ import annotations

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
_REFERENCE = re.compile(r"\bTS-[0-9A-Z]+(?:-[0-9A-Z]+)*")


def nowrap(value) -> Markup:
    return Markup('<span class="nowrap">%s</span>') % value


def tel_href(number: str) -> str:
    return "tel:" + re.sub(r"[^\d+]", "", number)


def tel(number) -> Markup:
    """One phone number as a link that a phone dials."""
    number = str(number)
    return Markup('<a class="tel nowrap" href="%s">%s</a>') % (tel_href(number), number)


def _hotline() -> str:
    return current_app.config.get("LENDER_HOTLINE", "") if has_app_context() else ""


def _pattern(hotline: str) -> re.Pattern:
    numbers = [re.escape(n) for n in (hotline, *PUBLIC_NUMBERS) if n]
    return re.compile(f"{_BEFORE}({'|'.join(numbers)}|{_MOBILE}){_AFTER}")


def phones(text, hotline: str | None = None) -> Markup:
    """``text`` escaped (unless already markup) with every phone number outside a link made a ``tel:`` link."""
    html = text if isinstance(text, Markup) else escape(text)
    pattern = _pattern(_hotline() if hotline is None else hotline)
    out, in_link = [], 0
    for part in _TAG_OR_TEXT.split(str(html)):
        if part.startswith("<"):
            name = part[1:].split(None, 1)[0].rstrip(">").lower() if len(part) > 2 else ""
            in_link += 1 if name == "a" else -1 if name == "/a" else 0
            out.append(part)
        elif in_link:
            out.append(part)
        else:
            part = pattern.sub(lambda m: str(tel(Markup(m.group(1)))), part)
            out.append(_REFERENCE.sub(lambda m: str(nowrap(Markup(m.group(0)))), part))
    return Markup("".join(out))


def group_digits(number: str, size: int = 4) -> list[str]:
    digits = re.sub(r"\s", "", str(number))
    return [digits[i:i + size] for i in range(0, len(digits), size)]


def account_number(number) -> Markup:
    groups = Markup("").join(Markup("<span>%s</span>") % g for g in group_digits(number))
    return Markup('<span class="account-number" translate="no">%s</span>') % groups


def configure(app: Flask) -> None:
    app.jinja_env.filters.update(phones=phones, nowrap=nowrap, tel=tel, account_number=account_number)
