"""Staff queue and decisions: roles, audit, SMS, optimistic locking; the loan page afterwards."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, inspect, select, update

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.plans.models import PlanLine, PlanProposal

from tests.addresses import assert_no_dead_end
from tests.html_checks import id_problems, ids_of, shared_form_ids

from .conftest import BUDGET, text


@pytest.fixture
def proposal(client, create_borrower, login, overdue_loan, propose):
    borrower = create_borrower(name="陳美玲", locale="zh_Hant")
    loan = overdue_loan(borrower)
    login(client, borrower)
    p = propose(loan, budget=dict(BUDGET, hardship_detail="公司裁員"))
    client.post("/logout")
    return fresh(p)


def staff_client(app, login, user):
    c = app.test_client()
    login(c, user)
    return c


def fresh(p) -> PlanProposal:
    """Reload (each request ends the thread's session, so objects from before are detached)."""
    pid = p if isinstance(p, int) else inspect(p).identity[0]
    db.session.remove()
    p = db.session.get(PlanProposal, pid)
    _ = (p.loan.loan_ref, p.borrower.phone, p.lines, p.proofs)
    db.session.expunge_all()  # a snapshot: later requests (same thread, same session) leave it alone
    return p


def actions(p) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(p.id))
                                   .order_by(AuditEvent.id)))


def test_queue_and_detail_are_audited(app, login, create_staff, proposal):
    agent = staff_client(app, login, create_staff(role="agent"))
    queue = agent.get("/staff/plans")
    assert queue.status_code == 200 and fresh(proposal).loan.loan_ref in text(queue)
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "plan.queue_viewed")).all() == [
        "plan.queue_viewed"]  # the queue names the borrowers
    detail = agent.get(f"/staff/plans/{proposal.id}")
    assert detail.status_code == 200 and "公司裁員" in text(detail)
    assert "plan.viewed" in actions(proposal)
    home = agent.get("/staff/")
    assert f"/staff/plans/{proposal.id}" in text(home)
    assert agent.get("/staff/plans/999999").status_code == 404


def test_agent_reviews_and_declines_but_cannot_approve_or_counter(app, login, create_staff, proposal, outbox):
    agent = staff_client(app, login, create_staff(role="agent"))
    review = agent.post(f"/staff/plans/{proposal.id}/review", data={"review-version": proposal.version})
    assert review.status_code == 302
    p = fresh(proposal)
    assert p.state == "under_review"
    assert agent.post(f"/staff/plans/{p.id}/approve", data={"approve-version": p.version}).status_code == 403
    assert agent.post(f"/staff/plans/{p.id}/counter", data={"counter-version": p.version, "counter-kind": "instalments",
                                                            "counter-months": "12", "send": "1"}).status_code == 403
    assert "需要主管" in text(agent.get(f"/staff/plans/{p.id}"))
    no_reason = agent.post(f"/staff/plans/{p.id}/decline", data={"decline-version": p.version, "decline-note": "x"})
    assert no_reason.status_code == 422 and 'id="decline-reason-error"' in text(no_reason)
    other = agent.post(f"/staff/plans/{p.id}/decline", data={"decline-version": p.version, "decline-reason": "other"})
    assert other.status_code == 422 and 'id="decline-note-error"' in text(other)
    ok = agent.post(f"/staff/plans/{p.id}/decline", data={"decline-version": p.version,
                                                          "decline-reason": "missing_information",
                                                          "decline-note": "请补充收入证明"})
    assert ok.status_code == 302
    p = fresh(p)
    assert p.state == "declined" and p.decline_reason == "missing_information"
    assert actions(p)[-1] == "plan.declined"
    sms = outbox()
    assert len(sms) == 1 and sms[0]["to"] == fresh(p).borrower.phone and "未獲核准" in sms[0]["text"]  # borrower's script


