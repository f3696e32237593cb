"""Report tallies: the supervisor reports' figures per lender day, kept in the transaction that changes them.

A report over a range adds up every complaint, plan and visit of the range: at 10^6 borrowers, tens of thousands
of rows for one page. Instead each domain registers a ``Source``: its table, the attributes (its own, its child
collections' and its child rows') that its figures depend on, and ``keys``, the tally keys of some of its rows
read from the database. On every flush that changes such an attribute, the keys of the rows concerned are read
before the flush and after it and the difference is added to ``report_tallies`` (kind, lender day, key) -> n, in
the same transaction. So a report that reads the tallies sees exactly what counting the rows would give: never
stale, never half-applied (a rolled-back change or a failed flush takes its tally with it), whichever page, API
call or worker made the change through the ORM.

The days are those of one time zone, named in ``report_tally_state``. Until it names the configured
``PORTAL_TIMEZONE`` (a fresh migration, a changed zone, rows written in bulk without the ORM) nothing is tallied,
``read`` answers None and the reports count the rows; the worker builds the tallies (``ensure``, every minute),
compares them with the rows once an hour and counts again if they differ (``repair``: a change made without the
ORM); ``flask tallies rebuild`` / ``check`` do the same by hand.

Concurrency. The rows whose keys change are locked before their old keys are read (FOR NO KEY UPDATE on
PostgreSQL, in the same order in every transaction; the write lock on SQLite), so two transactions changing one
complaint cannot both subtract its old keys; new rows only add, and additions commute. Every tallying flush reads
the state row FOR SHARE and a rebuild first writes it: a rebuild waits for the flushes under way, and later
flushes wait for the rebuild.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import Table, delete, event, func, insert, inspect, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from portal.extensions import db, write_lock
from portal.i18n import lender_tz
from portal.memo import per_request
from portal.orm import utcnow
from portal.tallies.models import ReportTally, ReportTallyState

Keys = Counter  # Counter[(kind, lender day, key)] -> rows
BATCH = 2000
_STATE_ID = 1
_PENDING = "portal_tallies_pending"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Source:
    """``parent``'s rows and what their tally keys depend on: ``watched`` attributes of the parent (columns, and
    the collections of child rows: a row taken out of one is deleted by the flush itself), and child classes with
    the attribute holding the parent's id, the relationship to it, and their own watched attributes.
    ``keys(conn, ids, tz, lock)`` reads the keys of the parent rows ``ids`` (locking them, see ``locking``, when
    ``lock``); a row that does not count (a draft plan) has none."""

    name: str
    parent: type
    watched: tuple[str, ...]
    keys: Callable[[Connection, Sequence[int], ZoneInfo, bool], Keys]
    children: tuple[tuple[type, str, str, tuple[str, ...]], ...] = field(default=())

    @property
    def table(self) -> Table:
        return self.parent.__table__


_SOURCES: dict[str, Source] = {}


def register_source(source: Source) -> None:
    _SOURCES[source.name] = source


def local_day(at, tz: ZoneInfo) -> date:
    return at.astimezone(tz).date()


def locking(stmt, table: Table, lock: bool):
    """``stmt`` locking the rows it reads of ``table`` when ``lock``: FOR NO KEY UPDATE, the lock an UPDATE of
    them takes (another tallying flush or an update waits; inserting child rows does not)."""
    return stmt.with_for_update(of=table, key_share=True) if lock else stmt


# -- reading -----------------------------------------------------------------------------------------------------

def _zone(conn: Connection, *, share: bool = False) -> str | None:
    stmt = select(ReportTallyState.zone).where(ReportTallyState.id == _STATE_ID)
    if share:
        stmt = stmt.with_for_update(read=True)
    return conn.execute(stmt).scalar()


def ready(tz: ZoneInfo) -> bool:
    """The tallies count the days of ``tz`` (read once per request: a report reads several kinds)."""
    return per_request("tallies.zone", lambda: _zone(db.session.connection())) == tz.key


def _in(kind: str, since: date, until: date):
    return ReportTally.kind == kind, ReportTally.day >= since, ReportTally.day <= until, ReportTally.n != 0


def read(kind: str, since: date, until: date, tz: ZoneInfo) -> list[tuple[date, str, int]] | None:
    """(day, key, n) of ``kind`` for the lender days [since, until], or None when the tallies are not those of
    ``tz`` (the caller counts the rows)."""
    if not ready(tz):
        return None
    return [tuple(row) for row in db.session.execute(
        select(ReportTally.day, ReportTally.key, ReportTally.n).where(*_in(kind, since, until)))]


def totals(kind: str, since: date, until: date, tz: ZoneInfo) -> dict[str, int] | None:
    """key -> n of ``kind`` over the lender days [since, until], added up by the database; None as for ``read``."""
    if not ready(tz):
        return None
    return {key: int(n) for key, n in db.session.execute(
        select(ReportTally.key, func.sum(ReportTally.n)).where(*_in(kind, since, until)).group_by(ReportTally.key))
        if n}


# -- keeping them ------------------------------------------------------------------------------------------------

def _changed(obj, names: tuple[str, ...]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _parent_ids(child, fk: str, relation: str) -> set[int]:
    """Every stored parent the child row belongs to or leaves in this flush: from the history of its foreign
    key and of its relationship (a row moved from one complaint to another changes both)."""
    attrs, ids = inspect(child).attrs, set()
    for name in (fk, relation):
        history = attrs[name].history
        for value in (*history.added, *history.unchanged, *history.deleted):
            found = value if name == fk else getattr(value, "id", None)
            if found is not None:
                ids.add(found)
    return ids


def _touched(session: Session) -> dict[str, tuple[set[int], list]]:
    """Per source: the ids of stored parent rows whose keys may change in this flush, and the objects (new
    parents, and children with the attribute naming their parent) whose parent id is only known after it."""
    found: dict[str, tuple[set[int], list]] = {}
    for group, is_new, is_deleted in ((session.new, True, False), (session.dirty, False, False),
                                      (session.deleted, False, True)):
        for obj in group:
            for source in _SOURCES.values():
                if isinstance(obj, source.parent):
                    if is_new:
                        found.setdefault(source.name, (set(), []))[1].append((obj, "id"))
                    elif is_deleted or _changed(obj, source.watched):
                        found.setdefault(source.name, (set(), []))[0].add(obj.id)
                    continue
                for cls, fk, relation, watched in source.children:
                    if isinstance(obj, cls) and (is_new or is_deleted or _changed(obj, (fk, relation, *watched))):
                        ids, later = found.setdefault(source.name, (set(), []))
                        ids |= _parent_ids(obj, fk, relation)
                        later.append((obj, fk))
    return found


def _keys_of(conn: Connection, source: Source, ids: Iterable[int], tz: ZoneInfo, lock: bool) -> Keys:
    ordered, total = sorted(set(ids)), Counter()
    for i in range(0, len(ordered), BATCH):
        total.update(source.keys(conn, ordered[i:i + BATCH], tz, lock))
    return total


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context, _instances) -> None:
    if not _SOURCES:
        return
    touched = _touched(session)
    if not touched:
        return
    from portal.i18n import lender_tz

    conn = session.connection()
    write_lock(conn)
    tz = lender_tz()
    zone = _zone(conn, share=True)
    if zone != tz.key:
        if zone is not None:
            log.warning("report tallies are counted in %s, this process's zone is %s: its changes are not "
                        "tallied (the worker's hourly check rebuilds them)", zone, tz.key)
        return  # not built for this zone: the reports count the rows until the worker builds them
    old = Counter()
    for name in sorted(touched):  # the same order of row locks in every transaction
        ids = touched[name][0]
        if ids:
            old.update(_keys_of(conn, _SOURCES[name], ids, tz, True))
    # on the flush itself: a flush that fails takes its keys with it
    flush_context.attributes[_PENDING] = (touched, old, tz)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context) -> None:
    pending = flush_context.attributes.pop(_PENDING, None)
    if pending is None:
        return
    touched, old, tz = pending
    conn = session.connection()
    new = Counter()
    for name in sorted(touched):
        ids, later = touched[name]
        ids = set(ids) | ({getattr(obj, attr) for obj, attr in later} - {None})
        new.update(_keys_of(conn, _SOURCES[name], ids, tz, False))
    new.subtract(old)
    add(conn, {k: n for k, n in new.items() if n})


def _upsert(conn: Connection):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(ReportTally.__table__)


def add(conn: Connection, changes: dict[tuple[str, date, str], int]) -> None:
    """Add ``changes`` ((kind, day, key) -> n, n may be negative) to the tallies, in one statement."""
    if not changes:
        return
    stmt = _upsert(conn)
    stmt = stmt.on_conflict_do_update(index_elements=["kind", "day", "key"],
                                      set_={"n": ReportTally.__table__.c.n + stmt.excluded.n})
    conn.execute(stmt, [{"kind": kind, "day": day, "key": key, "n": n}
                        for (kind, day, key), n in sorted(changes.items())])


# -- building them -----------------------------------------------------------------------------------------------

def count_rows(conn: Connection, tz: ZoneInfo) -> Keys:
    """Every source's keys, from every row (what the tallies must hold)."""
    total = Counter()
    for source in _SOURCES.values():
        pk = source.table.c.id
        last = 0
        while True:
            ids = conn.execute(select(pk).where(pk > last).order_by(pk).limit(BATCH)).scalars().all()
            if not ids:
                break
            total.update(source.keys(conn, ids, tz, False))
            last = ids[-1]
    return Counter({k: n for k, n in total.items() if n})


