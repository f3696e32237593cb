"""Read-side queries: the loaders routes use (ownership checked as they load, 404 for others' objects), the staff
queue (key-set pagination by nearest deadline) and the supervisor report."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import abort
from sqlalchemy import Date, bindparam, case, cast, exists, func, literal_column, or_, select, text, tuple_
from sqlalchemy.orm import joinedload, selectinload

from portal import tallies
from portal.accounts.models import StaffUser
from portal.complaints import rules
from portal.complaints import tallies as complaint_tallies
from portal.complaints.models import (OPEN_SQL, OPEN_STATES, REVIEW_PENDING_SQL, WORD_UNANSWERED_SQL, Complaint,
                                      ComplaintCategory, ComplaintEvidence, ComplaintMessage, ComplaintNote)
from portal.extensions import db
from portal.loans.models import Loan
from portal.paging import FirstAndCount
from portal.security import db_id

PAGE_SIZE = 25
HOME_LIMIT = 10  # rows of each list on the staff home
AGES = {"lt3": (0, 2), "3to7": (3, 7), "8to15": (8, 15), "gt15": (16, None)}
OPEN = OPEN_STATES
# Literal SQL, identical to the partial index ix_complaints_open_queue's condition (see models.OPEN_SQL).
is_open = text(OPEN_SQL.replace("state", "complaints.state", 1))


def complaint_for_borrower(borrower, reference: str) -> Complaint:
    """One complaint of this borrower, or 404 (the same answer for another person's and a missing one)."""
    complaint = db.session.scalar(select(Complaint).where(Complaint.reference == reference,
                                                          Complaint.borrower_id == borrower.id))
    if complaint is None:
        abort(404)
    return complaint


# The staff page of a complaint shows every message and note with its author: loaded together (two statements and
# one per collection), not one statement per author.
_PAGE = (selectinload(Complaint.messages).selectinload(ComplaintMessage.staff),
         selectinload(Complaint.notes).selectinload(ComplaintNote.staff))


def complaint_for_staff(reference: str, *, page: bool = False) -> Complaint:
    """A complaint by reference for the staff console (role checked by the view), or 404; ``page``: with what its
    page shows of messages and notes."""
    complaint = db.session.scalar(select(Complaint).where(Complaint.reference == reference)
                                  .options(*(_PAGE if page else ()))) if reference else None
    if complaint is None:
        abort(404)
    return complaint


def by_reference(reference: str | None) -> Complaint | None:
    return db.session.scalar(select(Complaint).where(Complaint.reference == reference)) if reference else None


@dataclass(frozen=True, slots=True)
class ListedComplaint:
    """A line of the borrower's list of complaints: only what the list shows."""
    reference: str
    state: str
    acknowledge_due: date
    decide_due: date
    response: str | None
    late: str | None  # rules.late: what the complaint is late with today, if anything

    @property
    def is_closed(self) -> bool:
        return self.state in rules.CLOSED


def complaints_of(borrower, today: date) -> list[ListedComplaint]:
    """The borrower's complaints, newest first, each with what it is late with on ``today`` (the lender's day)."""
    rows = db.session.execute(select(Complaint.reference, Complaint.state, Complaint.acknowledge_due,
                                     Complaint.decide_due, Complaint.response)
                              .where(Complaint.borrower_id == borrower.id).order_by(Complaint.received_at.desc()))
    return [ListedComplaint(reference, state, acknowledge_due, decide_due, response,
                            rules.late(state, acknowledge_due, decide_due, today))
            for reference, state, acknowledge_due, decide_due, response in rows]


def evidence_of(complaint: Complaint | None, evidence_id: int) -> ComplaintEvidence:
    """One evidence file of ``complaint`` (already authorized), or 404."""
    item = None if complaint is None else db.session.scalar(
        select(ComplaintEvidence).where(ComplaintEvidence.id == evidence_id,
                                        ComplaintEvidence.complaint_id == complaint.id))
    if item is None:
        abort(404)
    return item


def loans_to_choose(borrower) -> list[Loan]:
    """The borrower's loans for the complaint form's choice, by reference."""
    return list(db.session.scalars(select(Loan).where(Loan.borrower_id == borrower.id).order_by(Loan.loan_ref)))


@dataclass
class QueueFilter:
    status: str = "open"  # "open", "all", "work" (open, or closed and waiting for our answer) or a state
    category: str = ""
    channel: str = ""
    assignee: str = ""  # "", "me", "none", "mine" (me or nobody) or a staff id
    age: str = ""


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One line of the staff queue: only what the queue shows."""
    id: int
    reference: str
    state: str
    channel: str
    next_due: date | None
    queue_due: date
    is_third_party: bool
    categories: tuple[str, ...]  # in the order of rules.CATEGORIES
    assigned: bool
    assignee_name: str


_CATEGORY_ORDER = {c: i for i, c in enumerate(rules.CATEGORIES)}
# The complaint's categories as one comma-separated string (codes have no commas): no second query per page.
_categories = (select(func.aggregate_strings(ComplaintCategory.category, ","))
               .where(ComplaintCategory.complaint_id == Complaint.id).scalar_subquery())
# Built once: each request adds only its filters.
_QUEUE = (select(Complaint.id, Complaint.reference, Complaint.state, Complaint.channel, Complaint.borrower_id,
                 Complaint.acknowledge_due, Complaint.decide_due, Complaint.queue_due, Complaint.assignee_id,
                 StaffUser.display_name, _categories)
          .outerjoin(StaffUser, StaffUser.id == Complaint.assignee_id))


def queue(flt: QueueFilter, me_id: int, today: date, after: str | None = None) -> tuple[list[QueueRow], str | None]:
    """Complaints sorted by the deadline they work towards, then id; ``after`` is the last row's key. One statement:
    the assignee's name is joined and the categories aggregated."""
    query = _QUEUE
    if flt.status == "open":
        query = query.where(is_open)
    elif flt.status == "work":  # what 'my work' counts, with assignee "mine"
        query = query.where(or_(is_open, Complaint.id.in_(select(Complaint.id).where(*_CLOSED_WAITING)
                                                          .correlate(None))))
    elif flt.status in rules.STATES:
        query = query.where(Complaint.state == flt.status)
    if flt.category in rules.CATEGORIES:
        query = query.where(exists().where(ComplaintCategory.complaint_id == Complaint.id,
                                           ComplaintCategory.category == flt.category))
    if flt.channel in rules.CHANNELS:
        query = query.where(Complaint.channel == flt.channel)
    if flt.assignee == "me":
        query = query.where(Complaint.assignee_id == me_id)
    elif flt.assignee == "none":
        query = query.where(Complaint.assignee_id.is_(None))
    elif flt.assignee == "mine":
        query = query.where(_mine(me_id))
    elif db_id(flt.assignee):
        query = query.where(Complaint.assignee_id == db_id(flt.assignee))
    if flt.age in AGES:
        low, high = AGES[flt.age]
        # received on or before today - low days (and after today - high - 1 days); lender-local dates approximated
        # through received_at in UTC is fine at day granularity for a filter.
        query = query.where(Complaint.received_at < _start_of(today - timedelta(days=low - 1)))
        if high is not None:
            query = query.where(Complaint.received_at >= _start_of(today - timedelta(days=high)))
    if after:
        try:
            day_s, id_s = after.split("_")
            day, last_id = date.fromisoformat(day_s), db_id(id_s)
        except ValueError:
            day = None
        if day is not None and last_id:
            query = query.where(tuple_(Complaint.queue_due, Complaint.id) > tuple_(day, last_id))
    found = db.session.execute(query.order_by(Complaint.queue_due, Complaint.id).limit(PAGE_SIZE + 1)).all()
    more = len(found) > PAGE_SIZE
    rows = [QueueRow(id=id_, reference=reference, state=state, channel=channel,
                     next_due=rules.next_due(state, acknowledge_due, decide_due), queue_due=queue_due,
                     is_third_party=borrower_id is None,
                     categories=tuple(sorted(categories.split(","), key=lambda c: _CATEGORY_ORDER.get(c, 99)))
                     if categories else (),
                     assigned=assignee_id is not None, assignee_name=name or "")
            for (id_, reference, state, channel, borrower_id, acknowledge_due, decide_due, queue_due, assignee_id,
                 name, categories) in found[:PAGE_SIZE]]
    next_key = f"{rows[-1].queue_due.isoformat()}_{rows[-1].id}" if more and rows else None
    return rows, next_key


def _start_of(day: date):
    from portal.i18n import lender_tz

    return datetime.combine(day, time.min, tzinfo=lender_tz())


def _mine(staff_id):
    return or_(Complaint.assignee_id == staff_id, Complaint.assignee_id.is_(None))


_OPEN_FOR = FirstAndCount(Complaint, (is_open, _mine(bindparam("staff_id"))), (Complaint.queue_due, Complaint.id),
                          (joinedload(Complaint.borrower),))


def open_for(staff_id: int) -> tuple[list[Complaint], int]:
    """Open complaints assigned to this person or to nobody, nearest deadline first (for 'my work'): the first
    rows and how many there are."""
    return _OPEN_FOR(HOME_LIMIT, staff_id=staff_id)


def attention(ids: list[int]) -> set[int]:
    """Which of these complaints have word from the complainant that no staff reply has answered yet
    (a message, new evidence, or "not satisfied"): three queries whatever the number."""
    if not ids:
        return set()
    by_staff = ComplaintMessage.author_kind == "staff"
    last_staff: dict[int, object] = {}
    last_word: dict[int, object] = {}
    for cid, staff_at, word_at in db.session.execute(  # the last staff message and the last other one, together
            select(ComplaintMessage.complaint_id, func.max(case((by_staff, ComplaintMessage.at))),
                   func.max(case((ComplaintMessage.author_kind != "staff", ComplaintMessage.at))))
            .where(ComplaintMessage.complaint_id.in_(ids)).group_by(ComplaintMessage.complaint_id)).all():
        if staff_at is not None:
            last_staff[cid] = staff_at
        if word_at is not None:
            last_word[cid] = word_at
    for cid, at in db.session.execute(
            select(ComplaintEvidence.complaint_id, func.max(ComplaintEvidence.at))
            .join(Complaint, Complaint.id == ComplaintEvidence.complaint_id)
            .where(ComplaintEvidence.complaint_id.in_(ids), ComplaintEvidence.added_by == "complainant",
                   ComplaintEvidence.at > Complaint.received_at)  # files sent with the complaint are not new word
            .group_by(ComplaintEvidence.complaint_id)).all():
        last_word[cid] = max(at, last_word.get(cid, at))
    waiting = {cid for cid, at in last_word.items() if rules.needs_attention(at, last_staff.get(cid))}
    # A review request ("not satisfied", with why) waits for staff's answer to it; a reply does not answer it.
    waiting.update(db.session.scalars(select(Complaint.id).where(
        Complaint.id.in_(ids), Complaint.review_requested_at.is_not(None), Complaint.review_answered_at.is_(None))))
    return waiting


# Closed complaints of mine (or nobody's) with word from the complainant that no staff reply has answered: "not
# satisfied", a message or evidence (the decided complaint's page still lets them write). The same test as
# ``attention``, on the complaint's own ``word_at`` / ``staff_reply_at`` (kept by every message and file insert):
# two partial indexes, however many closed complaints were answered before.
_CLOSED_WAITING = (Complaint.state.in_(sorted(rules.CLOSED)),
                   or_(text(WORD_UNANSWERED_SQL), text(REVIEW_PENDING_SQL)))
_CLOSED_NEEDING_ATTENTION = FirstAndCount(
    Complaint, (*_CLOSED_WAITING, _mine(bindparam("staff_id"))),
    (Complaint.decided_at, Complaint.id), (joinedload(Complaint.borrower),))


def closed_needing_attention(staff_id: int, limit: int = HOME_LIMIT) -> tuple[list[Complaint], int]:
    """Oldest decision first: its review window (30 days from the decision) closes first; the first rows and how
    many there are."""
    return _CLOSED_NEEDING_ATTENTION(limit, staff_id=staff_id)


@dataclass
class Report:
    weeks: list[dict]
    categories: list[tuple[str, int]]
    decided: int
    decided_in_time: int
    median_days: float | None
    open_late: int = 0  # still undecided although the first 15 days have passed (extended or not)
    # Open and past the deadline they work towards now (acknowledgement while received, else the decision, with
    # any extension): what the staff queue marks "overdue" (rules.urgency), on the same day.
    overdue: int = 0

    @property
    def share_in_time(self) -> float | None:
        """Decided within 15 days, out of every complaint whose 15 days are over (decided or not)."""
        due = self.decided + self.open_late
        return self.decided_in_time / due if due else None


def constant_offset(tz, first: date, last: date) -> int | None:
    """The zone's UTC offset in seconds when it is the same all through [first, last] (Asia/Shanghai: always),
    else None (a daylight-saving change inside): the report then reads the local days in Python."""
    offsets = {datetime.combine(first + timedelta(days=n), time(12), tzinfo=tz).utcoffset()
               for n in range((last - first).days + 1)}
    return int(offsets.pop().total_seconds()) if len(offsets) == 1 else None


def _local_day(column, offset: int):
    """The lender's calendar day of a UTC column, in SQL, for a zone of constant ``offset`` (seconds)."""
    if db.engine.dialect.name == "sqlite":
        return func.date(column, f"{offset:+d} seconds", type_=Date)
    return cast(column + literal_column(f"INTERVAL '{offset} seconds'"), Date)


def _received_and_decided_days(since: date, until: date, tz, today: date):
    """(day received, day decided or None, how many) for the complaints received in [since, until], in the
    lender's days: from the report tallies when they are built for ``tz`` (portal.tallies: a few rows per day
    whatever the number of complaints); else grouped by the database when the zone's offset is constant over the
    days involved, else one row per complaint converted here."""
    tallied = tallies.read(complaint_tallies.RECEIVED, since, until, tz)
    if tallied is not None:
        for received_on, key, n in tallied:
            yield received_on, (None if key == complaint_tallies.OPEN
                                else received_on + timedelta(days=int(key))), n
        return
    start, end = _start_of(since), _start_of(until + timedelta(days=1))
    in_range = (Complaint.received_at >= start, Complaint.received_at < end)
    offset = constant_offset(tz, since - timedelta(days=1), max(until, today) + timedelta(days=1))
    if offset is None:
        for received_at, decided_at in db.session.execute(
                select(Complaint.received_at, Complaint.decided_at).where(*in_range)).all():
            yield (rules.local_date(received_at, tz),
                   rules.local_date(decided_at, tz) if decided_at is not None else None, 1)
        return
    received, decided = _local_day(Complaint.received_at, offset), _local_day(Complaint.decided_at, offset)
    yield from db.session.execute(select(received, decided, func.count()).where(*in_range)
                                  .group_by(received, decided)).all()


def report(since: date, until: date, tz, today: date | None = None) -> Report:
    """Complaints received in [since, until]: per week, per category, decided within 15 days, median days."""
    today = today or datetime.now(tz).date()
    start, end = _start_of(since), _start_of(until + timedelta(days=1))
    weeks: dict[date, dict] = {}
    day = rules.week_start(since)
    while day <= until:
        weeks[day] = {"week": day, "received": 0, "decided": 0, "in_time": 0, "days": Counter()}
        day += timedelta(days=7)
    durations: Counter[int] = Counter()
    in_time = open_late = 0
    for received_on, decided_on, n in _received_and_decided_days(since, until, tz, today):
        bucket = weeks.setdefault(rules.week_start(received_on), {"week": rules.week_start(received_on),
                                                                   "received": 0, "decided": 0, "in_time": 0,
                                                                   "days": Counter()})
        bucket["received"] += n
        if decided_on is not None:
            days = (decided_on - received_on).days
            durations[days] += n
            bucket["decided"] += n
            bucket["days"][days] += n
            ok = rules.decided_in_time(received_on, decided_on) * n
            bucket["in_time"] += ok
            in_time += ok
        elif today > rules.decide_by(received_on):
            open_late += n
    for bucket in weeks.values():
        bucket["median_days"] = rules.median_of_counts(bucket.pop("days"))
    counts: Counter[str] = Counter(dict.fromkeys(rules.CATEGORIES, 0))
    tallied = tallies.totals(complaint_tallies.CATEGORY, since, until, tz)
    if tallied is not None:
        counts.update(tallied)
    else:  # one statement for any number of complaints
        counts.update(dict(db.session.execute(
            select(ComplaintCategory.category, func.count())
            .join(Complaint, Complaint.id == ComplaintCategory.complaint_id)
            .where(Complaint.received_at >= start, Complaint.received_at < end)
            .group_by(ComplaintCategory.category)).all()))
    return Report(weeks=[weeks[k] for k in sorted(weeks)], categories=[(c, counts[c]) for c in rules.CATEGORIES],
                  decided=sum(durations.values()), decided_in_time=in_time,
                  median_days=rules.median_of_counts(durations), open_late=open_late,
                  overdue=overdue_count(start, end, today))


def overdue_count(start: datetime, end: datetime, today: date) -> int:
    """Complaints received in [start, end) that the queue marks overdue today: open, and their current deadline
    (``queue_due``: the acknowledgement while received, else the decision as extended) before ``today``. Counted
    from the rows whether or not the report tallies are built (it depends on the day and on extensions, which
    the tallies do not hold): one statement over the open complaints' partial index, whatever the history."""
    return db.session.scalar(select(func.count()).select_from(Complaint).where(
        is_open, Complaint.queue_due < today, Complaint.received_at >= start, Complaint.received_at < end))
