"""Search over the rights pages of one locale, for words or whole questions ("催收人员威胁我怎么办").

Query and text are both folded character by character (Traditional -> Simplified with OpenCC, NFKC, case), which
keeps positions, so the snippet shows the reader's own text with the match highlighted and a query in either script
finds the same pages. A query is cut into words by jieba (on the folded, Simplified text: jieba does not segment
Traditional), question words such as 我 and 怎么办 are dropped, and pages are ranked by how much of the query they
cover, rarer words weighing more (a small BM25-style score over the handful of pages). jieba's dictionary costs
~90 MB per process, so it is loaded on the first search, not at start. Pure module: no Flask.
"""
from __future__ import annotations

import logging
import math
import re
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from portal.rights.documents import RightsPage

MAX_QUERY = 100
MAX_TERMS = 12
HITS_PER_PAGE = 3
RADIUS = 28
# A result must score at least this share of the best one: a question sharing one common word with a page does not
# list every page.
MIN_SHARE = 0.3
TITLE_WEIGHT = 2.0

# Words of a question that say nothing about its subject (Simplified: queries are folded before segmentation).
STOP_WORDS = frozenset("""
我 你 您 他 她 它 我们 你们 您们 他们 她们 咱们 自己 别人 人家 我家 谁
的 地 得 了 着 过 吗 呢 吧 啊 呀 哦 嘛 么 啦 哪 哪里 哪儿 那 这 那个 这个 那些 这些 这样 那样 这么 那么
是 不是 是不是 在 有 有没有 没有 没 不 就 都 也 还 还是 又 再 很 太 更 最 和 与 及 或 或者 跟 同 对 向 把 被 给 让 叫
到 去 来 从 于 为 为了 因为 所以 如果 但是 可是 而且 然后 已经 一直 总是 老是 经常 现在 今天 昨天 一下 一个 个
要 想 会 能 能不能 可以 可不可以 可能 应该 应当 需要 得到 该 办 做 干 搞 说 讲 问 请问 请 帮 帮忙 告诉
怎 怎么 怎么办 怎么样 怎样 如何 什么 为什么 为啥 啥 多少 几 合法 合不合法 正常 行不行 行 好 对不对
""".split())

_WORD = re.compile(r"\w", re.UNICODE)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


# Characters OpenCC leaves apart when converted one by one (it joins them only inside phrases: 帳戶 -> 账户).
_VARIANTS = {"帐": "账", "著": "着"}


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    simple = _t2s().convert(ch)
    simple = simple if len(simple) == 1 else ch
    simple = _VARIANTS.get(simple, simple)
    folded = unicodedata.normalize("NFKC", simple).casefold()
    return folded if len(folded) == 1 else simple


def fold(text: str) -> str:
    """Same length as ``text``: one folded character per character."""
    return "".join(_fold_char(ch) for ch in text)


@lru_cache(maxsize=2048)
def _folded(text: str) -> str:
    """``fold`` of the pages' own texts, which do not change while the app runs."""
    return fold(text)


@lru_cache(maxsize=1)
def _segmenter():
    """jieba's tokenizer, loaded once per process on first use (its cache file goes to the system temp dir)."""
    with warnings.catch_warnings():  # jieba 0.42 imports pkg_resources, deprecated in newer setuptools
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = tempfile.gettempdir()
    return tokenizer


def _words(chunk: str) -> list[str]:
    """jieba's words of one folded chunk: the best cut with the shorter words inside each (诉讼时效 -> 诉讼, 时效,
    诉讼时效), and the dictionary words that a question word would hide (我家人 is cut 我家 / 人; 家人 is kept)."""
    segmenter = _segmenter()
    cut = list(segmenter.tokenize(chunk, mode="search"))
    hidden = [(a, b) for word, a, b in cut if word in STOP_WORDS]
    found = [word for word, _, _ in cut]
    for word in segmenter.cut(chunk, cut_all=True):
        start = chunk.find(word)
        while start != -1:
            if any(start < b and a < start + len(word) for a, b in hidden):
                found.append(word)
                break
            start = chunk.find(word, start + 1)
    return found


def terms(query: str | None) -> list[str]:
    """The words of a query that carry its subject, folded, in order, without repeats."""
    seen: list[str] = []
    for chunk in (query or "")[:MAX_QUERY].split():
        for word in _words(fold(chunk)):
            word = word.strip()
            if word.isascii() and len(word) < 2:  # a lone digit or letter matches almost anything
                continue
            if _WORD.search(word) and word not in STOP_WORDS and word not in seen:
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


K1, B = 1.2, 0.75  # BM25: how fast repeats stop counting, and how much a long page is discounted


def _saturated(count: int, length: int, average: float) -> float:
    return count * (K1 + 1) / (count + K1 * (1 - B + B * length / average))


def search(pages: tuple[RightsPage, ...], query: str | None) -> list[Result]:
    """Pages matching the query's words, most relevant first, each with up to three snippets (best sections)."""
    words = terms(query)
    if not words:
        return []
    folded = {page.slug: _folded(page.text) for page in pages}
    present = {w: sum(w in text for text in folded.values()) for w in words}
    words = [w for w in words if present[w]]  # a word found nowhere tells the pages apart no better than none
    if not words:
        return []
    weight = {w: math.log(1 + (len(pages) + 1) / (present[w] + 0.5)) for w in words}
    total = sum(weight.values())
    average = sum(len(t) for t in folded.values()) / len(folded)
    sections = [_folded(f"{s.title}\n{s.text}") for page in pages for s in page.sections]
    section_weight = {w: math.log(1 + (len(sections) + 1) / (sum(w in t for t in sections) + 0.5)) for w in words}
    scored = []
    for page in pages:
        text, title = folded[page.slug], _folded(page.title)
        matched = [w for w in words if w in text]
        if not matched:
            continue
        relevance = sum(weight[w] * (_saturated(text.count(w), len(text), average)
                                     + TITLE_WEIGHT * (w in title)) for w in matched)
        coverage = sum(weight[w] for w in matched) / total
        scored.append((relevance * coverage * coverage, page, matched))
    if not scored:
        return []
    best = max(s for s, _, _ in scored)
    results = []
    for score, page, matched in scored:
        if score < best * MIN_SHARE:
            continue
        ranked = []
        for n, section in enumerate(page.sections):
            body, heading = _folded(section.text), _folded(section.title)
            found = [w for w in matched if w in body or w in heading]
            if found:
                ranked.append((-sum(section_weight[w] * (1 + (w in heading)) for w in found), n, section))
        hits: list[Hit] = []
        for _, _, section in sorted(ranked, key=lambda r: r[:2])[:HITS_PER_PAGE]:
            found = snippet(section.text, matched) or escape(section.text[: RADIUS * 3]) + Markup("…")
            hits.append(Hit(section.id, section.title, found))
        if not hits:
            hits.append(Hit(None, "", snippet(page.summary, matched) or escape(page.summary)))
        results.append(Result(page, tuple(hits), round(score * 1000)))
    return sorted(results, key=lambda r: (-r.score, r.page.order))