def stored(conn: Connection) -> Keys:
    return Counter({(kind, day, key): n for kind, day, key, n in conn.execute(
        select(ReportTally.kind, ReportTally.day, ReportTally.key, ReportTally.n).where(ReportTally.n != 0))})


@event.listens_for(ReportTallyState.__table__, "after_create")
def _state_row(table, connection, **_kw) -> None:
    """A schema made from the models (tests, benchmarks) has the state row a migrated one has."""
    connection.execute(insert(table).values(id=_STATE_ID, zone=None))


def _state_row_exists(session: Session) -> None:
    """Make sure the state row exists, committed on its own: only a row that exists can be locked, and a rebuild
    relies on every tallying flush waiting for its lock on it."""
    state = ReportTallyState.__table__
    if session.execute(select(state.c.id).where(state.c.id == _STATE_ID)).first() is None:
        session.execute(insert(state).values(id=_STATE_ID, zone=None))
        session.commit()


def rebuild(tz: ZoneInfo, session: Session | None = None) -> int:
    """Count every row again in ``tz``'s days and make the tallies exactly that; the caller commits (this
    commits first only when the state row is missing). Returns the number of tally rows. Tallying writes wait
    until it ends (2.6 s at 10^6 borrowers)."""
    session = session or db.session()
    _state_row_exists(session)
    conn = session.connection()
    write_lock(conn)
    state = ReportTallyState.__table__
    # First the state row: a tallying flush under way holds it FOR SHARE (we wait), later ones wait for us.
    conn.execute(update(state).where(state.c.id == _STATE_ID).values(zone=None))
    conn.execute(delete(ReportTally.__table__))
    counted = count_rows(conn, tz)
    rows = sorted(counted.items())
    for i in range(0, len(rows), BATCH):
        conn.execute(insert(ReportTally.__table__), [{"kind": kind, "day": day, "key": key, "n": n}
                                                     for (kind, day, key), n in rows[i:i + BATCH]])
    conn.execute(update(state).where(state.c.id == _STATE_ID).values(zone=tz.key, built_at=utcnow()))
    return len(rows)