def test_supervisor_approves(app, login, create_staff, proposal, outbox, client):
    boss = staff_client(app, login, create_staff(role="supervisor"))
    # the decision is offered at once: approving a sent proposal starts the review on the way (issue 14)
    p = fresh(proposal)
    assert boss.post(f"/staff/plans/{p.id}/approve", data={"approve-version": p.version}).status_code == 302
    assert fresh(p).state == "approved" and "plan.approved" in actions(p)
    assert len(outbox()) == 1
    p = fresh(p)
    login(client, p.borrower)
    loan_page = text(client.get(f"/loans/{p.loan.loan_ref}"))
    assert "還款方案已達成" in loan_page


def test_the_decision_forms_share_no_id_and_each_note_has_its_label(app, login, create_staff, proposal, csrf_on):
    boss = staff_client(app, login, create_staff(role="supervisor"))
    page = text(boss.get(f"/staff/plans/{proposal.id}"))  # a sent proposal: the decisions are offered at once
    ids = ids_of(page)
    assert len(ids.forms) >= 3  # approve, decline, counter-offer
    assert shared_form_ids(page) == [] and id_problems(page) == []
    labelled = {target for target, _line in ids.label_for}
    for prefix in ("approve", "decline", "counter"):
        assert f"{prefix}-note" in labelled and f'id="{prefix}-note"' in page
        assert f'id="{prefix}-csrf_token"' in page and f'id="{prefix}-version"' in page


def test_stale_version_is_refused(app, login, create_staff, proposal):
    agent = staff_client(app, login, create_staff(role="agent"))
    old = proposal.version
    agent.post(f"/staff/plans/{proposal.id}/review", data={"review-version": old})
    again = agent.post(f"/staff/plans/{proposal.id}/decline",
                       data={"decline-version": old, "decline-reason": "other", "decline-note": "x"})
    assert again.status_code == 302 and fresh(proposal).state == "under_review"


def test_counter_offer_preview_send_accept(app, login, create_staff, proposal, client, outbox):
    boss = staff_client(app, login, create_staff(role="supervisor"))
    boss.post(f"/staff/plans/{proposal.id}/review", data={"review-version": proposal.version})
    p = fresh(proposal)
    bad = boss.post(f"/staff/plans/{p.id}/counter",
                    data={"counter-version": p.version, "counter-kind": "instalments", "counter-months": "99"})
    assert bad.status_code == 422 and 'id="counter-months-error"' in text(bad)
    data = {"counter-version": p.version, "counter-kind": "instalments_waiver", "counter-months": "12",
            "counter-note": "可以减免罚息", "send": "0"}
    preview = boss.post(f"/staff/plans/{p.id}/counter", data=data)
    body = text(preview)
    assert preview.status_code == 200 and 'id="counter-preview"' in body
    assert fresh(p).state == "under_review"  # a preview changes nothing
    digest = body.split('name="digest" value="')[1].split('"')[0]
    sent = boss.post(f"/staff/plans/{p.id}/counter", data=dict(data, send="1", digest=digest))
    assert sent.status_code == 302
    p = fresh(p)
    assert p.state == "countered" and len(p.lines_of("counter")) == 12 and p.counter_kind == "instalments_waiver"
    owed = p.owed_principal_fen + p.owed_interest_fen + p.owed_later_fen
    assert sum(x.amount_fen for x in p.lines_of("counter")) == owed  # same day: penalty and fees waived
    assert len(outbox()) == 1
    ref = p.loan.loan_ref
    login(client, p.borrower)
    page = text(client.get(f"/plans/{p.id}"))
    assert "可以减免罚息" in page and "接受貸款機構的條件" in page
    assert client.get(f"/loans/{ref}").status_code == 200
    assert client.post(f"/plans/{p.id}/accept", data={"version": p.version}).status_code == 302
    p = fresh(p)
    assert p.state == "accepted" and actions(p)[-1] == "plan.accepted"
    loan_page = text(client.get(f"/loans/{ref}"))
    first = p.lines_of("counter")[0]
    assert "還款方案已達成" in loan_page and "第 12 期" in loan_page
    assert client.post(f"/plans/{p.id}/withdraw", data={"version": p.version}).status_code == 302
    assert fresh(p).state == "accepted"  # an agreed plan cannot be withdrawn
    assert first.amount_fen > 0


