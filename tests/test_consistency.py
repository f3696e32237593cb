"""Every borrower page tells one consistent truth (issue 13, point 1).

The demo data set (``seed-demo``) is loaded, and for each demo borrower who can log in every borrower page is
rendered: home, /loans, each /loans/<ref>, /plans, each /plans/<id>, /visits, each /visits/<id>, /complaints and
each complaint. The figures and states that several pages show must agree with each other and with the one
``describe`` function of their domain.
"""
from __future__ import annotations

import html
import re
from datetime import datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal.accounts.models import Borrower
from portal.i18n import lender_tz, local_today, money
from portal.loans import queries as loan_queries
from portal.loans import rules as loan_rules
from portal.loans.models import Loan
from portal.plans import labels as plan_labels
from portal.plans.models import PlanProposal
from portal.visits import labels as visit_labels
from portal.visits.models import Visit

DEMO_PHONES = ("13800138000", "13900139000", "13700137000")  # the demo borrowers who can log in


def plain(markup: str) -> str:
    """Visible text: no tags, entities decoded, whitespace folded."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    markup = re.sub(r'<span class="nowrap">([^<]*)</span>', r"\1", markup)  # inline: no space around it
    markup = re.sub(r'<a class="tel nowrap" href="[^"]*">([^<]*)</a>', r"\1", markup)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def main(markup: str) -> str:
    """The page's own content (without the navigation and footer, which repeat on every page)."""
    start = markup.find("<main")
    end = markup.find("</main>")
    return markup[start:end] if start >= 0 and end > start else markup


def cards(markup: str, marker: str) -> list[str]:
    parts = main(markup).split(marker)
    return parts[1:]


@pytest.fixture
def demo(seeded_demo):
    return seeded_demo


class Pages:
    """Every borrower page of one borrower, fetched once."""

    def __init__(self, client, session, phone: str) -> None:
        def get(path: str) -> str:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response.get_data(as_text=True)

        borrower = session.scalar(select(Borrower).where(Borrower.phone == phone))
        loan_refs = list(session.scalars(select(Loan.loan_ref).where(Loan.borrower_id == borrower.id)))
        plan_ids = list(session.scalars(select(PlanProposal.id).where(
            PlanProposal.borrower_id == borrower.id, PlanProposal.state != "draft")))
        visit_ids = list(session.scalars(select(Visit.id).join(Loan).where(Loan.borrower_id == borrower.id)))
        self.home = get("/")
        self.loans = get("/loans")
        self.loan = {ref: get(f"/loans/{ref}") for ref in loan_refs}
        self.plans = get("/plans")
        self.plan = {pid: get(f"/plans/{pid}") for pid in plan_ids}
        self.visits = get("/visits")
        self.visit = {vid: get(f"/visits/{vid}") for vid in visit_ids}
        self.complaints = get("/complaints")
        # Each request ends the thread's session: load the objects to compare with after the last one.
        self.borrower = session.scalar(select(Borrower).where(Borrower.phone == phone))
        self.loan_rows = list(session.scalars(select(Loan).where(Loan.loan_ref.in_(loan_refs))))
        self.proposals = list(session.scalars(select(PlanProposal).where(PlanProposal.id.in_(plan_ids))))
        self.visit_rows = list(session.scalars(select(Visit).where(Visit.id.in_(visit_ids))))

    def loan_card(self, loan_ref: str) -> str:
        found = [c for c in cards(self.loans, '<li class="card loan-card">') if f"/loans/{loan_ref}\"" in c]
        assert len(found) == 1, loan_ref
        return found[0]


@pytest.fixture(params=DEMO_PHONES)
def pages(request, demo, app, client, login):
    login(client, demo.scalar(select(Borrower).where(Borrower.phone == request.param)))
    return Pages(client, demo, request.param)


def in_locale(app, borrower, fn):
    """``fn()`` as a page in the borrower's script computes it (a request context inside the test's app context)."""
    with app.test_request_context(), force_locale(borrower.locale):
        return fn()


def test_due_amounts_agree_between_the_loan_cards_the_loan_pages_and_the_home(app, pages):
    b = pages.borrower
    total = 0
    for loan in pages.loan_rows:
        view = in_locale(app, b, lambda: loan_queries.loan_view(b, loan, local_today()))
        state = in_locale(app, b, lambda: view.state)
        due = in_locale(app, b, lambda: money(state.due_now_fen))
        total += state.due_now_fen
        card, page = plain(pages.loan_card(loan.loan_ref)), plain(main(pages.loan[loan.loan_ref]))
        assert f"{state.due_label} {due}" in card
        assert f"{state.due_label} {due}" in page
        assert state.standing in card and state.standing in page
        for step in state.next_steps:
            assert step in card and step in page
        home = plain(main(pages.home))
        if state.due_now_fen:  # the home says what is due now on this loan, with the same amount
            assert f"{loan.loan_ref}" in home and due in home
        elif state.next_fen:
            assert in_locale(app, b, lambda: money(state.next_fen)) in home
    assert in_locale(app, b, lambda: money(total)) in plain(main(pages.loans))


