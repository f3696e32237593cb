"""The plan report's tallies (portal.tallies): per lender day of submission, plans by state, whether staff
countered, and the days to a decision. Drafts (never submitted) do not count."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Connection

from portal.plans.models import PlanProposal
from portal.tallies import Source, local_day, locking

KIND = "plan"


@dataclass(frozen=True)
class PlanKey:
    state: str
    countered: bool
    decided_days: int | None  # None: no decision yet

    def text(self) -> str:
        return f"{self.state}|{int(self.countered)}|{'' if self.decided_days is None else self.decided_days}"

    @classmethod
    def parse(cls, text: str) -> PlanKey:
        state, countered, days = text.split("|")
        return cls(state, countered == "1", int(days) if days else None)


def keys(conn: Connection, ids: Sequence[int], tz: ZoneInfo, lock: bool) -> Counter:
    table = PlanProposal.__table__
    stmt = locking(select(table.c.id, table.c.submitted_at, table.c.decided_at, table.c.state, table.c.counter_kind)
                   .where(table.c.id.in_(ids)), table, lock)
    found = Counter()
    for _id, submitted_at, decided_at, state, counter_kind in conn.execute(stmt):
        if submitted_at is None:
            continue
        submitted_on = local_day(submitted_at, tz)
        days = None if decided_at is None else (local_day(decided_at, tz) - submitted_on).days
        found[(KIND, submitted_on, PlanKey(state, counter_kind is not None, days).text())] += 1
    return found


SOURCE = Source(name="plans", parent=PlanProposal,
                watched=("submitted_at", "decided_at", "state", "counter_kind"), keys=keys)