def test_proof_download_is_audited(app, login, create_staff, client, create_borrower, overdue_loan, propose):
    import io

    from tests.uploads.samples import pdf
    from .conftest import TERMS
    borrower = create_borrower()
    loan = overdue_loan(borrower)
    login(client, borrower)
    client.post(f"/plans/new?loan={loan.loan_ref}&step=1", data=TERMS)
    client.post(f"/plans/new?loan={loan.loan_ref}&step=2", data=dict(BUDGET, proofs=[(io.BytesIO(pdf()), "b.pdf")]),
                content_type="multipart/form-data")
    p = fresh(propose(loan))
    assert len(p.proofs) == 1
    agent = staff_client(app, login, create_staff(role="agent"))
    response = agent.get(f"/staff/plans/{p.id}/proofs/{p.proofs[0].id}")
    assert response.status_code == 200 and response.data == pdf()
    assert response.headers["Content-Disposition"].startswith("attachment")
    response.close()
    assert "plan.proof_downloaded" in actions(p)
    assert agent.get(f"/staff/plans/{p.id}/proofs/999").status_code == 404


def test_borrowers_cannot_reach_staff_plan_pages(client, login, proposal):
    login(client, fresh(proposal).borrower)
    response = client.get(f"/staff/plans/{proposal.id}")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_plan_pages_in_zh_hant_have_no_simplified_or_english(app, login, create_staff, proposal, client,
                                                              overdue_loan):
    from tests.test_pages_i18n import check_hant
    from sqlalchemy import update

    from portal.loans.models import Loan
    other = overdue_loan(fresh(proposal).borrower).loan_ref
    db.session.execute(update(Loan).values(product="消費貸"))  # lender data, in the reader's script
    db.session.commit()
    boss = staff_client(app, login, create_staff(role="supervisor", display_name="趙主管"))
    boss.set_cookie("portal_locale", "zh_Hant")
    boss.post(f"/staff/plans/{proposal.id}/review", data={"review-version": proposal.version})
    p = fresh(proposal)
    for url in ("/staff/plans", f"/staff/plans/{p.id}", "/staff/"):
        check_hant(boss.get(url).get_data(as_text=True), url)
    login(client, p.borrower)
    client.set_cookie("portal_locale", "zh_Hant")
    client.post(f"/plans/new?loan={other}&step=1", data={"kind": "instalments", "months": "6"})
    client.post(f"/plans/new?loan={other}&step=2", data=dict(BUDGET, hardship_detail=""))
    for url in ("/plans", f"/plans/{p.id}", f"/loans/{p.loan.loan_ref}",
                *(f"/plans/new?loan={other}&step={n}" for n in (1, 2, 3))):
        response = client.get(url)
        assert response.status_code == 200, url
        check_hant(response.get_data(as_text=True), url)


PENDING_BADGE = "還款方案：已送出，等待審核"  # "Repayment plan: Sent, waiting for review" in zh_Hant (submitted)


def test_an_agreed_plan_replaces_the_contract_figures_on_the_loan_pages(app, login, create_staff, proposal, client):
    """Issue 5: an accepted plan replaces what the loan shows; while pending, the loan says it is under review."""
    p = fresh(proposal)
    login(client, p.borrower)
    pending_card = text(client.get("/loans"))
    assert PENDING_BADGE in pending_card
    assert "/plans/new?loan=" not in text(client.get(f"/loans/{p.loan.loan_ref}"))  # no second proposal invited
    contract_due = client.get(f"/loans/{p.loan.loan_ref}")
    boss = staff_client(app, login, create_staff(role="supervisor"))
    boss.post(f"/staff/plans/{p.id}/review", data={"review-version": p.version})
    p = fresh(p)
    boss.post(f"/staff/plans/{p.id}/approve", data={"approve-version": p.version})
    p = fresh(p)
    lines = sorted((x.due_date, x.amount_fen) for x in p.lines_of(p.agreed_which))
    detail = text(client.get(f"/loans/{p.loan.loan_ref}"))
    board = text(client.get("/loans"))
    from portal.i18n import money  # formatting in the borrower's script, as the pages do
    with app.test_request_context(headers={"Accept-Language": "zh-TW"}):
        first = money(lines[0][1])
        total = money(sum(a for _d, a in lines))
    # nothing of the plan is due yet: the next plan payment and the plan total are shown, not the contract arrears
    assert first in detail and total in detail and first in board
    with app.test_request_context(headers={"Accept-Language": "zh-TW"}):
        nothing_due = money(0)
    assert re.findall(r'class="big-number">([^<]+)<', detail) == [nothing_due]
    assert set(re.findall(r'class="big-number">([^<]+)<', board)) == {nothing_due}
    assert "/plans/new?loan=" not in detail
    assert text(contract_due) != detail