def test_payments_listed_as_received_are_the_ones_counted(app, pages):
    """A payment dated after today is not listed as received, and the total paid is the sum of the list."""
    today = local_today()
    for loan in pages.loan_rows:
        page = main(pages.loan[loan.loan_ref])
        received = page.split('id="payments-title"', 1)[1].split("</ul>", 1)[0]
        status = loan_rules.status_of(loan, today, loan_rules.DEFAULT_ORDER)
        counted = [p for p in loan.payments if p.paid_on <= today]
        listed = plain(received)
        for p in loan.payments:
            amount = in_locale(app, pages.borrower, lambda: money(p.amount_fen))
            if p.paid_on > today:
                later = page.split('class="payment-list payments-later"', 1)
                assert len(later) == 2 and amount in plain(later[1].split("</ul>", 1)[0])
        assert sum(p.amount_fen for p in counted) == status.paid_total_fen
        if counted:
            assert listed.count("¥") == len(counted)


def test_a_plan_reads_the_same_on_every_page(app, pages):
    b = pages.borrower
    plans_page = plain(main(pages.plans))
    for p in pages.proposals:
        told = in_locale(app, b, lambda: plan_labels.describe(p))
        assert told.headline in plain(main(pages.plan[p.id]))
        assert told.headline in plans_page
        card = plain(pages.loan_card(p.loan.loan_ref))
        page = plain(main(pages.loan[p.loan.loan_ref]))
        if told.badge and (told.pending or told.agreed):
            assert told.badge in card and told.badge in page
        if p.state == "countered":
            under_review = in_locale(app, b, lambda: plan_labels.describe(type("P", (), {"state": "under_review"})))
            for text in (card, page, plain(main(pages.plan[p.id]))):
                assert under_review.badge not in text and under_review.headline not in text
                assert "审核" not in text and "審核" not in text


def test_a_deferral_is_never_described_as_monthly_instalments(app, pages):
    """A deferral sets one payment; the contract's instalments not yet due are named as such, with their dates."""
    from portal.plans import services

    deferrals = [p for p in pages.proposals if p.kind == "deferral"]
    for p in deferrals:
        page = plain(main(pages.plan[p.id]))
        rows = in_locale(app, pages.borrower, lambda: plan_labels.schedule_rows(services.saved_schedule(p)))
        assert len([r for r in rows if not r.kept]) == 1
        for row in rows:
            assert row.label in page
        second = in_locale(app, pages.borrower, lambda: plan_labels._("Payment %(n)d · %(date)s", n=2, date=""))
        assert second.strip() not in page
    if pages.borrower.phone == "13800138000":
        assert deferrals, "the demo has a deferral for this borrower"


def test_a_visit_reads_the_same_on_every_page(app, pages):
    b = pages.borrower
    visits_page = plain(main(pages.visits))
    now = datetime.now(lender_tz())
    for v in pages.visit_rows:
        told = in_locale(app, b, lambda: visit_labels.describe(v, local_today()))
        page = plain(main(pages.visit[v.id]))
        assert told.headline in page and told.next_step in page
        assert told.label in visits_page and told.headline in visits_page
        loan_card, loan_page = plain(pages.loan_card(v.loan.loan_ref)), plain(main(pages.loan[v.loan.loan_ref]))
        if told.badge:
            assert told.badge in loan_card and told.badge in loan_page
        if told.past or v.window_end <= now:
            door = in_locale(app, b, lambda: str(visit_labels._("The visitors must tell you this code. If they "
                                                               "cannot, do not open the door.")))
            coming = in_locale(app, b, lambda: str(visit_labels._("Who is coming")))
            assert door not in page and coming not in page


def test_no_visit_was_proposed_before_the_day_the_loan_timeline_gives(app, pages):
    """The timeline says from which day a visit may be proposed; no visit on the loan was proposed earlier."""
    settings = in_locale(app, pages.borrower, loan_queries.timeline_settings)
    for v in pages.visit_rows:
        status = loan_rules.status_of(v.loan, local_today())
        day = next(s.on for s in loan_rules.timeline(status, settings) if s.kind == "visit")
        assert v.created_at.astimezone(lender_tz()).date() >= day, (v.loan.loan_ref, v.state)


