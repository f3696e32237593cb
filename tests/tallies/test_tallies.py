"""The report tallies (portal.tallies): kept equal to the rows by every change, in its own transaction; the
reports read from them exactly what counting the rows gives; not built, they are not used; built by the worker."""
from __future__ import annotations

import random
import threading
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from portal import tallies
from portal.complaints import queries as complaint_queries
from portal.complaints.models import Complaint, ComplaintCategory
from portal.complaints.rules import median, median_of_counts
from portal.extensions import db
from portal.i18n import lender_tz
from portal.plans.models import PlanProposal
from portal.staff import reports
from portal.tallies.models import ReportTally, ReportTallyState
from portal.visits.models import Visit, VisitAnswer, VisitRecord

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASE = datetime(2026, 9, 28, 15, 30, tzinfo=timezone.utc)  # 23:30 in Shanghai, 17:30 in Berlin


def _complaint(session, borrower, received, categories=("insults",)):
    n = session.scalar(select(func.count()).select_from(Complaint))
    complaint = Complaint(reference=f"TS-T{n:05d}", borrower_id=borrower.id, channel="phone", what_happened="骂人",
                          received_at=received, acknowledge_due=received.date(),
                          decide_due=received.date() + timedelta(days=15))
    complaint.category_rows = [ComplaintCategory(category=c) for c in categories]
    session.add(complaint)
    session.commit()
    return complaint


def _decide(session, complaint, at):
    complaint.state, complaint.outcome_category, complaint.outcome_explanation = "resolved", "other", "ok"
    complaint.decided_at = at
    session.commit()


def _plan(session, loan, state, submitted, decided=None, counter=False):
    plan = PlanProposal(borrower_id=loan.borrower_id, loan_id=loan.id, state=state, kind="instalments",
                        income_fen=500000, submitted_at=submitted, decided_at=decided,
                        counter_kind="deferral" if counter else None,
                        decline_reason="outside_policy" if state == "declined" else None)
    session.add(plan)
    session.commit()
    return plan


def _visit(session, loan, created):
    visit = Visit(loan_id=loan.id, address="北京市", window_start=created + timedelta(days=5),
                  window_end=created + timedelta(days=5, hours=2), purpose="核实", state="confirmed", code="AB12",
                  created_at=created)
    session.add(visit)
    session.commit()
    return visit


def _record(session, visit, staff, after):
    left = visit.window_start + timedelta(hours=1)
    session.add(VisitRecord(visit_id=visit.id, held=True, arrived_at=visit.window_start, departed_at=left,
                            met="本人", identity_shown=True, outcome="已沟通", next_step="无",
                            recorded_by_id=staff.id, recorded_at=left + after))
    session.commit()


def _stored(session) -> Counter:
    return tallies.stored(session.connection())


def _agree(session) -> None:
    assert tallies.ready(lender_tz())
    assert tallies.differences(lender_tz()) == {}


@pytest.mark.parametrize("seed", range(5))
def test_the_median_of_counts_is_the_median_of_the_list(seed):
    rng = random.Random(seed)
    values = [rng.randrange(-2, 40) for _ in range(rng.randrange(1, 300))]
    assert median_of_counts(Counter(values)) == median(values)
    assert median_of_counts({}) is None and median_of_counts({3: 0}) is None