def test_no_second_plan_while_one_is_agreed(app, login, create_staff, proposal, client):
    boss = staff_client(app, login, create_staff(role="supervisor"))
    boss.post(f"/staff/plans/{proposal.id}/review", data={"review-version": proposal.version})
    p = fresh(proposal)
    boss.post(f"/staff/plans/{p.id}/approve", data={"approve-version": p.version})
    p = fresh(p)
    login(client, p.borrower)
    again = client.get(f"/plans/new?loan={p.loan.loan_ref}")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/plans/{p.id}")
    assert f"/plans/new?loan={p.loan.loan_ref}" not in text(client.get("/plans"))


def test_the_sms_goes_out_only_when_the_decision_is_saved(app, login, create_staff, proposal, outbox, monkeypatch):
    from portal.extensions import db as real_db

    boss = staff_client(app, login, create_staff(role="supervisor"))
    boss.post(f"/staff/plans/{proposal.id}/review", data={"review-version": proposal.version})
    p = fresh(proposal)

    def failing_commit():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(real_db.session, "commit", failing_commit)
    boss.post(f"/staff/plans/{p.id}/approve", data={"approve-version": p.version})
    monkeypatch.undo()
    assert outbox() == [] and fresh(p).state == "under_review"


def test_a_proposal_whose_first_date_has_passed_cannot_be_approved(app, login, create_staff, proposal, outbox, session):
    from datetime import timedelta

    from portal.plans.models import PlanLine

    boss = staff_client(app, login, create_staff(role="supervisor"))
    boss.post(f"/staff/plans/{proposal.id}/review", data={"review-version": proposal.version})
    first = session.scalars(select(PlanLine).where(PlanLine.proposal_id == proposal.id).order_by(PlanLine.due_date)).first()
    first.due_date = first.due_date - timedelta(days=400)  # as if the proposal had waited for months
    session.commit()
    p = fresh(proposal)
    boss.post(f"/staff/plans/{p.id}/approve", data={"approve-version": p.version})
    assert fresh(p).state == "under_review" and outbox() == []


def _waiting(session, create_borrower, overdue_loan, apart, count: int) -> list[int]:
    """``count`` submitted proposals, oldest first, ``apart`` from each other: their ids."""
    from portal.orm import utcnow

    ids = []
    for n in range(count):
        loan = overdue_loan(create_borrower())
        p = PlanProposal(borrower_id=loan.borrower_id, loan_id=loan.id, state="submitted", version=1,
                         kind="deferral", deferral_days=30, income_fen=100_000,
                         submitted_at=utcnow() - apart * (10 - n))
        session.add(p)
        session.commit()
        ids.append(p.id)
    return ids


def _ids_page_by_page(agent) -> list[int]:
    """The proposals the queue lists, following its "More" links to the end."""
    seen, url = [], "/staff/plans"
    while url:
        page = text(agent.get(url))
        seen += [int(x) for x in re.findall(r'href="/staff/plans/(\d+)"', page)]
        more = re.search(r'href="(/staff/plans\?[^"]*after=[^"]+)"', page)
        url = more.group(1).replace("&amp;", "&") if more else None
    return seen