def test_a_third_party_report_is_headed_report(app, demo, client):
    from portal.complaints.demo import DEMO_REPORT_SECRET
    from portal.complaints.models import Complaint

    reference = demo.scalar(select(Complaint.reference).where(Complaint.borrower_id.is_(None)))
    client.post("/report/status", data={"action": "lookup", "reference": reference,
                                        "secret": DEMO_REPORT_SECRET})
    page = client.get("/report/status").get_data(as_text=True)
    h1 = plain(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1))
    assert reference in h1
    assert "投诉" not in h1 and "投訴" not in h1 and "举报" in h1


def test_no_visit_waits_on_a_loan_under_an_agreed_plan(app, pages):
    """An agreed plan replaces the collection steps (the loan page says so): no visit on that loan is still open, and
    the home asks for no answer about one."""
    from portal.visits.rules import OPEN_STATES

    agreed = {p.loan_id for p in pages.proposals
              if in_locale(app, pages.borrower, lambda p=p: plan_labels.describe(p)).agreed}
    for v in pages.visit_rows:
        assert not (v.loan_id in agreed and v.state in OPEN_STATES), (v.id, v.loan.loan_ref, v.state)
    home = plain(main(pages.home))
    for v in pages.visit_rows:
        if v.loan_id in agreed:
            told = in_locale(app, pages.borrower, lambda: visit_labels.describe(v, local_today()))
            assert not told.needs_answer and told.headline not in home, (v.id, v.state)


def _staff_texts(session, borrower) -> dict[str, list[str]]:
    """What staff wrote to this borrower, by where the borrower reads it."""
    from portal.complaints.models import Complaint, ComplaintExtension, ComplaintMessage
    from portal.privacy.models import DataRequest
    from portal.visits.models import VisitRecord

    loans = select(Loan.id).where(Loan.borrower_id == borrower.id)
    complaints = select(Complaint.id).where(Complaint.borrower_id == borrower.id)
    return {
        "plans": list(session.scalars(select(PlanProposal.answer_note).where(
            PlanProposal.borrower_id == borrower.id, PlanProposal.state != "draft"))),
        "visits": list(session.scalars(select(Visit.purpose).where(Visit.loan_id.in_(loans)))),
        "elsewhere": [
            *[t for r in session.scalars(select(VisitRecord).join(Visit).where(Visit.loan_id.in_(loans)))
              for t in (r.met, r.outcome, r.next_step)],
            *session.scalars(select(ComplaintMessage.body).where(ComplaintMessage.complaint_id.in_(complaints),
                                                                 ComplaintMessage.author_kind == "staff")),
            *session.scalars(select(Complaint.outcome_explanation).where(Complaint.id.in_(complaints))),
            *session.scalars(select(ComplaintExtension.reason).where(ComplaintExtension.complaint_id.in_(complaints))),
            *session.scalars(select(DataRequest.answer).where(DataRequest.borrower_id == borrower.id)),
        ],
    }


def test_staff_write_to_a_traditional_reader_in_traditional(app, demo, client, login):
    """The demo's staff write to a zh_Hant borrower in Traditional: every note, visit reason, reply and answer shown
    to her converts to itself with OpenCC s2tw (no Simplified-only characters)."""
    from opencc import OpenCC

    s2tw = OpenCC("s2tw").convert
    readers = list(demo.scalars(select(Borrower).where(Borrower.locale == "zh_Hant",
                                                       Borrower.password_hash.is_not(None))))
    assert readers, "the demo has a zh_Hant borrower"
    for borrower in readers:
        texts = _staff_texts(demo, borrower)
        assert texts["plans"] and texts["visits"]
        login(client, borrower)
        pages = Pages(client, demo, borrower.phone)
        shown = " ".join(plain(main(page)) for page in [*pages.plan.values(), *pages.visit.values()])
        for text in [*texts["plans"], *texts["visits"], *texts["elsewhere"]]:
            if text:
                assert s2tw(text) == text, (borrower.name, text, s2tw(text))
        for text in [*texts["plans"], *texts["visits"]]:
            if text:
                assert text in shown, text


def test_a_declined_plan_is_not_declined_for_a_budget_it_fits(app, pages):
    """The decline reason does not contradict the page's own figures: "the budget does not show that the plan can be
    paid" is never the answer to a plan whose payments fit what the budget leaves."""
    from portal.plans import rules as plan_rules
    from portal.plans import services

    for p in pages.proposals:
        if p.state == "declined" and p.decline_reason == "budget_does_not_support":
            fits = plan_rules.affordability(services.budget_of(p), services.saved_schedule(p)).affordable
            assert not fits, (p.id, p.loan.loan_ref)
