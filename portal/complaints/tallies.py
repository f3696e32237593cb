"""The complaint report's tallies (portal.tallies): per lender day of receipt, how many complaints were decided
how many days later (or are still open), and how many carry each category."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Connection

from portal.complaints.models import Complaint, ComplaintCategory
from portal.tallies import Source, local_day, locking

RECEIVED = "complaint"  # key: the days from receipt to decision ("3"), or OPEN
CATEGORY = "complaint_category"  # key: the category
OPEN = "open"


def decided_key(days: int | None) -> str:
    return OPEN if days is None else str(days)


def keys(conn: Connection, ids: Sequence[int], tz: ZoneInfo, lock: bool) -> Counter:
    table = Complaint.__table__
    stmt = locking(select(table.c.id, table.c.received_at, table.c.decided_at).where(table.c.id.in_(ids)), table, lock)
    found, days = Counter(), {}
    for complaint_id, received_at, decided_at in conn.execute(stmt):
        received_on = local_day(received_at, tz)
        days[complaint_id] = received_on
        decided = None if decided_at is None else (local_day(decided_at, tz) - received_on).days
        found[(RECEIVED, received_on, decided_key(decided))] += 1
    if days:
        categories = ComplaintCategory.__table__
        for complaint_id, category in conn.execute(
                select(categories.c.complaint_id, categories.c.category)
                .where(categories.c.complaint_id.in_(list(days)))):
            found[(CATEGORY, days[complaint_id], category)] += 1
    return found


SOURCE = Source(name="complaints", parent=Complaint, watched=("received_at", "decided_at", "category_rows"), keys=keys,
                children=((ComplaintCategory, "complaint_id", "complaint", ("category",)),))