def test_the_waiting_queue_pages_by_key(app, login, create_staff, create_borrower, overdue_loan, session,
                                       monkeypatch):
    from datetime import timedelta

    from portal.plans import queries

    monkeypatch.setattr(queries, "QUEUE_PAGE", 2)
    ids = _waiting(session, create_borrower, overdue_loan, timedelta(days=1), 5)
    agent = staff_client(app, login, create_staff(role="agent"))
    assert _ids_page_by_page(agent) == ids  # oldest first, each exactly once, over three pages
    for forged in ("2026-01-01T00:00:00_5", "nonsense", "2026-13-40T00:00:00+00:00_1",  # no UTC offset, not a key
                   # no UTC time in year 1 east of Greenwich, an id no row can have: these answered 500
                   "0001-01-01T00:00:00+14:00_1", f"2026-01-01T00:00:00+00:00_{2**63}", "2026-01-01T00:00:00+00:00_²"):
        page = text(agent.get("/staff/plans", query_string={"after": forged}))
        assert [int(x) for x in re.findall(r'href="/staff/plans/(\d+)"', page)] == ids[:2]  # the first page


@pytest.mark.postgres_only
def test_the_queue_key_means_the_same_on_a_postgresql_connection_in_another_time_zone(
        app, login, create_staff, create_borrower, overdue_loan, session, monkeypatch, connections_in_shanghai):
    from datetime import timedelta

    from portal.plans import queries

    monkeypatch.setattr(queries, "QUEUE_PAGE", 2)
    ids = _waiting(session, create_borrower, overdue_loan, timedelta(hours=1), 4)  # an 8-hour shift skips the rest
    assert _ids_page_by_page(staff_client(app, login, create_staff(role="agent"))) == ids


def _countered(app, login, create_staff, proposal, kind="instalments_waiver", months="12"):
    boss = staff_client(app, login, create_staff(role="supervisor"))
    boss.post(f"/staff/plans/{proposal.id}/review", data={"review-version": proposal.version})
    p = fresh(proposal)
    data = {"counter-version": p.version, "counter-kind": kind, "counter-months": months, "counter-note": "",
            "send": "0"}
    body = text(boss.post(f"/staff/plans/{p.id}/counter", data=data))
    digest = body.split('name="digest" value="')[1].split('"')[0]
    assert boss.post(f"/staff/plans/{p.id}/counter", data=dict(data, send="1", digest=digest)).status_code == 302
    return fresh(p)


@pytest.mark.parametrize("agreed_by", ["approve", "accept"])
def test_a_payment_made_while_the_lender_decides_goes_to_the_agreed_plan(app, login, create_staff, proposal, client,
                                                                         session, agreed_by):
    """The plan's amounts are what was owed when it was worked out; a payment recorded after that (while the lender
    was deciding; here one made yesterday that reached the lender's books late) is not lost when the plan is agreed:
    the loan page owes the plan's total less that payment."""
    from datetime import timedelta

    from portal.i18n import local_today, money
    from portal.loans.models import Loan, Payment

    if agreed_by == "accept":
        p = _countered(app, login, create_staff, proposal)
        lines = p.lines_of("counter")
    else:
        p, lines = fresh(proposal), fresh(proposal).lines_of("proposed")
    total = sum(x.amount_fen for x in lines)
    with app.app_context():
        today = local_today()
    loan = session.get(Loan, p.loan_id)
    loan.payments.append(Payment(seq=len(loan.payments) + 1, paid_on=today - timedelta(days=1), amount_fen=10_000))
    session.commit()
    if agreed_by == "accept":
        login(client, p.borrower)
        assert client.post(f"/plans/{p.id}/accept", data={"version": p.version}).status_code == 302
    else:
        boss = staff_client(app, login, create_staff(role="supervisor"))
        assert boss.post(f"/staff/plans/{p.id}/approve", data={"approve-version": p.version}).status_code == 302
        login(client, p.borrower)
    db.session.remove()
    page = text(client.get(f"/loans/{p.loan.loan_ref}"))
    with app.test_request_context(headers={"Accept-Language": "zh-TW"}):
        owed, paid = money(total - 10_000), money(10_000)
    assert f"按方案還需還款：{owed}（已按方案還款：{paid}）" in page


