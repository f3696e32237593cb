"""The legal sources the rights pages may cite: a checked-in copy of design §6, and a citation parser.

Titles are the official (Simplified) titles exactly as §6 gives them; ``articles`` are the only article numbers
§6 gives for that document (an empty set: cite the document without an article). A test compares this list with
``design.md`` §6 when that file is present, and every citation against this list: on the rights pages, in every
template and in both assembled catalogs (article numbers in Arabic or Chinese numerals, English "Art." references).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Source:
    title: str
    articles: frozenset[str]
    short_forms: tuple[str, ...] = ()  # §6's short forms for running text: written without 《》
    english: tuple[str, ...] = ()  # names the English message ids use for it ("Civil Code, Art. 1033")


def _arts(*numbers: str) -> frozenset[str]:
    return frozenset(numbers)


SOURCES: tuple[Source, ...] = (
    Source("金融机构个人消费类贷款催收工作指引（试行）", _arts()),  # 中国银行业协会, published 2026-01-30
    Source("互联网金融 个人网络消费信贷 贷后催收风控指引", _arts()),  # GB/T 45251-2025, in force 2025-02-28
    Source("商业银行信用卡业务监督管理办法", _arts("68", "70"),  # 2011
           english=("Measures on the supervision of commercial bank credit card business",)),
    Source("银行保险机构消费者权益保护管理办法", _arts(),  # 2022
           english=("Measures for the Protection of Consumer Rights of Banking and Insurance Institutions",)),
    Source("宪法", _arts("39"), english=("Constitution",)),
    Source("刑法", _arts("245", "293-1"), english=("Criminal Law",)),
    Source("民法典", _arts("1033", "1032", "1024", "1038", "188", "189", "192", "195", "680"),
           english=("Civil Code",)),
    Source("个人信息保护法", _arts("6", "14", "21", "23", "25", "28", "44", "45", "46", "47", "69"),  # 2021
           english=("Personal Information Protection Law",)),
    Source("银行业保险业消费投诉处理管理办法", _arts()),  # CBIRC 2020
    Source("关于审理民事案件适用诉讼时效制度若干问题的规定", _arts("14")),  # 最高人民法院
    # Art. 1 para 2 excludes licensed lenders: never the source of the 24 % figure (§6).
    Source("最高人民法院关于审理民间借贷案件适用法律若干问题的规定", _arts("1", "25", "28", "29"),
           short_forms=("民间借贷司法解释",)),
    Source("征信业管理条例", _arts("15", "16", "17", "25")),
)
BY_TITLE: dict[str, Source] = {s.title: s for s in SOURCES}
BY_ENGLISH: dict[str, Source] = {name: s for s in SOURCES for name in s.english}
BY_SHORT_FORM: dict[str, Source] = {name: s for s in SOURCES for name in s.short_forms}
HOTLINES = frozenset({"12378", "12363", "110"})


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_NUMBER = "[〇零一二两三四五六七八九十百千]+"


def chinese_number(text: str) -> int:
    """第六百八十条 → 680, 第十六条 → 16, 第一千零三十三条 → 1033 (also plain Arabic digits)."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[char]
            digit = None
        else:
            raise ValueError(text)
    return total + (digit or 0)


def _bare_names() -> str:
    names = [s.title for s in SOURCES] + list(BY_ENGLISH) + list(BY_SHORT_FORM)
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


# A citation: a document (《title》, a §6 title or short form written without 《》, or an English name) and the article
# references right after it: 第68条, 第六百八十条, 第293条之一, 第44条至第47条, "Art. 680", "Arts. 44–47".
_TOKEN = re.compile(
    r"《(?P<title>[^《》]+)》"
    rf"|(?P<bare>{_bare_names()})"
    rf"|第(?P<zh>\d+|{_ZH_NUMBER})条(?:之(?P<zhsub>{_ZH_NUMBER}|\d+))?"
    r"|\bArts?\.\s*(?P<en>\d+(?:-\d+)?(?:\s*(?:[–—,]|,?\s*and|to)\s*\d+(?:-\d+)?)*)"
)
_JOIN = re.compile(r"[\s、，,和及与至;；]*")  # between a document and its articles, or between two articles
_RANGE = re.compile(r"至|[–—]|\bto\b")


@dataclass(frozen=True)
class Citation:
    title: str  # folded to Simplified
    articles: tuple[str, ...]
    bracketed: bool = True  # written in 《》
    english: bool = False  # an English name from a message id
    short_form: str = ""  # the §6 short form it was written as (then without 《》)


def _english_articles(spec: str) -> list[tuple[int, int, bool]]:
    """"44–47" / "25, 28 and 29" / "293-1" → [(number, sub, range-from-previous)]."""
    out = []
    for m in re.finditer(r"(\d+)(?:-(\d+))?", spec):
        before = spec[:m.start()]
        out.append((int(m.group(1)), int(m.group(2) or 0), bool(out) and bool(_RANGE.search(before[-4:]))))
    return out


