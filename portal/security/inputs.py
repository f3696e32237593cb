"""Bounds on what a request may carry: ids within the database's integer range, JSON nested at most 32 deep,
no NUL byte anywhere (PostgreSQL refuses them)."""
from __future__ import annotations

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

DB_INT_MAX = 2**31 - 1  # PostgreSQL's INTEGER; SQLite's is wider, so this bound suits both


def db_int(raw: str) -> int:
    """``request.args.get(name, type=db_int)``: a positive id the database can hold, else the default."""
    value = int(raw)
    if not 0 < value <= DB_INT_MAX:
        raise ValueError(raw)
    return value


def db_id(raw: str | int | None) -> int | None:
    """An id written in an address or a form (``?visit=12``, a list of ids in a hidden field): the id when it is
    ASCII digits naming a row the database can hold, else None (no such row). ``str.isdigit`` alone also passes
    "²", which ``int`` refuses, and numbers beyond the database's INTEGER, which PostgreSQL refuses."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    else:
        text = raw.strip() if isinstance(raw, str) else ""
        if not (text.isascii() and text.isdigit()):
            return None
        value = int(text)
    return value if 0 < value <= DB_INT_MAX else None


def digits_at_most(limit: int) -> str:
    """A regular expression for the whole numbers 1 to ``limit`` written without leading zeros."""
    top = str(limit)
    parts = [rf"[1-9]\d{{0,{len(top) - 2}}}"] if len(top) > 1 else []
    for i, char in enumerate(top):  # as long as ``limit``: its first i digits, then a smaller one, then any
        low = 1 if i == 0 else 0
        if int(char) > low:
            parts.append(rf"{top[:i]}[{low}-{int(char) - 1}]\d{{{len(top) - i - 1}}}")
    return "(?:" + "|".join(parts + [top]) + ")"


class _BoundedIntConverter(IntegerConverter):
    """``<int:…>`` in every route: an id beyond the database's integer range is simply not found (404). The bound
    is in the converter's pattern, so such an address matches no rule at all: checked only after the match, a POST
    to it would answer 405 where the same address also has a GET rule (``navigation.action_addresses``)."""

    regex = digits_at_most(DB_INT_MAX)

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


class _BoundedJSONProvider(DefaultJSONProvider):
    """Request JSON nested deeper than ``MAX_JSON_DEPTH`` is refused (400) before the parser could recurse."""

    MAX_JSON_DEPTH = 32

    def loads(self, s, **kwargs):
        text = s.decode("utf-8", "replace") if isinstance(s, (bytes, bytearray)) else s
        if json_depth(text) > self.MAX_JSON_DEPTH:
            raise ValueError("JSON nested too deeply")
        return super().loads(s, **kwargs)


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text`` (strings skipped), without recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def configure_input_bounds(app: Flask) -> None:
    app.url_map.converters["int"] = _BoundedIntConverter
    app.json = _BoundedJSONProvider(app)

    @app.before_request
    def _refuse_nul_bytes():
        """No path, text field or file name ever holds a NUL byte: answer 400 before any view or form sees one."""
        found = "\x00" in request.path or any("\x00" in value for value in request.args.values())
        if not found and request.method in ("POST", "PUT", "PATCH"):
            found = any("\x00" in value for value in request.form.values()) or any(
                "\x00" in (storage.filename or "") for storage in request.files.values())
        if found:
            from portal.errors import render_error

            return render_error(400)
        return None