def unbuild(session: Session | None = None) -> None:
    """Mark the tallies not built (rows about to be written without the ORM); the caller commits."""
    session = session or db.session()
    session.execute(update(ReportTallyState).values(zone=None))


def ensure(tz: ZoneInfo) -> bool:
    """Build the tallies when they are not those of ``tz`` (the worker, every minute); True when it built."""
    if ready(tz):
        return False
    rebuild(tz)
    db.session.commit()
    return True


def differences(tz: ZoneInfo) -> dict[tuple[str, date, str], tuple[int, int]]:
    """(stored, counted) for every key where the tallies and the rows disagree (empty: they agree), read in one
    snapshot: on PostgreSQL a REPEATABLE READ transaction of its own (changes committed meanwhile are seen by
    neither side); on SQLite the session's transaction, which is one already."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        conn = db.session.connection()
        have, want = stored(conn), count_rows(conn, tz)
    else:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
            have, want = stored(conn), count_rows(conn, tz)
    return {k: (have.get(k, 0), want.get(k, 0)) for k in sorted(set(have) | set(want)) if have[k] != want[k]}


def repair(tz: ZoneInfo) -> int:
    """The worker's hourly check: when the tallies of ``tz`` differ from the rows (a change made without the
    ORM, a process configured in another zone), count them again. Returns how many keys differed."""
    if not ready(tz):
        return 0
    db.session.commit()  # nothing of ours to keep; the check reads on its own connection
    found = differences(tz)
    if found:
        log.warning("report tallies differed from the rows on %d keys: rebuilt", len(found))
        rebuild(tz)
        db.session.commit()
    return len(found)


def ensure_for_lender() -> None:
    """The worker's task every minute: the tallies of the lender's zone, built when they are not."""
    if ensure(lender_tz()):
        log.info("report tallies built for %s", lender_tz().key)


def repair_for_lender() -> None:
    """The worker's hourly task: ``repair`` in the lender's zone."""
    repair(lender_tz())


def configure(app: Flask) -> None:
    from huey import crontab

    from portal.queue import register_task

    # when not built for the lender's zone (a fresh database, a changed zone): one one-row read a minute otherwise
    register_task(app, "tallies", ensure_for_lender, every=crontab(minute="*"))
    # and once an hour, compared with the rows (rebuilt if they differ: a change made without the ORM)
    register_task(app, "tallies_check", repair_for_lender, every=crontab(minute="43"))