def test_every_change_keeps_the_tallies_equal_to_the_rows(app, session, create_borrower, create_loan, create_staff):
    """Filing, deciding, changing categories, plans from draft to a counter-offer accepted, a deleted draft, visits
    answered, rescheduled, recorded late and disputed: after every commit the tallies are those of the rows."""
    borrower = create_borrower()
    loan = create_loan(borrower)
    staff = create_staff()
    with app.app_context():
        late_night = _complaint(session, borrower, BASE, ("insults", "threats"))
        _agree(session)
        assert _stored(session) == {("complaint", date(2026, 9, 28), "open"): 1,
                                    ("complaint_category", date(2026, 9, 28), "insults"): 1,
                                    ("complaint_category", date(2026, 9, 28), "threats"): 1}
        _decide(session, late_night, BASE + timedelta(minutes=31))  # 00:01 the next lender day
        _agree(session)
        assert _stored(session)[("complaint", date(2026, 9, 28), "1")] == 1
        late_night.category_rows = [ComplaintCategory(category="disclosure")]
        session.commit()
        _agree(session)
        assert ("complaint_category", date(2026, 9, 28), "insults") not in _stored(session)
        session.add(ComplaintCategory(complaint_id=late_night.id, category="threats"))
        session.commit()
        _agree(session)

        draft = _plan(session, loan, "draft", None)
        assert not any(kind == "plan" for kind, _d, _k in _stored(session))
        draft.state, draft.submitted_at = "submitted", BASE
        session.commit()
        _agree(session)
        draft.state, draft.counter_kind, draft.decided_at = "countered", "deferral", BASE + timedelta(days=2)
        session.commit()
        draft.state = "accepted"
        session.commit()
        _agree(session)
        assert _stored(session)[("plan", date(2026, 9, 28), "accepted|1|2")] == 1
        forgotten = _plan(session, loan, "draft", None)
        session.delete(forgotten)
        session.commit()
        _agree(session)

        visit = _visit(session, loan, BASE)
        session.add_all([VisitAnswer(visit_id=visit.id, kind="confirm"),
                         VisitAnswer(visit_id=visit.id, kind="confirm")])
        session.commit()
        visit.answers.append(VisitAnswer(kind="remote"))  # through the relationship: no visit id until the flush
        visit.reschedule_count = 1
        session.commit()
        _agree(session)
        _record(session, visit, staff, timedelta(hours=30))
        visit.record_answer = "disputed"
        session.commit()
        _agree(session)
        assert _stored(session)[("visit", date(2026, 9, 28),
                                 "rescheduled,confirmed,video,recorded,late_record,disputed")] == 1
        # and a rebuild counts the same
        kept = _stored(session)
        tallies.rebuild(lender_tz())
        session.commit()
        assert _stored(session) == kept


def test_a_rolled_back_change_takes_its_tally_with_it(app, session, create_borrower):
    borrower = create_borrower()
    with app.app_context():
        complaint = _complaint(session, borrower, BASE)
        with pytest.raises(RuntimeError):
            with session.begin_nested():
                complaint.decided_at, complaint.state = BASE + timedelta(days=3), "resolved"
                complaint.outcome_category, complaint.outcome_explanation = "other", "ok"
                session.flush()
                assert _stored(session)[("complaint", date(2026, 9, 28), "3")] == 1
                raise RuntimeError("refused")
        session.commit()
        _agree(session)
        assert _stored(session) == {("complaint", date(2026, 9, 28), "open"): 1,
                                    ("complaint_category", date(2026, 9, 28), "insults"): 1}


def test_a_flush_that_fails_leaves_no_figures_behind(app, session, monkeypatch, create_borrower):
    """The keys read before a flush that fails go with it: the next flush, which changes nothing tallied, reads
    and applies nothing (it must not apply them against rows another transaction may have changed since)."""
    from sqlalchemy.exc import IntegrityError

    borrower = create_borrower()
    with app.app_context():
        complaint = _complaint(session, borrower, BASE)
        complaint.decided_at, complaint.state = BASE + timedelta(days=2), "resolved"
        complaint.outcome_category, complaint.outcome_explanation = "other", "ok"
        session.add(ComplaintCategory(complaint_id=complaint.id, category="no_such_category"))  # refused
        with pytest.raises(IntegrityError):
            session.flush()  # its keys were read before it failed
        session.rollback()
        read = []
        monkeypatch.setattr(tallies, "_keys_of", lambda *args: read.append(args) or Counter())
        borrower.name = "王芳"
        session.commit()
        assert read == []
        monkeypatch.undo()
        _agree(session)


