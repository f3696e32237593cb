"""What an import says about its lines: the outcome counts and the rejected lines with their reasons."""
from __future__ import annotations

from dataclasses import dataclass, field


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
