"""Read models of the supervisor reports: plans, visits and complaints over a chosen date range.

Every share is kept as its numerator and denominator; the percentage is computed from exactly those two, so the
words "3 of 3" and the figure "100 %" can never disagree. Chart geometry is computed here, not in templates.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import distinct, func, select

from portal.complaints.rules import median
from portal.extensions import db
from portal.plans.models import PlanProposal
from portal.plans.rules import AGREED_STATES, WAITING_FOR_STAFF
from portal.visits.models import Visit, VisitAnswer, VisitRecord

# Our own standard (the design sets no legal deadline): a visit record is written within 24 hours of leaving.
RECORD_LATE_AFTER = timedelta(hours=24)
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
class Bar:
    key: str
    value: int
    y: float
    width: float


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


def hbars(figures: list[tuple[str, int]], width: float = 200.0, row: float = 24.0) -> list[Bar]:
    """Horizontal bars (server-rendered SVG), scaled to the largest figure."""
    top = max((v for _k, v in figures), default=0) or 1
    return [Bar(key=k, value=v, y=i * row, width=round(v / top * width, 1)) for i, (k, v) in enumerate(figures)]


def utc_bounds(since: date, until: date, tz) -> tuple[datetime, datetime]:
    """[since 00:00, until+1 00:00) in the lender's time zone, as UTC."""
    start = datetime.combine(since, time.min, tzinfo=tz).astimezone(timezone.utc)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz).astimezone(timezone.utc)
    return start, end


def plan_report(since: date, until: date, tz) -> Section:
    """Plans submitted in the range and what became of them: the counts in one statement, and the days to a
    decision of the decided ones (the median, in the lender's days)."""
    start, end = utc_bounds(since, until, tz)
    in_range = (PlanProposal.submitted_at >= start, PlanProposal.submitted_at < end)
    submitted, approved, declined, countered, agreed, waiting = db.session.execute(
        select(func.count(), func.count().filter(PlanProposal.state == "approved"),
               func.count().filter(PlanProposal.state == "declined"),
               func.count().filter(PlanProposal.counter_kind.is_not(None)),
               func.count().filter(PlanProposal.state.in_(sorted(AGREED_STATES))),
               func.count().filter(PlanProposal.state.in_(sorted(WAITING_FOR_STAFF))))
        .select_from(PlanProposal).where(*in_range)).one()
    days = [(decided.astimezone(tz).date() - submitted_at.astimezone(tz).date()).days
            for submitted_at, decided in db.session.execute(
                select(PlanProposal.submitted_at, PlanProposal.decided_at)
                .where(*in_range, PlanProposal.decided_at.is_not(None))).all()]
    return Section(
        name="plans",
        figures=[("submitted", submitted), ("approved", approved), ("countered", countered),
                 ("declined", declined), ("agreed", agreed), ("waiting", waiting)],
        shares={"approved_of_decided": Share(approved, len(days)), "agreed_of_submitted": Share(agreed, submitted)},
        median_days=median(days),
    )


def visit_report(since: date, until: date, tz) -> Section:
    """Visits proposed in the range: how borrowers answered, disputes, and records written late."""
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
    return Section(
        name="visits",
        figures=[("proposed", proposed), ("confirmed", answered.get("confirm", 0)), ("rescheduled", rescheduled),
                 ("video", answered.get("remote", 0)), ("disputed", disputed), ("recorded", len(records)),
                 ("late_records", late)],
        shares={"late_of_recorded": Share(late, len(records)), "disputed_of_recorded": Share(disputed, len(records))},
    )


def complaint_section(data) -> Section:
    """The complaint report (complaints.queries.report) in the same shape; the 15-day share counts every
    complaint whose 15 days are over, decided or not, and says so."""
    received = sum(w["received"] for w in data.weeks)
    return Section(
        name="complaints",
        figures=[("received", received), ("decided", data.decided), ("decided_in_time", data.decided_in_time),
                 ("open_late", data.open_late)],
        shares={"in_time_of_due": Share(data.decided_in_time, data.decided + data.open_late)},
        median_days=data.median_days,
    )
