"""What the plan pages tell a borrower is true and the same everywhere: the day the amounts were worked out and
what happens to penalty interest after it, the waiver, the comparison with paying as now, the words for the terms
and the states, affordability, proof files, the limitation notice and the credit-card rule."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from babel.numbers import format_currency
from sqlalchemy import select

from portal.accounts.models import Borrower
from portal.extensions import db
from portal.plans.models import PlanProposal

from .conftest import BUDGET, go_through_steps, text


def yuan(fen: int) -> str:
    return format_currency(fen / 100, "CNY", format="¥#,##0.00", locale="zh_Hans_CN")


def day(d: date) -> str:
    return format_date(d, "long", locale="zh_Hans_CN")


def section(body: str, title_id: str) -> str:
    return body.split(f'id="{title_id}"', 1)[1].split("</section>", 1)[0]


def plain(body: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.fixture
def borrower(create_borrower, login, client):
    b = create_borrower()
    login(client, b)
    return b


def demo(phone: str, state: str) -> PlanProposal:
    b = db.session.scalar(select(Borrower).where(Borrower.phone == phone))
    return db.session.scalar(select(PlanProposal).where(PlanProposal.borrower_id == b.id, PlanProposal.state == state))


def owed_fen(p: PlanProposal) -> int:
    return p.owed_principal_fen + p.owed_interest_fen + p.owed_penalty_fen + p.owed_fee_fen + p.owed_later_fen


def test_a_counter_offer_says_when_its_amounts_were_worked_out_and_accepting_adds_no_later_penalty(
        seeded_demo, client, login):
    p = demo("13800138000", "countered")  # the reviewer's /plans/3
    login(client, p.borrower)
    pid, ref, version, since = p.id, p.loan.loan_ref, p.version, p.counter_start_date
    total = sum(x.amount_fen for x in p.lines_of("counter"))
    offer = plain(section(text(client.get(f"/plans/{pid}")), "counter-title"))
    assert f"按 {day(since)} 的欠款计算。" in offer
    assert (f"如果您接受贷款机构的条件，您只需按这些条件还款，{day(since)}以后产生的罚息不会再加上。"
            "在此之前仍按合同计算，逾期未还的部分会继续产生罚息，您的借款页面会显示。") in offer
    before = plain(text(client.get(f"/loans/{ref}")))
    owed_now = re.search(r"总共还欠（含未到期的各期）：¥([\d,.]+)", before).group(1)
    assert yuan(total) != "¥" + owed_now  # the contract's penalty kept accruing since that day
    client.post(f"/plans/{pid}/accept", data={"version": version})
    db.session.remove()
    # What the page said is what happens: once accepted, the loan owes the offer's total and no penalty since.
    assert f"按方案还需还款：{yuan(total)}（已按方案还款：¥0.00）" in text(client.get(f"/loans/{ref}"))
    agreed = plain(text(client.get(f"/plans/{pid}")))
    assert f"这个方案取代了合同的还款计划表：您只需按这个方案还款，{day(since)}以后产生的罚息不会再加上。" in agreed


def test_a_sent_proposal_keeps_the_waiver_line_and_the_day_of_its_amounts(client, borrower, overdue_loan, propose):
    loan = overdue_loan(borrower)
    p = propose(loan, terms={"kind": "instalments_waiver", "months": "6", "deferral_days": ""})
    waived = p.owed_penalty_fen + p.owed_fee_fen
    total = sum(x.amount_fen for x in p.lines_of("proposed"))
    assert waived > 0 and total + waived == owed_fen(p)  # the two lines explain what was owed, to the fen
    mine = plain(section(text(client.get(f"/plans/{p.id}")), "proposed-title"))
    assert f"贷款机构同意后可减免（罚息和费用） {yuan(waived)}" in mine and f"合计 {yuan(total)}" in mine
    assert f"按 {day(p.start_date)} 的欠款计算。" in mine
    assert f"如果贷款机构同意这个方案，您只需按这个方案还款，{day(p.start_date)}以后产生的罚息不会再加上。" in mine


def test_the_preview_compares_with_paying_as_now_without_a_penalty_horizon(client, borrower, overdue_loan):
    loan = overdue_loan(borrower)
    body = plain(text(go_through_steps(client, loan)))  # 6 instalments, nothing waived
    due_now = int(re.search(r"现在应还 (¥[\d,.]+)，未到期的分期共 ¥410\.00 按原日期还", body).group(1)[1:]
                  .replace(",", "").replace(".", ""))
    plan_lines = [int(a.replace(",", "").replace(".", "")) for a in
                  re.findall(r'class="plan-line-amount">¥([\d,.]+)<', text(client.get(
                      f"/plans/new?loan={loan.loan_ref}&step=3")))]
    assert len(plan_lines) == 6 and sum(plan_lines) == due_now + 41_000
    assert (f"按现在的安排还款，共需 {yuan(due_now + 41_000)}；这个方案还款总额相同，只是改变还款日期。") in body
    assert "罚息到" not in body and "按合同、逾期部分到方案结束才还" not in body and "都不还" not in body
    # A waiver: the plan costs exactly the waived penalty interest and fees less.
    client.post(f"/plans/new?loan={loan.loan_ref}&step=1", data={"kind": "waiver", "months": "", "deferral_days": ""})
    waiver = plain(text(client.get(f"/plans/new?loan={loan.loan_ref}&step=3")))
    saved = int(re.search(r"这个方案少还 ¥([\d,.]+)", waiver).group(1).replace(",", "").replace(".", ""))
    assert f"贷款机构同意后可减免（罚息和费用） {yuan(saved)}" in waiver
    assert f"按这个方案共需还款 {yuan(due_now + 41_000 - saved)}" in waiver


def test_the_preview_has_no_comparison_when_nothing_is_overdue(client, borrower, create_loan):
    loan = create_loan(borrower, start=date.today() - timedelta(days=10))  # nothing due yet
    page = text(go_through_steps(client, loan))
    body = plain(page)
    assert "按现在的安排" not in body and "¥0.00 罚息" not in body and 'class="plan-compare"' not in page
    assert "按这个方案共需还款" in body


def test_terms_in_force_or_offered_are_not_worded_as_a_request(seeded_demo, client, login):
    p = demo("13800138000", "countered")  # the lender offers 4 instalments with the waiver
    login(client, p.borrower)
    for url in ("/plans", f"/plans/{p.id}"):
        body = plain(text(client.get(url)))
        assert "贷款机构的条件： 分 4 个月还款，并减免罚息和费用" in body, url
        assert "并申请减免" not in body.split("您提出的方案")[0], url
    mine = demo("13700137000", "under_review")  # the borrower's own request keeps the request wording
    login(client, mine.borrower)
    assert "您提出的方案： 分 12 个月还款，并申请减免罚息和费用" in plain(text(client.get(f"/plans/{mine.id}")))


def test_each_state_has_one_name_on_every_page(seeded_demo, client, login):
    for phone, state, name in (("13800138000", "submitted", "已提交，等待审核"),
                               ("13700137000", "under_review", "审核中")):
        p = demo(phone, state)
        login(client, p.borrower)
        ref = p.loan.loan_ref
        loans = plain(text(client.get("/loans")))
        card = loans.split(ref, 1)[1][:400]
        assert f"还款方案：{name}" in card, state
        assert name in plain(text(client.get(f"/plans/{p.id}")))
        listing = plain(text(client.get("/plans"))).split(ref, 1)[1][:200]
        assert name in listing
        if state == "submitted":
            assert "审核中" not in card and "正在审核" not in plain(text(client.get(f"/loans/{ref}")))


def test_every_plan_page_with_a_budget_says_whether_it_fits(seeded_demo, client, login):
    p = demo("13700137000", "under_review")  # the reviewer's /plans/6: 596.42 a month against 500.00 left
    login(client, p.borrower)
    mine = plain(section(text(client.get(f"/plans/{p.id}")), "proposed-title"))
    assert "这个方案超出了收支能承受的范围。" in mine
    assert "每月剩余 ¥500.00；这个方案每月最多还 ¥596.47" in mine


def test_the_sent_plan_lists_the_proof_files_by_name(client, borrower, overdue_loan):
    from tests.uploads.samples import png

    loan = overdue_loan(borrower)
    client.post(f"/plans/new?loan={loan.loan_ref}&step=1", data={"kind": "instalments", "months": "6"})
    client.post(f"/plans/new?loan={loan.loan_ref}&step=2", content_type="multipart/form-data",
                data=dict(BUDGET, proofs=[(io.BytesIO(png()), "辞退通知<i>&.png")]))
    from .conftest import send_form
    client.post(f"/plans/new/send?loan={loan.loan_ref}", data=send_form(client, loan))
    p = db.session.scalar(select(PlanProposal).where(PlanProposal.loan_id == loan.id, PlanProposal.state != "draft"))
    raw = client.get(f"/plans/{p.id}").get_data(as_text=True)
    name = p.proofs[0].original_name
    mine = raw.split('id="proposed-title"', 1)[1]
    assert name == "辞退通知<i>&.png" and "<i>" not in mine  # by its name, escaped
    assert "<li>辞退通知&lt;i&gt;&amp;.png</li>" in mine


def test_step1_says_the_lender_decides_by_the_budget(client, borrower, overdue_loan):
    body = plain(text(client.get(f"/plans/new?loan={overdue_loan(borrower).loan_ref}")))
    assert "贷款机构会参考您的收支（第 2 步）审核每个方案：可能同意，可能提出其他条件，也可能不同意。" in body


def test_the_limitation_notice_leads_with_plain_words_and_keeps_the_law(client, borrower, overdue_loan):
    body = text(go_through_steps(client, overdue_loan(borrower)))
    notice = body.split('id="limitation-warning"', 1)[1].split("</div>", 1)[0]
    plain_at = notice.index("都算您同意还款（同意履行），追讨这笔债务的期限会重新开始计算")
    law = notice.split("<details", 1)[1]
    assert plain_at < notice.index("<details")
    assert "《民法典》第一百八十八条" in law and "第十四条" in law and "第一百九十二条" in law
    assert "诉讼时效" not in notice.split("<details", 1)[0].split("</h2>", 1)[1]  # no jargon before the law


def test_the_credit_card_rule_says_it_is_not_for_this_loan(client, borrower, overdue_loan):
    loan = overdue_loan(borrower)
    for body in (text(client.get(f"/plans/new?loan={loan.loan_ref}")), text(go_through_steps(client, loan))):
        assert "这是信用卡欠款的规定，不适用于这笔借款" in body
        assert "这笔借款，您可以在这里申请分期，由贷款机构决定是否同意。" in body
        assert "供参考：对于信用卡欠款" not in body
