"""Rights pages as per-locale Markdown files with a small front matter, rendered safely.

A file ``content/<locale>/<slug>.md`` starts with::

    ---
    title: 你的权利一览
    summary: 一句话说明这一页讲什么。
    last_checked: 2026-11-22
    order: 1
    ---

and continues in CommonMark. Raw HTML is off and images are off, so content cannot inject markup or load
anything from another host; public phone numbers become ``tel:`` links. Headings take a stable id with ``## 标题 {#some-id}``; the ``## … {#what-to-do-now}``
section is shown as the "what to do now" box. Pure module: no Flask.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup

from portal.locales import LOCALES
from portal.numbers import numbers
from portal.rights.links import WHAT_TO_DO_ID

CONTENT_DIR = Path(__file__).parent / "content"
FRONT_MATTER_KEYS = ("title", "summary", "last_checked", "order")
_HEADING_ID = re.compile(r"\s*\{#([a-z0-9][a-z0-9-]*)\}\s*$")


@dataclass(frozen=True)
class Section:
    id: str | None
    title: str
    html: Markup
    text: str  # plain text of the body (without the heading), for search
    ids: tuple[str, ...]  # every heading id inside, the section's own first


@dataclass(frozen=True)
class RightsPage:
    slug: str
    locale: str
    title: str
    summary: str
    last_checked: date
    order: int
    sections: tuple[Section, ...]  # the first one (id None) is any text before the first ``##``

    @property
    def todo(self) -> Section | None:
        return next((s for s in self.sections if s.id == WHAT_TO_DO_ID), None)

    @property
    def body(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.id != WHAT_TO_DO_ID)

    @property
    def toc(self) -> list[tuple[str, str]]:
        return [(s.id, s.title) for s in self.body if s.id]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(i for s in self.sections for i in s.ids)

    @property
    def text(self) -> str:
        return "\n".join([self.title, self.summary, *(f"{s.title}\n{s.text}" for s in self.sections)])


def _heading_ids(state: StateCore) -> None:
    """``## Title {#id}`` -> ``<h2 id="id">Title</h2>``."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[i + 1]
        match = _HEADING_ID.search(inline.content)
        if not match:
            continue
        token.attrSet("id", match.group(1))
        inline.content = inline.content[: match.start()]
        last = inline.children[-1] if inline.children else None
        if last is not None and last.type == "text":
            last.content = _HEADING_ID.sub("", last.content)


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).disable("image")
    md.core.ruler.push("heading_ids", _heading_ids)
    return md


def parse_front_matter(source: str) -> tuple[dict[str, str], str]:
    if not source.startswith("---\n"):
        raise ValueError("missing front matter")
    head, sep, body = source[4:].partition("\n---\n")
    if not sep:
        raise ValueError("unterminated front matter")
    meta: dict[str, str] = {}
    for line in head.splitlines():
        if line.strip():
            key, colon, value = line.partition(":")
            if not colon:
                raise ValueError(f"bad front matter line {line!r}")
            meta[key.strip()] = value.strip()
    missing = [k for k in FRONT_MATTER_KEYS if not meta.get(k)]
    if missing:
        raise ValueError(f"front matter lacks {', '.join(missing)}")
    return meta, body


def _plain(tokens) -> str:
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline":
            parts.append("".join(c.content for c in token.children or () if c.type in ("text", "code_inline")))
        elif token.type in ("code_block", "fence"):
            parts.append(token.content)
    return "\n".join(p for p in parts if p)


def render(slug: str, locale: str, source: str) -> RightsPage:
    meta, body = parse_front_matter(source)
    md = markdown()
    env: dict = {}
    tokens = md.parse(body, env)
    starts = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    bounds = list(zip([0, *starts], [*starts, len(tokens)]))
    sections = []
    for a, b in bounds:
        chunk = tokens[a:b]
        if not chunk:
            continue
        is_heading = chunk[0].type == "heading_open" and chunk[0].tag == "h2"
        ids = tuple(t.attrGet("id") for t in chunk if t.type == "heading_open" and t.attrGet("id"))
        sections.append(Section(
            id=chunk[0].attrGet("id") if is_heading else None,
            title=chunk[1].content if is_heading else "",
            # safe: html and images are off; 110, 12378 and 12363 become tel: links
            html=numbers(Markup(md.renderer.render(chunk, md.options, env)), hotline=""),
            text=_plain(chunk[3:] if is_heading else chunk),
            ids=ids,
        ))
    return RightsPage(slug=slug, locale=locale, title=meta["title"], summary=meta["summary"],
                      last_checked=date.fromisoformat(meta["last_checked"]), order=int(meta["order"]),
                      sections=tuple(sections))


@lru_cache(maxsize=len(LOCALES))
def pages(locale: str) -> tuple[RightsPage, ...]:
    """Every page of a locale, in reading order (content files do not change while the app runs)."""
    if locale not in LOCALES:
        raise ValueError(locale)
    found = [render(path.stem, locale, path.read_text(encoding="utf-8"))
             for path in sorted((CONTENT_DIR / locale).glob("*.md"))]
    return tuple(sorted(found, key=lambda p: (p.order, p.slug)))


def find(locale: str, slug: str) -> RightsPage | None:
    return next((p for p in pages(locale) if p.slug == slug), None)
