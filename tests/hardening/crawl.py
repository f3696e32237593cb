"""A small same-site crawler for the hardening tests: pages by following links, and the POST forms on them."""
from __future__ import annotations

import importlib
import importlib.util
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from tests.html_checks import assert_ids_ok

# Never followed or submitted by a walker: they would end the walker's own session.
# Log-out, and the team page's single buttons that end a member's sessions (nothing to answer with errors there;
# the HTML check follows them in a journey of its own).
SKIP_ACTIONS = re.compile(r"/(staff/)?logout$|/staff/team/\d+/(disable|enable|password|second-factor|recovery-codes)$")
SKIP_LINKS = re.compile(r"^/(static/|staff/logout|logout)|/evidence/|/export|\.csv$|/proofs/|/visitor-photos/")


@dataclass
class Field:
    name: str
    kind: str  # input type, "textarea" or "select"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    page: str
    action: str
    enctype: str
    fields: list[Field] = field(default_factory=list)

    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


class _Parser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.assets: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.page, a["href"]))
        elif tag == "link" and "stylesheet" in a.get("rel", "") and a.get("href"):
            self.assets.append(urljoin(self.page, a["href"]))
        elif tag == "script" and a.get("src"):
            self.assets.append(urljoin(self.page, a["src"]))
        elif tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(self.page, urljoin(self.page, a.get("action") or self.page),
                              a.get("enctype", "application/x-www-form-urlencoded"))
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "button") and a.get("name"):
            kind = a.get("type", "text" if tag == "input" else "submit").lower()
            if kind in ("checkbox", "radio") or tag == "button" or kind == "submit":
                existing = next((f for f in self._form.fields if f.name == a["name"]), None)
                if existing is not None:
                    existing.options.append(a.get("value", "on"))
                    return
                self._form.fields.append(Field(a["name"], kind, a.get("value", ""), [a.get("value", "on")]))
            else:
                self._form.fields.append(Field(a["name"], kind, a.get("value", "")))
        elif self._form is not None and tag == "textarea" and a.get("name"):
            self._form.fields.append(Field(a["name"], "textarea"))
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = Field(a["name"], "select")
            self._form.fields.append(self._select)
        elif self._select is not None and tag == "option":
            self._select.options.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def parse(page: str, body: str) -> _Parser:
    parser = _Parser(page)
    parser.feed(body)
    return parser


def local_path(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
        return None
    return parts.path + ("?" + parts.query if parts.query else "")


def crawl(client, starts: list[str], *, limit: int = 120, per_path: int = 2, allow=lambda path: True):
    """GET pages breadth-first from ``starts``; returns {path: (status, html)} for HTML pages.

    Every page is checked on the way: each id once, every ``<label for>`` naming an element."""
    seen: dict[str, tuple[int, str]] = {}
    per: dict[str, int] = {}
    queue = list(starts)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        bare = path.split("?")[0]
        if path in seen or SKIP_LINKS.search(bare) or not allow(path) or per.get(bare, 0) >= per_path:
            continue
        per[bare] = per.get(bare, 0) + 1
        response = client.get(path)
        if not response.mimetype == "text/html":
            continue
        body = response.get_data(as_text=True)
        seen[path] = (response.status_code, body)
        assert_ids_ok(body, path)
        if response.status_code == 200:
            for link in parse("http://localhost" + path, body).links:
                target = local_path(link)
                if target and target not in seen:
                    queue.append(target)
    return seen


def seed_demo(session, today) -> None:
    """Every domain's demo data that exists already (domains land one by one)."""
    from portal.demo import DEMO_MODULES

    for name in DEMO_MODULES:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).seed(session, today)
            session.commit()
