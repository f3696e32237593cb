"""Search over the rights pages of one locale. A query in either script finds the page: query and text are both
folded character by character (Traditional -> Simplified with OpenCC, NFKC, case), which keeps positions, so the
snippet shows the reader's own text with the match highlighted. Pure module: no Flask."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from portal.rights.documents import RightsPage

MAX_QUERY = 100
MAX_TERMS = 5
HITS_PER_PAGE = 3
RADIUS = 28


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    simple = _t2s().convert(ch)
    simple = simple if len(simple) == 1 else ch
    folded = unicodedata.normalize("NFKC", simple).casefold()
    return folded if len(folded) == 1 else simple


def fold(text: str) -> str:
    """Same length as ``text``: one folded character per character."""
    return "".join(_fold_char(ch) for ch in text)


def terms(query: str | None) -> list[str]:
    seen: list[str] = []
    for word in (query or "")[:MAX_QUERY].split():
        word = fold(word)
        if word and word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


@dataclass(frozen=True)
class Hit:
    section_id: str | None
    section_title: str
    snippet: Markup


@dataclass(frozen=True)
class Result:
    page: RightsPage
    hits: tuple[Hit, ...]
    score: int


def _spans(folded: str, words: list[str]) -> list[tuple[int, int]]:
    spans = []
    for word in words:
        start = folded.find(word)
        while start != -1:
            spans.append((start, start + len(word)))
            start = folded.find(word, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def snippet(text: str, words: list[str], radius: int = RADIUS) -> Markup | None:
    """A short, escaped excerpt around the first match, every match inside it wrapped in <mark>."""
    text = " ".join(text.split())
    folded = fold(text)
    spans = _spans(folded, words)
    if not spans:
        return None
    first = spans[0][0]
    a, b = max(0, first - radius), min(len(text), first + radius * 2)
    out = Markup("…") if a else Markup("")
    pos = a
    for s, e in spans:
        if e <= a or s >= b:
            continue
        s, e = max(s, a), min(e, b)
        out += escape(text[pos:s]) + Markup("<mark>") + escape(text[s:e]) + Markup("</mark>")
        pos = e
    out += escape(text[pos:b])
    return out + (Markup("…") if b < len(text) else Markup(""))


def search(pages: tuple[RightsPage, ...], query: str | None) -> list[Result]:
    """Pages containing every word of the query, best first, each with up to three snippets."""
    words = terms(query)
    if not words:
        return []
    results = []
    for page in pages:
        folded = fold(page.text)
        if not all(w in folded for w in words):
            continue
        hits: list[Hit] = []
        for section in page.sections:
            if len(hits) == HITS_PER_PAGE:
                break
            found = snippet(section.text, words)
            if found is None and snippet(section.title, words) is not None:
                found = escape(section.text[: RADIUS * 3]) + Markup("…")
            if found is not None:
                hits.append(Hit(section.id, section.title, found))
        if not hits:
            hits.append(Hit(None, "", snippet(page.summary, words) or escape(page.summary)))
        score = sum(folded.count(w) for w in words) + 10 * sum(w in fold(page.title) for w in words)
        results.append(Result(page, tuple(hits), score))
    return sorted(results, key=lambda r: (-r.score, r.page.order))