def _random_history(session, borrower, create_loan, staff, rng):
    for i in range(40):
        received = BASE + timedelta(days=rng.randrange(30), minutes=rng.choice((0, 29, 31, 60, 600)))
        complaint = _complaint(session, borrower, received,
                               rng.sample(("insults", "threats", "disclosure", "third_parties"), rng.randrange(1, 3)))
        if i % 4:
            _decide(session, complaint, received + timedelta(days=rng.choice((0, 1, 14, 15, 16, 30)),
                                                              minutes=rng.choice((0, 31, 59))))
        state = rng.choice(("submitted", "approved", "declined", "countered", "accepted", "withdrawn"))
        decided = None if state in ("submitted", "withdrawn") else received + timedelta(days=rng.randrange(8))
        loan = create_loan(borrower)  # one open plan per loan
        _plan(session, loan, state, received, decided, counter=state in ("countered", "accepted"))
        if i % 3 == 0:
            visit = _visit(session, loan, received)
            for kind in rng.sample(("confirm", "remote", "family"), rng.randrange(0, 3)):
                session.add(VisitAnswer(visit_id=visit.id, kind=kind))
            visit.reschedule_count = rng.randrange(2)
            session.commit()
            if rng.random() < 0.6:
                _record(session, visit, staff, timedelta(hours=rng.choice((3, 23, 25, 48))))
                if rng.random() < 0.5:
                    visit.record_answer = rng.choice(("confirmed", "disputed"))
                    session.commit()


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin"])
def test_the_reports_read_from_the_tallies_are_those_counted_from_the_rows(app, session, monkeypatch, zone,
                                                                           create_borrower, create_loan,
                                                                           create_staff):
    """Around the lender's midnight, across Berlin's daylight-saving change (2026-10-25): every figure, share,
    week and median of the three reports is the same from the tallies as from the rows."""
    monkeypatch.setitem(app.config, "PORTAL_TIMEZONE", zone)
    borrower = create_borrower()
    staff = create_staff()
    tz = ZoneInfo(zone)
    with app.app_context():
        tallies.rebuild(tz)
        session.commit()
        _random_history(session, borrower, create_loan, staff, random.Random(11))
        _agree(session)
        since, until, today = date(2026, 9, 29), date(2026, 10, 20), date(2026, 11, 20)

        def all_reports():
            return (complaint_queries.report(since, until, tz, today=today), reports.plan_report(since, until, tz),
                    reports.visit_report(since, until, tz))

        assert tallies.read("complaint", since, until, tz)
        from_tallies = all_reports()
        monkeypatch.setattr(tallies, "read", lambda *_args: None)
        from_rows = all_reports()
    assert from_tallies == from_rows
    complaints, plans, visits = from_rows
    assert complaints.decided and complaints.median_days is not None and dict(plans.figures)["submitted"]
    assert dict(visits.figures)["proposed"] and dict(visits.figures)["recorded"]


def test_not_built_nothing_is_tallied_and_the_worker_builds_them(app, session, create_borrower):
    """A fresh migration leaves the tallies unbuilt: changes add nothing, the reports count the rows; the worker's
    periodic task builds them once, then leaves them be."""
    from portal.tallies import ensure_for_lender

    borrower = create_borrower()
    with app.app_context():
        session.execute(update(ReportTallyState).values(zone=None))
        session.commit()
        complaint = _complaint(session, borrower, BASE)
        assert _stored(session) == {}
        assert tallies.read("complaint", date(2026, 9, 1), date(2026, 9, 30), SHANGHAI) is None
        assert sum(w["received"] for w in complaint_queries.report(date(2026, 9, 1), date(2026, 9, 30),
                                                                    SHANGHAI).weeks) == 1
        ensure_for_lender()
        _agree(session)
        built = session.scalar(select(ReportTallyState.built_at))
        _decide(session, complaint, BASE + timedelta(days=1))
        ensure_for_lender()
        assert session.scalar(select(ReportTallyState.built_at)) == built  # not built again
        _agree(session)


def test_a_changed_time_zone_is_counted_again_in_its_days(app, session, monkeypatch, create_borrower):
    borrower = create_borrower()
    with app.app_context():
        _complaint(session, borrower, BASE)  # 23:30 on the 28th in Shanghai, 17:30 in Berlin
        assert ("complaint", date(2026, 9, 28), "open") in _stored(session)
        monkeypatch.setitem(app.config, "PORTAL_TIMEZONE", "Asia/Tokyo")  # 00:30 on the 29th
        assert not tallies.ready(lender_tz())
        assert tallies.read("complaint", date(2026, 9, 1), date(2026, 9, 30), lender_tz()) is None
        assert tallies.ensure(lender_tz())
        assert set(_stored(session)) == {("complaint", date(2026, 9, 29), "open"),
                                         ("complaint_category", date(2026, 9, 29), "insults")}
        _agree(session)


def test_check_and_rebuild_from_the_command_line(app, session, create_borrower):
    borrower = create_borrower()
    with app.app_context():
        _complaint(session, borrower, BASE)
        session.execute(update(ReportTally).values(n=ReportTally.n + 1))
        session.commit()
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["tallies", "check"])
    assert checked.exit_code == 1
    assert "complaint 2026-09-28 'open': stored 2, counted 1" in checked.output
    assert "2 tallies differ from the rows" in checked.output
    rebuilt = runner.invoke(args=["tallies", "rebuild"])
    assert rebuilt.exit_code == 0 and "rebuilt for Asia/Shanghai: 2 rows" in rebuilt.output
    checked = runner.invoke(args=["tallies", "check"])
    assert checked.exit_code == 0 and "agree with the rows" in checked.output
    with app.app_context():
        session.execute(update(ReportTallyState).values(zone=None))
        session.commit()
    unbuilt = runner.invoke(args=["tallies", "check"])
    assert unbuilt.exit_code == 1 and "not built for Asia/Shanghai" in unbuilt.output


