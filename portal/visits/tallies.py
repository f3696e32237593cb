"""The visit report's tallies (portal.tallies): per lender day a visit was proposed, visits by what became of them
(rescheduled, confirmed, a video check asked for, the record written, late, disputed)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Connection

from portal.tallies import Source, local_day, locking
from portal.visits.models import Visit, VisitAnswer, VisitRecord
from portal.visits.rules import RECORD_LATE_AFTER

KIND = "visit"
# A visit's key: the flags that hold for it, in this order, joined by "," ("" when none does).
FLAGS = ("rescheduled", "confirmed", "video", "recorded", "late_record", "disputed")


def flags_of(key: str) -> frozenset[str]:
    return frozenset(key.split(",")) if key else frozenset()


def keys(conn: Connection, ids: Sequence[int], tz: ZoneInfo, lock: bool) -> Counter:
    visits = Visit.__table__
    stmt = locking(select(visits.c.id, visits.c.created_at, visits.c.reschedule_count, visits.c.record_answer)
                   .where(visits.c.id.in_(ids)), visits, lock)
    days: dict[int, date] = {}  # visit id -> the lender day it was proposed
    flags: dict[int, set[str]] = {}
    for visit_id, created_at, reschedules, record_answer in conn.execute(stmt):
        days[visit_id] = local_day(created_at, tz)
        flags[visit_id] = {name for name, holds in (("rescheduled", reschedules > 0),
                                                    ("disputed", record_answer == "disputed")) if holds}
    if days:
        answers, records = VisitAnswer.__table__, VisitRecord.__table__
        for visit_id, kind in conn.execute(select(answers.c.visit_id, answers.c.kind).where(
                answers.c.visit_id.in_(list(days)), answers.c.kind.in_(("confirm", "remote")))):
            flags[visit_id].add("confirmed" if kind == "confirm" else "video")
        for visit_id, departed, recorded in conn.execute(select(
                records.c.visit_id, records.c.departed_at, records.c.recorded_at).where(
                records.c.visit_id.in_(list(days)))):
            flags[visit_id].add("recorded")
            if recorded - departed > RECORD_LATE_AFTER:
                flags[visit_id].add("late_record")
    return Counter((KIND, day, ",".join(f for f in FLAGS if f in flags[visit_id])) for visit_id, day in days.items())


SOURCE = Source(name="visits", parent=Visit,
                watched=("created_at", "reschedule_count", "record_answer", "answers", "record"), keys=keys,
                children=((VisitAnswer, "visit_id", "visit", ("kind",)),
                          (VisitRecord, "visit_id", "visit", ("departed_at", "recorded_at"))))