def _scan(text: str) -> tuple[list[Citation], list[str]]:
    """Citations in ``text`` and article references that belong to no document."""
    text = _t2s().convert(text)
    found: list[Citation] = []
    orphans: list[str] = []
    current: dict | None = None
    last_end = 0
    prev: tuple[int, int] | None = None

    def close():
        if current is not None and (current["articles"] or current["bracketed"] or current["short"]):
            arts = sorted(set(current["articles"]), key=_sort_key)
            found.append(Citation(current["title"], tuple(arts), current["bracketed"], current["english"],
                                  current["short"]))

    for m in _TOKEN.finditer(text):
        attached = current is not None and _JOIN.fullmatch(text[last_end:m.start()]) is not None
        if m.group("title") or m.group("bare"):
            close()
            written = (m.group("title") or m.group("bare")).strip()
            english = written in BY_ENGLISH
            source = BY_ENGLISH.get(written) or BY_SHORT_FORM.get(written) or BY_TITLE.get(written)
            current = {"title": source.title if source else written, "articles": [],
                       "bracketed": bool(m.group("title")), "english": english,
                       "short": written if written in BY_SHORT_FORM else ""}
            prev = None
        else:
            if m.group("zh"):
                refs = [(chinese_number(m.group("zh")), chinese_number(m.group("zhsub")) if m.group("zhsub") else 0,
                         prev is not None and "至" in text[last_end:m.start()])]
            else:
                refs = _english_articles(m.group("en"))
            if not attached:
                close()
                current = None
                orphans.append(m.group(0))
            else:
                for num, sub, is_range in refs:
                    if is_range and prev is not None:
                        current["articles"].extend(str(n) for n in range(prev[0] + 1, num))
                    current["articles"].append(f"{num}-{sub}" if sub else str(num))
                    prev = (num, sub)
        last_end = m.end()
    close()
    return found, orphans


def citations(text: str) -> list[Citation]:
    """Every document cited in ``text`` (either script, or English names) with the articles that follow it."""
    return _scan(text)[0]


def _sort_key(article: str) -> tuple[int, int]:
    head, _, sub = article.partition("-")
    return int(head), int(sub or 0)


def unknown_citations(text: str) -> list[str]:
    """Citations not backed by §6, or not written as §6 gives them, as readable lines (empty when all is well)."""
    found, orphans = _scan(text)
    problems = [f"article reference {ref!r} names no document" for ref in orphans]
    for cite in found:
        source = BY_TITLE.get(cite.title)
        if source is None:
            problems.append(f"unknown document 《{cite.title}》")
            continue
        if cite.short_form and cite.bracketed:
            problems.append(f"{cite.short_form} is a short name, not a title: write it without 《》")
        elif not cite.english and not cite.short_form and not cite.bracketed:
            problems.append(f"《{cite.title}》 is cited without 《》")
        for article in cite.articles:
            if article not in source.articles:
                problems.append(f"《{cite.title}》 has no article {article} in design §6")
    return problems


# design.md §6 is English prose: 《title》 (or a bare Chinese name right before "Art") followed by "Art. 68",
# "Arts. 44–47", "Arts. 25, 28, 29"; each article belongs to the document named last.
_DESIGN_TOKEN = re.compile(
    r"《(?P<title>[^《》]+)》|(?P<bare>[\u4e00-\u9fff]+)(?=\s+Arts?\.)|Arts?\.\s*(?P<arts>\d+(?:-\d+)?"
    r"(?:\s*(?:[–—]|,\s*)\s*\d+(?:-\d+)?)*)"
)


def sources_from_design(markdown: str) -> dict[str, frozenset[str]]:
    """Parse design.md's §6 into {title: articles}."""
    start = markdown.index("## 6.")
    end = markdown.find("\n## ", start + 1)
    section = markdown[start:end if end != -1 else None]
    found: dict[str, set[str]] = {}
    current: str | None = None
    for m in _DESIGN_TOKEN.finditer(section):
        if m.group("title") or m.group("bare"):
            current = re.sub(r"\s*\n\s*", "", m.group("title") or m.group("bare")).strip()
            found.setdefault(current, set())
            continue
        assert current is not None, m.group(0)
        for part in re.split(r",\s*", m.group("arts")):
            bounds = re.split(r"\s*[–—]\s*", part)
            if len(bounds) == 2:
                found[current].update(str(n) for n in range(int(bounds[0]), int(bounds[1]) + 1))
            else:
                found[current].add(bounds[0])
    return {title: frozenset(arts) for title, arts in found.items()}