def test_two_transactions_answering_one_visit_at_once_count_it_once(app, session, create_borrower, create_loan):
    """The second waits for the first's lock on the visit before reading its old figures (FOR NO KEY UPDATE on
    PostgreSQL, the write lock on SQLite): without it, both would subtract the unanswered visit."""
    borrower = create_borrower()
    loan = create_loan(borrower)
    with app.app_context():
        visit_id = _visit(session, loan, BASE).id
    first_flushed = threading.Event()
    errors: list[BaseException] = []

    def answer(first: bool) -> None:
        try:
            with app.app_context():
                if not first:
                    first_flushed.wait(5)
                db.session.add(VisitAnswer(visit_id=visit_id, kind="confirm"))
                db.session.flush()
                if first:
                    first_flushed.set()
                    time.sleep(0.4)  # the second flushes meanwhile
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=answer, args=(first,)) for first in (True, False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert not errors
    with app.app_context():
        _agree(session)
        assert _stored(session) == {("visit", date(2026, 9, 28), "confirmed"): 1}


def test_child_rows_removed_or_moved_through_the_relationship_are_counted(app, session, create_borrower,
                                                                         create_loan):
    """A category taken out of the complaint's list (deleted by the flush, never in session.deleted before it),
    a category and a visit answer moved to another parent: both parents are counted again."""
    borrower = create_borrower()
    loan = create_loan(borrower)
    with app.app_context():
        first = _complaint(session, borrower, BASE, ("insults", "threats"))
        second = _complaint(session, borrower, BASE + timedelta(days=3), ("disclosure",))
        threats = next(row for row in first.category_rows if row.category == "threats")
        first.category_rows.remove(threats)
        session.commit()
        _agree(session)
        assert ("complaint_category", date(2026, 9, 28), "threats") not in _stored(session)
        insults = first.category_rows[0]
        insults.complaint = second
        session.commit()
        _agree(session)
        assert _stored(session)[("complaint_category", date(2026, 10, 1), "insults")] == 1
        one, other = _visit(session, loan, BASE), _visit(session, loan, BASE + timedelta(days=1))
        answer = VisitAnswer(visit_id=one.id, kind="confirm")
        session.add(answer)
        session.commit()
        answer.visit = other
        session.commit()
        _agree(session)
        assert _stored(session)[("visit", date(2026, 9, 28), "")] == 1
        assert _stored(session)[("visit", date(2026, 9, 29), "confirmed")] == 1


def test_a_schema_from_the_models_has_the_state_row_and_a_rebuild_makes_it_when_missing(app, session, tmp_path):
    from sqlalchemy import create_engine

    from portal.models import metadata

    engine = create_engine(f"sqlite:///{tmp_path}/fresh.sqlite3")
    metadata.create_all(engine)
    with engine.connect() as conn:
        assert conn.execute(select(ReportTallyState.id, ReportTallyState.zone)).all() == [(1, None)]
    engine.dispose()
    with app.app_context():
        session.execute(ReportTallyState.__table__.delete())
        session.commit()
        tallies.rebuild(lender_tz())
        session.commit()
        assert tallies.ready(lender_tz())


def test_the_hourly_check_rebuilds_tallies_that_differ_and_leaves_equal_ones(app, session, monkeypatch, caplog,
                                                                              create_borrower):
    """A process configured in another zone writes without tallying (and says so); the worker's check, in the
    lender's zone, finds the difference and counts again."""
    from portal.tallies import repair_for_lender

    borrower = create_borrower()
    with app.app_context():
        _complaint(session, borrower, BASE)
        built = session.scalar(select(ReportTallyState.built_at))
        repair_for_lender()
        assert session.scalar(select(ReportTallyState.built_at)) == built  # equal: not rebuilt
        monkeypatch.setitem(app.config, "PORTAL_TIMEZONE", "Asia/Tokyo")
        with caplog.at_level("WARNING", logger="portal.tallies"):
            _complaint(session, borrower, BASE + timedelta(days=1))
        assert "counted in Asia/Shanghai, this process's zone is Asia/Tokyo" in caplog.text
        monkeypatch.setitem(app.config, "PORTAL_TIMEZONE", "Asia/Shanghai")
        assert tallies.repair(lender_tz()) == 2  # the complaint's day and its category's
        _agree(session)
        assert session.scalar(select(ReportTallyState.built_at)) != built