def test_a_counter_offers_waiver_is_priced_from_its_own_day(app, login, create_staff, proposal, client, session):
    """A payment recorded after the proposal was sent: the counter-offer waives only the penalty still unpaid on
    its own day, not "what was owed at sending minus the counter's total"."""
    from datetime import timedelta

    from portal.i18n import local_today, money
    from portal.loans.models import Loan, Payment

    with app.app_context():
        today = local_today()
    loan = session.get(Loan, proposal.loan_id)
    # 100.00 paid today settles instalment 1's penalty (0.20 a day on 400.00), its 10.00 interest, then principal
    loan.payments.append(Payment(seq=len(loan.payments) + 1, paid_on=today, amount_fen=10_000))
    session.commit()
    due2 = loan.start_date + timedelta(days=60)
    still_unpaid_penalty = 20 * (today - due2).days  # instalment 2: 400.00 × 0.05 % a day, no fees on this loan
    p = _countered(app, login, create_staff, proposal)
    login(client, p.borrower)
    page = text(client.get(f"/plans/{p.id}"))
    with app.test_request_context(headers={"Accept-Language": "zh-TW"}):
        right, stale = money(still_unpaid_penalty), money(10_000 + still_unpaid_penalty)
    figures = re.findall(r"<dt>([^<]+)</dt><dd[^>]*>([^<]+)</dd>", page)
    assert ("減免（罰息和費用）", right) in figures, figures
    assert stale not in page
    counter_total = sum(x.amount_fen for x in p.lines_of("counter"))
    owed_when_sent = p.owed_principal_fen + p.owed_interest_fen + p.owed_penalty_fen + p.owed_fee_fen + p.owed_later_fen
    assert counter_total == owed_when_sent - 10_000 - still_unpaid_penalty  # same day: nothing accrued since


def test_a_counter_offer_whose_first_date_has_passed_cannot_be_accepted(app, login, create_staff, proposal, client,
                                                                       session):
    from datetime import timedelta

    from portal.plans.models import PlanLine

    p = _countered(app, login, create_staff, proposal)
    first = session.scalars(select(PlanLine).where(PlanLine.proposal_id == p.id, PlanLine.which == "counter")
                            .order_by(PlanLine.due_date)).first()
    first.due_date = first.due_date - timedelta(days=400)  # as if the borrower had waited for months
    session.commit()
    p = fresh(p)
    login(client, p.borrower)
    page = text(client.get(f"/plans/{p.id}"))
    refusal = "貸款機構條件中的第一期還款日已經過了"
    assert refusal in page and f"/plans/{p.id}/accept" not in page and f"/plans/{p.id}/withdraw" in page
    answer = client.post(f"/plans/{p.id}/accept", data={"version": p.version}, follow_redirects=True)
    assert refusal in text(answer) and fresh(p).state == "countered"


def test_an_agreed_plan_gives_its_dates_as_next_steps_and_keeps_the_contract_schedule_reachable(
        app, login, create_staff, proposal, client):
    from portal.i18n import fmt_date, money

    boss = staff_client(app, login, create_staff(role="supervisor"))
    boss.post(f"/staff/plans/{proposal.id}/review", data={"review-version": proposal.version})
    p = fresh(proposal)
    boss.post(f"/staff/plans/{p.id}/approve", data={"approve-version": p.version})
    p = fresh(p)
    login(client, p.borrower)
    page = text(client.get(f"/loans/{p.loan.loan_ref}"))
    # the contract's schedule: below, folded, labelled as replaced, every instalment there
    folded = page[page.index('<details class="contract-schedule">'):]
    folded = folded[:folded.index("</details>")]
    assert "合約的還款計畫表（已由您的還款方案取代）" in folded
    assert folded.count("<tr class=") == 3  # the test loan has three instalments, in one table
    assert page.count('<table class="table schedule">') == 1
    # what happens next: the plan's dates, not the contract's collection steps
    nxt = page[page.index('id="next-title"'):]
    nxt = nxt[:nxt.index("</section>")]
    lines = sorted((x.due_date, x.amount_fen) for x in p.lines_of("proposed"))
    with app.test_request_context(headers={"Accept-Language": "zh-TW"}):
        expected = [(fmt_date(d), f"按方案還款：{money(a)}。") for d, a in lines]
    shown = re.findall(r'<p class="timeline-date">([^<]+?)\s*(?:<span[^>]*>[^<]*</span>)?</p>\s*<p>([^<]+)</p>', nxt)
    assert [(d.strip(), t.strip()) for d, t in shown] == expected
    assert "徵信" not in nxt and "上門" not in nxt


