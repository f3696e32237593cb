"""What an import says about its lines: a line refused (``Rejected``), the outcome counts and the rejected lines
with their reasons (``ImportReport``); and what every JSON Lines importer reads first (``json_object``, ``digest``).
"""
from __future__ import annotations

import hashlib
import json
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
    return data


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
