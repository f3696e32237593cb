"""HTML checks that need no Java, run over every page the crawling tests render: each id once per page, every
``<label for>``, ``aria-describedby``/``-labelledby``/``-controls`` and in-page link naming an element that exists,
and no id shared by two forms of one page (the W3C checker run in tests/test_html_valid.py reports the rest)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser

@dataclass
class Ids:
    lines: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    label_for: list[tuple[str, int]] = field(default_factory=list)
    references: list[tuple[str, str, int]] = field(default_factory=list)  # (attribute, id, line)
    forms: list[set[str]] = field(default_factory=list)  # ids inside each <form>, in page order


# Attributes that name other elements by id (an error summary's links too: they must land on their field).
REFERENCE_ATTRIBUTES = ("aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "list")


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids = Ids()
        self._form: set[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        line = self.getpos()[0]
        if tag == "form":
            self._form = set()
            self.ids.forms.append(self._form)
        ident = a.get("id")
        if ident is not None:
            self.ids.lines[ident].append(line)
            if self._form is not None:
                self._form.add(ident)
        if tag == "label" and a.get("for") is not None:
            self.ids.label_for.append((a["for"], line))
        for name in REFERENCE_ATTRIBUTES:
            for target in (a.get(name) or "").split():
                self.ids.references.append((name, target, line))
        if tag == "a" and (a.get("href") or "").startswith("#") and len(a["href"]) > 1:
            self.ids.references.append(("href", a["href"][1:], line))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def ids_of(body: str) -> Ids:
    parser = _Parser()
    parser.feed(body)
    parser.close()
    return parser.ids


def id_problems(body: str) -> list[str]:
    """Duplicate ids, empty ids, and labels, ARIA references and in-page links naming a missing id (with lines)."""
    ids = ids_of(body)
    problems = [f"duplicate id {ident!r} on lines {lines}" for ident, lines in ids.lines.items() if len(lines) > 1]
    problems += [f"empty id on line {lines[0]}" for ident, lines in ids.lines.items() if not ident.strip()]
    problems += [f"<label for={target!r}> on line {line} names no element" for target, line in ids.label_for
                 if target not in ids.lines]
    problems += [f"{name}={target!r} on line {line} names no element" for name, target, line in ids.references
                 if target not in ids.lines]
    return problems


def shared_form_ids(body: str) -> list[str]:
    """Ids that appear in more than one form of the page."""
    seen: dict[str, int] = {}
    shared = set()
    for i, form in enumerate(ids_of(body).forms):
        for ident in form:
            if ident in seen and seen[ident] != i:
                shared.add(ident)
            seen.setdefault(ident, i)
    return sorted(shared)


def assert_ids_ok(body: str, where: str) -> None:
    problems = id_problems(body)
    assert not problems, f"{where}: " + "; ".join(problems)