def test_the_service_refuses_a_second_proposal_while_a_plan_is_agreed(app, login, create_staff, proposal, session):
    """The pages do not offer it; the service refuses it too (a draft left over, another window …)."""
    from portal.i18n import local_today
    from portal.plans import rules, services

    boss = staff_client(app, login, create_staff(role="supervisor"))
    boss.post(f"/staff/plans/{proposal.id}/review", data={"review-version": proposal.version})
    p = fresh(proposal)
    boss.post(f"/staff/plans/{p.id}/approve", data={"approve-version": p.version})
    assert fresh(p).state == "approved"
    with app.test_request_context():
        draft = PlanProposal(borrower_id=p.borrower_id, loan_id=p.loan_id, state="draft")
        db.session.add(draft)
        db.session.flush()
        terms, budget = rules.Terms.of("deferral", deferral_days=30), rules.Budget(income_fen=600_000)
        result = services.preview(draft.loan, terms, budget, local_today())
        with pytest.raises(services.PlanInForce) as exc:
            services.submit(draft, terms, budget, "job_loss", "", result)
        assert exc.value.existing.id == p.id and draft.state == "draft"
        db.session.rollback()


def test_staff_decide_a_sent_proposal_without_a_separate_review_step(app, login, create_staff, proposal, outbox):
    agent = staff_client(app, login, create_staff(role="agent"))
    page = text(agent.get(f"/staff/plans/{proposal.id}"))
    assert f"/staff/plans/{proposal.id}/review" not in page  # no "start the review" button
    assert f"/staff/plans/{proposal.id}/decline" in page and "需要主管" in page
    response = agent.post(f"/staff/plans/{proposal.id}/decline",
                          data={"decline-version": proposal.version, "decline-reason": "missing_information",
                                "decline-note": "请补充收入证明"})
    assert response.status_code == 302
    assert fresh(proposal).state == "declined"
    assert [a for a in actions(proposal) if a != "plan.viewed"][-2:] == ["plan.review_started", "plan.declined"]


def test_a_supervisor_approves_a_sent_proposal_in_one_step(app, login, create_staff, proposal, outbox):
    boss = staff_client(app, login, create_staff(role="supervisor"))
    page = text(boss.get(f"/staff/plans/{proposal.id}"))
    assert f"/staff/plans/{proposal.id}/approve" in page and f"/staff/plans/{proposal.id}/counter" in page
    response = boss.post(f"/staff/plans/{proposal.id}/approve", data={"approve-version": proposal.version})
    assert response.status_code == 302
    assert fresh(proposal).state == "approved"
    assert "批准" in text(boss.get(response.headers["Location"]))


@pytest.mark.parametrize("accept,staff_words,borrower_words", [
    ("zh-CN", "分 3 个月还款在借款人的承受范围内。", "在您的承受范围内"),
    ("zh-TW", "分 3 個月還款在借款人的負擔範圍內。", "在您的負擔範圍內")])
def test_the_staff_page_says_what_would_fit_the_borrowers_budget(app, login, create_staff, client, create_borrower,
                                                                 overdue_loan, propose, accept, staff_words,
                                                                 borrower_words):
    borrower = create_borrower()
    login(client, borrower)
    p = propose(overdue_loan(borrower), terms=dict(kind="deferral", months="", deferral_days="30"),
                budget=dict(BUDGET, income="3000", housing="1500", food="1000", utilities="", transport="",
                            dependants="", other_debts=""))
    agent = staff_client(app, login, create_staff(role="agent"))
    page = text(agent.get(f"/staff/plans/{p.id}", headers={"Accept-Language": accept}))
    assert staff_words in page and borrower_words not in page


