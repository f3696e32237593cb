"""What an import says about its lines: a line refused (``Rejected``), the outcome counts and the rejected lines
with their reasons (``ImportReport``); and what every JSON Lines importer reads first (``json_object``, ``digest``).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field


class Rejected(ValueError):
    """A line that cannot be imported; the message is the reason shown to the operator.

    ``field`` names the part of the record at fault as a dotted path (``borrower.phone``, ``schedule.0.due_date``:
    list items counted from 0), or is ``None`` when the reason concerns the record as a whole.
    """

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.field = field


def json_object(raw: str) -> dict:
    """The line as a JSON object, or ``Rejected``."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise Rejected(f"not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise Rejected("a line must be one JSON object")
    where = unstorable_text(data)
    if where is not None:
        raise Rejected(f"{where} holds a character no text column can store (NUL or a lone surrogate, "
                       "e.g. \\u0000 or \\ud800)", where)
    return data


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable(text: str) -> bool:
    return _UNSTORABLE.search(text) is not None


def unstorable_text(data) -> str | None:
    """The dotted path of a key or string value that PostgreSQL cannot store (a NUL character) or no
    database can encode (a lone surrogate, which JSON's ``\\ud800`` escapes allow), or None. Without recursion."""
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if _unstorable(value):
                return path or "body"
        elif isinstance(value, dict):
            for key, item in value.items():
                at = f"{path}.{key}" if path else str(key)
                if _unstorable(str(key)):
                    return at
                stack.append((at, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
    return None


def digest(data: dict) -> str:
    """The content digest of a line: the same record written with other spacing or key order is unchanged."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged

    def add(self, other: ImportReport) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected.extend(other.rejected)
