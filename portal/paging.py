"""Long lists shown a page at a time, for the console's queues and the domains' staff lists: a count that stops
at a cap (``COUNT_CAP``; "999+" above it), the first rows of a list and its count in one statement
(``first_and_count``, ``FirstAndCount`` for a statement built once) and the key of the next page (``time_key``).

Below the domains and the console alike: ``portal.complaints``, ``portal.visits``, ``portal.plans`` and
``portal.privacy`` build their lists with it, ``portal.staff.queues`` shows the counts."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Integer, bindparam, func, literal, select

from portal.extensions import db

# The home counts each list up to this many (and then says "more than"): counting a backlog of tens of thousands
# would cost the home more than everything else it shows, and a number that large tells staff nothing more.
COUNT_CAP = 999


def _capped_count(entity, condition: tuple, cap: int | None):
    """How many rows of ``entity`` meet ``condition``, counting no further than ``cap + 1`` (an uncorrelated scalar
    subquery)."""
    cap = COUNT_CAP if cap is None else cap
    meeting = select(literal(1)).select_from(entity).where(*condition).limit(cap + 1).correlate(None).subquery()
    return select(func.count()).select_from(meeting).scalar_subquery()


def first_and_count(entity, condition: tuple, order: tuple, limit: int, options: tuple = (),
                    cap: int | None = None, after: tuple = ()) -> tuple[list, int]:
    """The first ``limit`` rows of ``entity`` meeting ``condition`` in ``order`` and how many meet it, in one
    statement: the count is an uncorrelated scalar subquery (run once, also when the rows stop at ``limit``) that
    stops at ``cap + 1``, so it reads at most that many index entries however long the backlog; a count above
    ``cap`` (default ``COUNT_CAP``) means "more than ``cap``" (``count_words``). ``after``: conditions for the rows
    only (a later page of the list; the count is still the whole list's). ``options`` should join what the rows
    show (``joinedload``) rather than load it apart."""
    total = _capped_count(entity, condition, cap)
    found = db.session.execute(select(entity, total).where(*condition, *after).options(*options)
                               .order_by(*order).limit(limit)).all()
    if not found and after:  # past the last row: the count alone
        return [], db.session.scalar(select(total))
    return [row[0] for row in found], (found[0][1] if found else 0)


class FirstAndCount:
    """``first_and_count`` of a list whose condition, order and options do not change: its statement is built
    once (at import) with bound parameters for what does (``bindparam("staff_id")``, ``bindparam("now")``: typed
    by the column they are compared with) and for the number of rows, so the home, which asks five of them on
    every view, builds none (building a statement cost more than running it from SQLAlchemy's compiled cache).
    Calling it (``_OPEN_FOR(10, staff_id=7)`` in ``portal.complaints.queries``) gives the first ``limit`` rows and the count, as ``first_and_count``
    does."""

    def __init__(self, entity, condition: tuple, order: tuple, options: tuple = (), cap: int | None = None) -> None:
        self._rows = (select(entity, _capped_count(entity, condition, cap)).where(*condition).options(*options)
                      .order_by(*order).limit(bindparam("first_limit", type_=Integer)))

    def __call__(self, limit: int, **params) -> tuple[list, int]:
        found = db.session.execute(self._rows, {"first_limit": limit, **params}).all()
        return [row[0] for row in found], (found[0][1] if found else 0)


def time_key(at, row_id: int) -> str:
    """A list's page key: its last row's time (ISO, with the UTC offset) and id."""
    return f"{at.isoformat()}_{row_id}"


def parse_time_key(raw: str | None):
    """``time_key`` read back from an address, or None (the first page) when it is missing or not a key: a time
    without a UTC offset, or with no UTC equivalent (year 1 east of Greenwich), or an id no row can have, is not
    one this console wrote. Queries compare the time through the column's own type."""
    from portal.security.inputs import db_id

    if not raw:
        return None
    try:
        stamp, row_id = raw.rsplit("_", 1)
        at = datetime.fromisoformat(stamp)
        if at.tzinfo is None:
            return None
        at = at.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None
    row_id = db_id(row_id)
    return (at, row_id) if row_id else None


def count_words(count: int) -> str:
    """A list's count as the home shows it: the number, or "999+" above the cap."""
    return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)