def test_a_refused_decision_leaves_no_dead_end(app, login, create_staff, proposal):
    """A decline without a reason, a refused or previewed counter-offer and an approval sent without its form are
    shown at their POST-only addresses: the language switch, a reload from the address bar or the history lead
    to the proposal's page, not to a 405."""
    boss = staff_client(app, login, create_staff(role="supervisor"))
    p = fresh(proposal)
    page = f"/staff/plans/{p.id}"
    declined = boss.post(f"{page}/decline", data={"decline-version": p.version, "decline-note": "x"})
    assert declined.status_code == 422 and 'id="decline-reason-error"' in text(declined)
    assert_no_dead_end(boss, declined, f"{page}/decline", page)
    counter = {"counter-version": p.version, "counter-kind": "instalments", "counter-months": "99"}
    refused = boss.post(f"{page}/counter", data=counter)
    assert refused.status_code == 422
    assert_no_dead_end(boss, refused, f"{page}/counter", page)
    preview = boss.post(f"{page}/counter", data=dict(counter, **{"counter-months": "12", "send": "0"}))
    assert preview.status_code == 200 and 'id="counter-preview"' in text(preview)
    assert_no_dead_end(boss, preview, f"{page}/counter", page)
    for action in ("review", "approve"):
        assert boss.get(f"{page}/{action}").headers["Location"] == page
    assert fresh(p).state == "submitted"  # a GET changes nothing
    assert boss.get("/staff/plans/999999/decline").status_code == 302  # and its page answers 404
    assert boss.get("/staff/plans/999999").status_code == 404


def test_no_visit_is_proposed_while_an_agreed_plan_is_kept(app, login, create_staff, client, create_borrower,
                                                          create_loan, propose, session):
    """The borrower's loan page says an agreed plan replaces the contract's usual steps for unpaid instalments (a
    visit among them): the visit proposal page says so and offers no form while nothing under the plan is overdue;
    a plan payment left unpaid past its date makes a visit possible again."""
    from portal.visits.models import Visit

    borrower = create_borrower(name="王芳")
    loan = create_loan(borrower, principal="1200.00", months=3, start=date.today() - timedelta(days=150),
                       interest="10.00")  # every instalment long overdue: a visit may be proposed
    boss = staff_client(app, login, create_staff(role="supervisor"))
    url = f"/staff/visits/new?loan={loan.loan_ref}"
    assert 'method="post" class="form"' in text(boss.get(url))
    login(client, borrower)
    p = propose(loan)
    boss.post(f"/staff/plans/{p.id}/review", data={"review-version": fresh(p).version})
    assert boss.post(f"/staff/plans/{p.id}/approve", data={"approve-version": fresh(p).version}).status_code == 302
    assert "还款方案已达成" in text(client.get(f"/loans/{loan.loan_ref}"))
    for response in (boss.get(url), boss.post(url, data={"address": "北京市", "purpose": "核实"})):
        body = text(response)
        assert response.status_code == 200 and "借款人正在按已达成的还款方案还款" in body
        assert "这份方案取代了合同中对未还分期的一般处理步骤" in body
        assert 'method="post" class="form"' not in body and "没有未还款项" not in body
    assert session.scalar(select(func.count()).select_from(Visit)) == 0
    # the plan's first payment left unpaid past its date: the plan is no longer kept
    agreed = fresh(p)
    first = agreed.lines_of(agreed.agreed_which)[0].id
    db.session.execute(update(PlanLine).where(PlanLine.id == first).values(due_date=date.today() - timedelta(days=1)))
    db.session.commit()
    body = text(boss.get(url))
    assert "借款人正在按已达成的还款方案还款" not in body and 'method="post" class="form"' in body
