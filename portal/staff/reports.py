"""Read models of the supervisor reports: plans, visits and complaints over a chosen date range.

Every share is kept as its numerator and denominator; the percentage is computed from exactly those two, so the
words "3 of 3" and the figure "100 %" can never disagree. Chart geometry is computed in report_charts, not in
templates.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import distinct, func, select

from portal import tallies
from portal.complaints.rules import median_of_counts
from portal.extensions import db
from portal.plans import tallies as plan_tallies
from portal.plans.models import PlanProposal
from portal.plans.rules import AGREED_STATES, WAITING_FOR_STAFF
from portal.staff.report_charts import ROW, Bar, hbars
from portal.visits import tallies as visit_tallies
from portal.visits.models import Visit, VisitAnswer, VisitRecord
from portal.visits.rules import RECORD_LATE_AFTER

MAX_RANGE_DAYS = 3 * 366


@dataclass(frozen=True)
class Share:
    part: int
    whole: int

    @property
    def ratio(self) -> Decimal | None:
        if not self.whole:
            return None
        return (Decimal(self.part) / Decimal(self.whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Section:
    """One report: its figures (key, count) in table order, its shares and the chart of its figures."""

    name: str
    figures: list[tuple[str, int]]
    shares: dict[str, Share]
    median_days: float | None = None

    @property
    def bars(self) -> list[Bar]:
        return hbars(self.figures)

    @property
    def chart_height(self) -> float:
        return len(self.figures) * ROW


def utc_bounds(since: date, until: date, tz) -> tuple[datetime, datetime]:
    """[since 00:00, until+1 00:00) in the lender's time zone, as UTC."""
    start = datetime.combine(since, time.min, tzinfo=tz).astimezone(timezone.utc)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz).astimezone(timezone.utc)
    return start, end


def _counted(kind: str, since: date, until: date, tz, from_tallies, from_rows) -> tuple:
    """A report's counts from the report tallies when they are built for ``tz`` (portal.tallies: a row per key,
    added up by the database, whatever the number of plans or visits), else from the rows themselves."""
    tallied = tallies.totals(kind, since, until, tz)
    return from_rows(since, until, tz) if tallied is None else from_tallies(tallied)


def plan_report(since: date, until: date, tz) -> Section:
    """Plans submitted in the range and what became of them, and the days to a decision of the decided ones (the
    median, in the lender's days): from the report tallies when built, else counted from the rows."""
    submitted, approved, declined, countered, agreed, waiting, days = _counted(
        plan_tallies.KIND, since, until, tz, _plan_counts_tallied, _plan_counts)
    return Section(
        name="plans",
        figures=[("submitted", submitted), ("approved", approved), ("countered", countered),
                 ("declined", declined), ("agreed", agreed), ("waiting", waiting)],
        shares={"approved_of_decided": Share(approved, sum(days.values())),
                "agreed_of_submitted": Share(agreed, submitted)},
        median_days=median_of_counts(days),
    )


def _plan_counts_tallied(tallied) -> tuple:
    submitted = approved = declined = countered = agreed = waiting = 0
    days: Counter[int] = Counter()
    for text, n in tallied.items():
        key = plan_tallies.PlanKey.parse(text)
        submitted += n
        approved += n * (key.state == "approved")
        declined += n * (key.state == "declined")
        countered += n * key.countered
        agreed += n * (key.state in AGREED_STATES)
        waiting += n * (key.state in WAITING_FOR_STAFF)
        if key.decided_days is not None:
            days[key.decided_days] += n
    return submitted, approved, declined, countered, agreed, waiting, days


def _plan_counts(since: date, until: date, tz) -> tuple:
    """The counts in one statement, the days to a decision in another."""
    start, end = utc_bounds(since, until, tz)
    in_range = (PlanProposal.submitted_at >= start, PlanProposal.submitted_at < end)
    submitted, approved, declined, countered, agreed, waiting = db.session.execute(
        select(func.count(), func.count().filter(PlanProposal.state == "approved"),
               func.count().filter(PlanProposal.state == "declined"),
               func.count().filter(PlanProposal.counter_kind.is_not(None)),
               func.count().filter(PlanProposal.state.in_(sorted(AGREED_STATES))),
               func.count().filter(PlanProposal.state.in_(sorted(WAITING_FOR_STAFF))))
        .select_from(PlanProposal).where(*in_range)).one()
    days = Counter((decided.astimezone(tz).date() - submitted_at.astimezone(tz).date()).days
                   for submitted_at, decided in db.session.execute(
                       select(PlanProposal.submitted_at, PlanProposal.decided_at)
                       .where(*in_range, PlanProposal.decided_at.is_not(None))).all())
    return submitted, approved, declined, countered, agreed, waiting, days


def visit_report(since: date, until: date, tz) -> Section:
    """Visits proposed in the range: how borrowers answered, disputes, and records written late; from the report
    tallies when built, else counted from the rows."""
    proposed, confirmed, rescheduled, video, disputed, recorded, late = _counted(
        visit_tallies.KIND, since, until, tz, _visit_counts_tallied, _visit_counts)
    return Section(
        name="visits",
        figures=[("proposed", proposed), ("confirmed", confirmed), ("rescheduled", rescheduled),
                 ("video", video), ("disputed", disputed), ("recorded", recorded), ("late_records", late)],
        shares={"late_of_recorded": Share(late, recorded), "disputed_of_recorded": Share(disputed, recorded)},
    )


def _visit_counts_tallied(tallied) -> tuple:
    found: Counter[str] = Counter()
    for key, n in tallied.items():
        found["proposed"] += n
        for flag in visit_tallies.flags_of(key):
            found[flag] += n
    return tuple(found[name] for name in ("proposed", "confirmed", "rescheduled", "video", "disputed", "recorded",
                                          "late_record"))


def _visit_counts(since: date, until: date, tz) -> tuple:
    start, end = utc_bounds(since, until, tz)
    in_range = (Visit.created_at >= start, Visit.created_at < end)
    proposed, rescheduled, disputed = db.session.execute(
        select(func.count(), func.count().filter(Visit.reschedule_count > 0),
               func.count().filter(Visit.record_answer == "disputed")).select_from(Visit).where(*in_range)).one()
    answered = dict(db.session.execute(
        select(VisitAnswer.kind, func.count(distinct(VisitAnswer.visit_id))).join(Visit)
        .where(*in_range, VisitAnswer.kind.in_(("confirm", "remote"))).group_by(VisitAnswer.kind)).all())
    records = db.session.execute(select(VisitRecord.departed_at, VisitRecord.recorded_at).join(Visit)
                                 .where(*in_range)).all()
    late = sum(recorded - departed > RECORD_LATE_AFTER for departed, recorded in records)
    return (proposed, answered.get("confirm", 0), rescheduled, answered.get("remote", 0), disputed, len(records),
            late)


def complaint_section(data) -> Section:
    """The complaint report (complaints.queries.report) in the same shape. Its "overdue" figure is the queue's:
    open and past the deadline they work towards now, extensions included (a lawfully extended complaint is not
    late). The 15-day share counts every complaint whose first 15 days are over, decided or not, and says so."""
    received = sum(w["received"] for w in data.weeks)
    return Section(
        name="complaints",
        figures=[("received", received), ("decided", data.decided), ("decided_in_time", data.decided_in_time),
                 ("overdue", data.overdue)],
        shares={"in_time_of_due": Share(data.decided_in_time, data.decided + data.open_late)},
        median_days=data.median_days,
    )
