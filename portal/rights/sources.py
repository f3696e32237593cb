"""The legal sources the rights pages may cite: a checked-in copy of design §6, and a citation parser.

Titles are the official (Simplified) titles exactly as §6 gives them; ``articles`` are the only article numbers
§6 gives for that document (an empty set: cite the document without an article). A test compares this list with
``design.md`` §6 when that file is present, and every citation on the pages against this list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Source:
    title: str
    articles: frozenset[str]


def _arts(*numbers: str) -> frozenset[str]:
    return frozenset(numbers)


SOURCES: tuple[Source, ...] = (
    Source("金融机构个人消费类贷款催收工作指引（试行）", _arts()),  # 中国银行业协会, published 2026-01-30
    Source("互联网金融 个人网络消费信贷 贷后催收风控指引", _arts()),  # GB/T 45251-2025, in force 2025-02-28
    Source("商业银行信用卡业务监督管理办法", _arts("68", "70")),  # 2011
    Source("银行保险机构消费者权益保护管理办法", _arts()),  # 2022
    Source("宪法", _arts("39")),
    Source("刑法", _arts("245", "293-1")),
    Source("民法典", _arts("1033", "1032", "1024", "1038", "188", "189", "192", "680")),
    Source("个人信息保护法", _arts("6", "14", "21", "23", "25", "28", "44", "45", "46", "47", "69")),  # 2021
    Source("银行业保险业消费投诉处理管理办法", _arts()),  # CBIRC 2020
    Source("关于审理民事案件适用诉讼时效制度若干问题的规定", _arts("14")),  # 最高人民法院
    Source("最高人民法院民间借贷规定", _arts("25", "28", "29")),  # §6 names it so, without 《》
    Source("征信业管理条例", _arts("15", "16", "17", "25")),
)
BY_TITLE: dict[str, Source] = {s.title: s for s in SOURCES}
HOTLINES = frozenset({"12378", "12363", "110"})


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


# 《标题》 then article references: 第68条, 第293条之一, 第44条至第47条, joined by 、 和 及 与 ，
_CITATION = re.compile(r"《([^《》]+)》((?:\s*(?:第\d+条(?:之一)?|[、，,和及与至]|\s))*)")
_ARTICLE = re.compile(r"第(\d+)条(之一)?")


@dataclass(frozen=True)
class Citation:
    title: str  # folded to Simplified
    articles: tuple[str, ...]


def citations(text: str) -> list[Citation]:
    """Every 《document》 cited in ``text`` (either script) with the articles that follow it."""
    found: list[Citation] = []
    for match in _CITATION.finditer(_t2s().convert(text)):
        refs = [(int(m.group(1)), bool(m.group(2))) for m in _ARTICLE.finditer(match.group(2))]
        articles: list[str] = []
        tail = match.group(2)
        for i, (num, sub) in enumerate(refs):
            articles.append(f"{num}-1" if sub else str(num))
            if i and "至" in tail.split(f"第{refs[i - 1][0]}条", 1)[-1].split(f"第{num}条", 1)[0]:
                articles.extend(str(n) for n in range(refs[i - 1][0] + 1, num))
        found.append(Citation(match.group(1).strip(), tuple(sorted(set(articles), key=_sort_key))))
    return found


def _sort_key(article: str) -> tuple[int, int]:
    head, _, sub = article.partition("-")
    return int(head), int(sub or 0)


def unknown_citations(text: str) -> list[str]:
    """Citations not backed by §6, as readable lines (empty when every citation is allowed)."""
    problems = []
    for cite in citations(text):
        source = BY_TITLE.get(cite.title)
        if source is None:
            problems.append(f"unknown document 《{cite.title}》")
            continue
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
