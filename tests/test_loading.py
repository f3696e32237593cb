"""A borrower's rows are loaded once per request (``portal.memo``), never stale after a write, and the borrower's
pages run a number of statements that does not grow with the numbers of loans, plans and visits."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from portal.extensions import db
from portal.i18n import lender_tz, local_today
from portal.visits.models import Visit
from tests.statements import count_statements as statements


def _visit(loan, days=1, state="proposed") -> Visit:
    start = datetime.combine(local_today() + timedelta(days=days), time(19), tzinfo=lender_tz())
    return Visit(loan_id=loan.id, address="北京市东城区", window_start=start,
                 window_end=start + timedelta(hours=1), purpose="核实地址", state=state, code="ABC234")


def test_loaded_once_per_request_and_read_again_after_a_write(app, session, create_borrower, create_loan):
    from portal.visits.panels import open_visits

    me = create_borrower()
    loan = create_loan(me)
    with app.test_request_context("/"):
        assert open_visits(me) == []
        with statements(app) as seen:
            assert open_visits(me) == []  # the same request: no second query
        assert seen == []
        visit = _visit(loan)
        db.session.add(visit)
        db.session.flush()  # a write in the request: the memo is dropped
        assert [v.id for v in open_visits(me)] == [visit.id]
        db.session.rollback()  # and after a rollback the rolled-back row is gone
        assert open_visits(me) == []
    with app.test_request_context("/"):
        db.session.add(_visit(loan))
        db.session.commit()
    with app.test_request_context("/"):  # a new request reads the database again
        assert len(open_visits(me)) == 1


def test_the_homes_and_the_cards_figures_are_the_loan_pages_for_every_demo_borrower(app, session):
    from flask_babel import force_locale
    from sqlalchemy import select

    from portal import demo
    from portal.accounts.models import Borrower
    from portal.loans.queries import dashboard, loan_view, loans_for_borrower, standings

    today = local_today()
    with app.test_request_context():
        demo.seed_all(session, today)
    checked = planned = 0
    for borrower in session.scalars(select(Borrower)).all():
        with app.test_request_context(), force_locale(borrower.locale):
            home = standings(borrower, today)
            pages = [loan_view(borrower, loan, today) for loan in loans_for_borrower(borrower)]
            assert [ref for ref, _s in home] == [p.ref for p in pages]
            board = dashboard(borrower, today)  # /loans: a card per loan, the same words and figures as its page
            assert [c.ref for c in board.loans] == [p.ref for p in pages]
            for c, p in zip(board.loans, pages):
                assert (c.loan_id, c.product, c.badges, c.state, c.due_now_fen, c.outstanding_fen) == \
                    (p.loan_id, p.product, p.badges, p.state, p.due_now_fen, p.outstanding_fen)
            assert (board.due_now_fen, board.outstanding_fen) == \
                (sum(p.due_now_fen for p in pages), sum(p.outstanding_fen for p in pages))
            for (_ref, told), p in zip(home, pages):
                assert (told.due_now_fen, told.pay_by, told.next_fen, told.standing, told.overdue) == \
                    (p.state.due_now_fen, p.state.pay_by, p.state.next_fen, p.state.standing, p.state.overdue)
                assert told.under_plan == (p.plan is not None) == p.state.under_plan
                checked += 1
                planned += told.under_plan
    assert checked >= 4 and planned >= 1  # the demo has loans under an agreed plan and loans without


def _plans(session, borrower, loans) -> None:
    """An agreed plan on the first loan, one waiting for review on the second, a counter-offer on the third."""
    from datetime import timezone

    from portal.plans.models import PlanLine, PlanProposal

    sent = datetime.combine(local_today() - timedelta(days=20), time(2), tzinfo=timezone.utc)
    for loan, state in zip(loans, ("approved", "submitted", "countered")):
        p = PlanProposal(borrower_id=borrower.id, loan_id=loan.id, state=state, kind="instalments", months=2,
                         start_date=sent.date(), submitted_at=sent, created_at=sent, draft_json="{}",
                         income_fen=600_000, owed_principal_fen=100_000, owed_interest_fen=0, owed_penalty_fen=0,
                         owed_fee_fen=0, owed_later_fen=0)
        p.lines.extend(PlanLine(which="proposed", seq=i, due_date=sent.date() + timedelta(days=30 * i),
                                amount_fen=50_000) for i in (1, 2))
        if state != "submitted":
            p.decided_at = sent + timedelta(days=2)
        if state == "countered":
            p.counter_kind, p.counter_months, p.counter_start_date = "instalments", 3, sent.date()
            p.lines.extend(PlanLine(which="counter", seq=i, due_date=sent.date() + timedelta(days=30 * i),
                                    amount_fen=40_000) for i in (1, 2, 3))
        session.add(p)
    session.commit()


def _replied_complaints(session, borrower, staff, n) -> None:
    from portal.complaints import services
    from portal.complaints.models import ComplaintMessage

    for _ in range(n):
        complaint, _secret = services.file_complaint(
            services.Filing(categories=["insults"], channel="phone", what_happened="骂人", locale="zh_Hans",
                            preferred_contact="portal"), borrower=borrower, now=datetime.now(lender_tz()))
        session.add(ComplaintMessage(complaint=complaint, author_kind="staff", staff_id=staff.id, body="正在核实",
                                     at=datetime.now(lender_tz()) + timedelta(seconds=1)))
    session.commit()


def test_the_borrowers_pages_run_as_many_statements_for_one_loan_as_for_many(app, session, client, login,
                                                                             create_borrower, create_loan,
                                                                             create_staff):
    paths = ("/", "/loans", "/plans", "/visits")
    counts = {}
    staff = create_staff()
    for n in (1, 3):
        me = create_borrower()
        loans = [create_loan(me, months=6, payments=[(local_today() - timedelta(days=9), "50.00")])
                 for _ in range(n)]
        _plans(session, me, loans)  # an agreed plan; with three loans also one waiting and a counter-offer
        session.add_all([_visit(loan, days) for loan in loans for days in (1, 5)])  # open visits on every loan
        session.commit()
        _replied_complaints(session, me, staff, n)  # staff replies the borrower has not answered
        login(client, me)
        client.get("/")  # the session row's first refresh
        counts[n] = {}
        for path in paths:
            with statements(app) as seen:
                answer = client.get(path)
            assert answer.status_code == 200, path
            counts[n][path] = len(seen)
        if n > 1:  # the counter-offer, the visits and the replies are on the home
            home = client.get("/").get_data(as_text=True)
            assert "/plans/" in home and "/visits/" in home and home.count("#messages-title") == n
    assert counts[1] == counts[3], counts
    # the login session with its borrower (one statement); then each page's own loads
    # (the home: also its late complaints, through the list query of /complaints)
    assert counts[3] == {"/": 8, "/loans": 6, "/plans": 4, "/visits": 3}, counts


def test_a_borrowers_proposals_come_with_their_loans_and_lines_in_two_statements(app, session, create_borrower,
                                                                                  create_loan):
    from portal.plans.queries import proposals_of

    me = create_borrower()
    loans = [create_loan(me) for _ in range(3)]
    _plans(session, me, loans)
    session.expunge_all()
    with app.test_request_context("/"):
        with statements(app) as seen:
            got = proposals_of(me)
            read = {p.loan.loan_ref: [(x.which, x.seq, x.amount_fen) for x in p.lines] for p in got}
        assert len(seen) == 2  # the proposals with their loans; all their lines
        assert read == {
            loans[0].loan_ref: [("proposed", 1, 50_000), ("proposed", 2, 50_000)],
            loans[1].loan_ref: [("proposed", 1, 50_000), ("proposed", 2, 50_000)],
            loans[2].loan_ref: [("counter", i, 40_000) for i in (1, 2, 3)]
            + [("proposed", 1, 50_000), ("proposed", 2, 50_000)],
        }
        assert got[0].lines[0].proposal is got[0]  # the lines' proposal without a query
        with statements(app) as seen:
            assert proposals_of(me) is got  # once per request
        assert seen == []
