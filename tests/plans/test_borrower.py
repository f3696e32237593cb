"""The borrower's steps, preview, sending, follow-up and who may see what."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.plans.models import PlanProposal

from .conftest import BUDGET, TERMS, go_through_steps, send_form, text


@pytest.fixture
def borrower(create_borrower, login, client):
    b = create_borrower()
    login(client, b)
    return b


def test_propose_instalments_end_to_end(client, borrower, overdue_loan, propose):
    loan = overdue_loan(borrower)
    page = client.get(f"/plans/new?loan={loan.loan_ref}")
    assert page.status_code == 200 and "第 1 步，共 3 步" in text(page)
    preview = go_through_steps(client, loan)
    body = text(preview)
    assert preview.status_code == 200 and "第 3 步，共 3 步" in body
    assert "追讨这笔债务的期限会重新开始计算" in body and "《民法典》第一百八十八条" in body and "第十四条" in body
    assert "/rights/repayment-plans#limitation-period" in body
    assert "《商业银行信用卡业务监督管理办法》第七十条" in body
    p = propose(loan)
    assert p.state == "submitted" and p.kind == "instalments" and p.months == 6
    lines = p.lines_of("proposed")
    assert len(lines) == 6
    owed = p.owed_principal_fen + p.owed_interest_fen + p.owed_penalty_fen + p.owed_fee_fen + p.owed_later_fen
    assert sum(x.amount_fen for x in lines) == owed
    assert p.income_fen == 600_000 and p.medical_fen == 0 and p.dependants == 1
    detail = client.get(f"/plans/{p.id}")
    assert detail.status_code == 200 and "审核" in text(detail)
    listing = client.get("/plans")
    assert loan.loan_ref in text(listing)


def test_the_preview_compares_with_paying_as_now(app, client, borrower, overdue_loan):
    from datetime import timedelta

    from babel.numbers import format_currency

    def yuan(fen):
        return format_currency(fen / 100, "CNY", format="¥#,##0.00", locale="zh_Hans_CN")

    loan = overdue_loan(borrower)
    with app.app_context():
        from portal.i18n import local_today
        today = local_today()
    due = [loan.start_date + timedelta(days=30 * i) for i in (1, 2, 3)]
    penalty = sum(40_000 * 5 * (today - d).days // 10_000 for d in due[:2])  # 400.00 × 0.05 % a day, whole fen
    body = text(go_through_steps(client, loan))
    assert yuan(82_000 + penalty + 41_000) in body                  # the plan's total (nothing waived)
    assert f"按现在的安排还款，共需 {yuan(82_000 + penalty + 41_000)}；这个方案还款总额相同，只是改变还款日期。" in body
    assert f"按现在的安排：现在应还 {yuan(82_000 + penalty)}，未到期的分期共 {yuan(41_000)} 按原日期还。" in body
    assert "今天一次还清全部欠款" not in body and "按合同罚息利率大约还会产生" not in body


def test_sending_twice_makes_one_proposal(client, borrower, overdue_loan):
    loan = overdue_loan(borrower)
    go_through_steps(client, loan)
    data = send_form(client, loan)
    first = client.post(f"/plans/new/send?loan={loan.loan_ref}", data=data)
    second = client.post(f"/plans/new/send?loan={loan.loan_ref}", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(PlanProposal)
                             .where(PlanProposal.state != "draft")) == 1


def test_one_open_proposal_per_loan(client, borrower, overdue_loan, propose):
    loan = overdue_loan(borrower)
    p = propose(loan)
    again = client.get(f"/plans/new?loan={loan.loan_ref}")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/plans/{p.id}")


def test_a_stale_preview_is_not_sent(client, borrower, overdue_loan):
    loan = overdue_loan(borrower)
    go_through_steps(client, loan)
    data = send_form(client, loan)
    client.post(f"/plans/new?loan={loan.loan_ref}&step=1", data=dict(TERMS, months="3"))  # another window
    response = client.post(f"/plans/new/send?loan={loan.loan_ref}", data=data)
    assert response.status_code == 302 and "step=3" in response.headers["Location"]
    assert db.session.scalar(select(PlanProposal).where(PlanProposal.state != "draft")) is None


@pytest.mark.parametrize("locale,required,months_msg", [
    ("zh_Hans", "请选择一种方案", "请输入 2 到 60 之间的整数月数"),
    ("zh_Hant", "請選擇一種方案", "請輸入 2 到 60 之間的整數月數"),
])
def test_step1_bad_input_keeps_what_was_typed(client, borrower, overdue_loan, locale, required, months_msg):
    loan = overdue_loan(borrower)
    client.set_cookie("portal_locale", locale)
    url = f"/plans/new?loan={loan.loan_ref}&step=1"
    missing = client.post(url, data={"months": "7"})
    assert missing.status_code == 422
    body = text(missing)
    assert required in body and 'value="7"' in body
    bad = client.post(url, data={"kind": "instalments", "months": "61"})
    body = text(bad)
    assert bad.status_code == 422 and months_msg in body and 'value="61"' in body
    assert 'id="months-error"' in body and 'aria-invalid="true"' in body
    days = client.post(url, data={"kind": "deferral", "deferral_days": "91"})
    assert days.status_code == 422 and 'id="deferral_days-error"' in text(days) and 'value="91"' in text(days)


@pytest.mark.parametrize("locale,money_msg,reason_msg", [
    ("zh_Hans", "请输入以元为单位的金额", "请选择最接近您情况的原因"),
    ("zh_Hant", "請輸入以元為單位的金額", "請選擇最接近您情況的原因"),
])
def test_step2_bad_input_keeps_what_was_typed(client, borrower, overdue_loan, locale, money_msg, reason_msg):
    loan = overdue_loan(borrower)
    client.set_cookie("portal_locale", locale)
    client.post(f"/plans/new?loan={loan.loan_ref}&step=1", data=TERMS)
    data = dict(BUDGET, housing="一千五", hardship_reason="")
    response = client.post(f"/plans/new?loan={loan.loan_ref}&step=2", data=data)
    body = text(response)
    assert response.status_code == 422
    assert money_msg in body and reason_msg in body and 'value="一千五"' in body and "公司裁员" in body
    assert 'id="housing-error"' in body
    no_income = client.post(f"/plans/new?loan={loan.loan_ref}&step=2", data=dict(BUDGET, income=""))
    assert no_income.status_code == 422 and 'id="income-error"' in text(no_income)


def test_going_back_keeps_everything(client, borrower, overdue_loan):
    loan = overdue_loan(borrower)
    url = f"/plans/new?loan={loan.loan_ref}"
    client.post(url + "&step=1", data=dict(TERMS, months="12"))
    back = client.post(url + "&step=2", data=dict(BUDGET, income="4321", back="1"))
    assert back.status_code == 302 and "step=1" in back.headers["Location"]
    step1 = text(client.get(url + "&step=1"))
    import re
    assert 'value="12"' in step1 and re.search(r'<input[^>]*checked[^>]*value="instalments"|<input[^>]*value="instalments"[^>]*checked', step1)
    step2 = text(client.get(url + "&step=2"))
    assert 'value="4321"' in step2 and "公司裁员" in step2


def test_the_preview_needs_both_steps(client, borrower, overdue_loan):
    loan = overdue_loan(borrower)
    response = client.get(f"/plans/new?loan={loan.loan_ref}&step=3")
    assert response.status_code == 302 and "step=1" in response.headers["Location"]


def test_affordability_suggests_a_shorter_term(client, borrower, overdue_loan):
    loan = overdue_loan(borrower)
    budget = dict(BUDGET, income="3000", housing="1500", food="1000", utilities="", transport="", dependants="",
                  other_debts="")
    body = text(go_through_steps(client, loan, dict(kind="deferral", months="", deferral_days="30"), budget))
    assert "这个方案超出了收支能承受的范围。" in body and "分 3 个月还款在您的承受范围内。" in body
    assert 'name="months" value="3"' in body  # 1200+ yuan over 3 months fits 500 a month


def test_proof_files(client, borrower, overdue_loan):
    import io

    from tests.uploads.samples import png
    loan = overdue_loan(borrower)
    url = f"/plans/new?loan={loan.loan_ref}&step=2"
    client.post(f"/plans/new?loan={loan.loan_ref}&step=1", data=TERMS)
    response = client.post(url, data=dict(BUDGET, proofs=[(io.BytesIO(b"MZ not an image"), "virus.exe"),
                                                          (io.BytesIO(png()), "letter.png")]),
                           content_type="multipart/form-data")
    body = text(response)
    assert response.status_code == 422 and "virus.exe" in body and "letter.png" in body  # the good one is kept
    draft = db.session.scalar(select(PlanProposal).where(PlanProposal.state == "draft"))
    assert [x.original_name for x in draft.proofs] == ["letter.png"] and draft.proofs[0].mime == "image/png"
    proof_id = draft.proofs[0].id
    removed = client.post(f"/plans/new/proofs/{proof_id}/remove?loan={loan.loan_ref}")
    assert removed.status_code == 302
    db.session.expire_all()
    assert db.session.get(PlanProposal, draft.id).proofs == []


@pytest.mark.parametrize("path", ["/plans/new?loan={ref}", "/plans/new?loan={ref}&step=2", "/plans/{id}"])
def test_other_borrowers_get_404(client, create_borrower, login, overdue_loan, propose, path):
    owner = create_borrower()
    loan = overdue_loan(owner)
    login(client, owner)
    p = propose(loan)
    login(client, create_borrower())
    assert client.get(path.format(ref=loan.loan_ref, id=p.id)).status_code == 404
    for action in ("accept", "withdraw"):
        assert client.post(f"/plans/{p.id}/{action}", data={"version": p.version}).status_code == 404


def test_withdraw(client, borrower, overdue_loan, propose):
    loan = overdue_loan(borrower)
    p = propose(loan)
    response = client.post(f"/plans/{p.id}/withdraw", data={"version": p.version})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PlanProposal, p.id).state == "withdrawn"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.withdrawn")) is not None
    again = client.post(f"/plans/{p.id}/withdraw", data={"version": p.version + 1})
    assert again.status_code == 302  # refused politely: nothing changes
    assert client.get(f"/plans/new?loan={loan.loan_ref}").status_code == 200  # a new one may be proposed


def test_steps_shown_again_carry_a_csrf_token(app, client, borrower, overdue_loan, csrf_on):
    loan = overdue_loan(borrower)
    url = f"/plans/new?loan={loan.loan_ref}"
    refused = client.post(url + "&step=1", data=TERMS)  # no token: nothing is saved
    assert refused.status_code == 400
    assert db.session.scalar(select(PlanProposal)) is None
    for step in (1, 2):
        page = text(client.get(f"{url}&step={step}"))
        assert 'name="csrf_token"' in page


@pytest.mark.parametrize(("typed", "fen"), [("3500.50", 350_050), ("1,234.5", 123_450), ("３５００．５０", 350_050),
                                            ("¥2,000元", 200_000)])
def test_budget_amounts_keep_their_decimal_point(borrower, overdue_loan, propose, typed, fen):
    proposal = propose(overdue_loan(borrower), budget=dict(BUDGET, income=typed))
    assert proposal.income_fen == fen


@pytest.mark.parametrize("typed", ["-500", "1.234", "abc"])
def test_negative_or_malformed_amounts_are_refused(client, borrower, overdue_loan, typed):
    loan = overdue_loan(borrower)
    client.post(f"/plans/new?loan={loan.loan_ref}&step=1", data=TERMS)
    response = client.post(f"/plans/new?loan={loan.loan_ref}&step=2", data=dict(BUDGET, housing=typed))
    assert response.status_code == 422 and 'id="housing-error"' in text(response)


def test_months_with_a_decimal_point_are_refused_not_misread(client, borrower, overdue_loan):
    loan = overdue_loan(borrower)
    response = client.post(f"/plans/new?loan={loan.loan_ref}&step=1", data=dict(TERMS, months="1.5"))
    assert response.status_code == 422 and 'id="months-error"' in text(response)


def test_only_the_kinds_that_fit_the_loan_are_offered(client, borrower, create_loan):
    """Issue 13: no deferral or waiver when nothing is due now; a kind not offered is refused if sent anyway."""
    loan = create_loan(borrower, principal="1200.00", months=3, start=date.today() - timedelta(days=10))
    page = text(client.get(f"/plans/new?loan={loan.loan_ref}"))
    assert 'value="instalments"' in page
    assert 'value="deferral"' not in page and 'value="waiver"' not in page and 'value="instalments_waiver"' not in page
    assert 'id="deferral_days"' not in page and "这笔借款现在没有应还款项，所以不提供延期或减免。" in page
    refused = client.post(f"/plans/new?loan={loan.loan_ref}&step=1",
                          data={"kind": "deferral", "months": "", "deferral_days": "30"})
    assert refused.status_code == 422 and "没有可以延期或减免的金额" in text(refused)


def test_every_kind_is_offered_when_penalty_is_due_and_each_has_its_own_fields(client, borrower, overdue_loan):
    page = text(client.get(f"/plans/new?loan={overdue_loan(borrower).loan_ref}"))
    for kind in ("instalments", "deferral", "waiver", "instalments_waiver"):
        assert f'value="{kind}"' in page
    months = page.split('class="kind-fields kind-fields-months"', 1)[1].split("</fieldset>", 1)[0]
    days = page.split('class="kind-fields kind-fields-days"', 1)[1].split("</fieldset>", 1)[0]
    assert 'id="months"' in months and 'id="deferral_days"' not in months and 'id="deferral_days"' in days


def test_other_debts_count_and_proofs_are_listed_in_the_preview(client, borrower, overdue_loan):
    import io

    from tests.uploads.samples import png
    loan = overdue_loan(borrower)
    client.post(f"/plans/new?loan={loan.loan_ref}&step=1", data=TERMS)
    client.post(f"/plans/new?loan={loan.loan_ref}&step=2", data=dict(BUDGET, proofs=[(io.BytesIO(png()), "辞退通知.png")]),
                content_type="multipart/form-data")
    body = text(client.get(f"/plans/new?loan={loan.loan_ref}&step=3"))
    # 6000 − (1500 + 1200 + 300 + 200 + 500) − 800 of other debts = 1,500.00 a month
    assert "收入减去必要开支和其他债务的还款后，每月剩余 ¥1,500.00" in body
    assert "辞退通知.png" in body.split('id="proofs-title"', 1)[1]


def test_accept_sits_next_to_the_counter_offers_summary(client, borrower, overdue_loan, propose, create_staff):
    from portal.plans import rules as plan_rules
    from portal.plans import services
    loan = overdue_loan(borrower)
    p = propose(loan)
    boss = create_staff(role="supervisor")
    p.state = "under_review"
    terms = plan_rules.Terms.of("instalments", 18)
    services.counter(p, boss, p.version, terms, services.preview(loan, terms, None, date.today()), "分 18 期")
    db.session.commit()
    page = text(client.get(f"/plans/{p.id}"))
    counter = page.split('id="counter-title"', 1)[1].split("</section>", 1)[0]
    summary_at = counter.index("按这些条件共需还款")
    accept_at = counter.index("/accept")
    rows_at = counter.index('id="counter-payments"')
    assert summary_at < accept_at < rows_at  # the button before the 18 payments, which wait behind <details>
    assert counter.index("同意履行") < accept_at  # the limitation warning is read before accepting



def _plain(markup: str) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).strip()


def _plan_card(client, loan_ref: str) -> str:
    """The card of the loan's proposal on /plans, as text."""
    cards = text(client.get("/plans")).split('<li class="card">')[1:]
    found = [c.split("</li>", 1)[0] for c in cards if loan_ref in c]
    assert len(found) == 1
    return _plain(found[0])


def _plan_status(client, proposal_id: int) -> str:
    """The status section of the plan's page, as text."""
    return _plain(text(client.get(f"/plans/{proposal_id}")).split('id="status-title"', 1)[1].split("</section>")[0])


@pytest.mark.parametrize(("locale", "offered", "mine", "agreed"), [
    ("zh_Hans", "贷款机构的条件： 分 3 个月还款", "您提出的方案： 分 6 个月还款", "已达成的条件： 分 3 个月还款"),
    ("zh_Hant", "貸款機構的條件： 分 3 個月還款", "您提出的方案： 分 6 個月還款", "已達成的條件： 分 3 個月還款"),
])
def test_the_plan_list_and_page_show_the_terms_in_force(client, borrower, overdue_loan, propose, create_staff,
                                                        locale, offered, mine, agreed):
    """Once the lender's counter-offer is accepted, the list shows its terms (as the plan's page and the loan page
    do), not the borrower's own proposal; while it waits, the list says the lender proposes other terms."""
    from portal.plans import rules as plan_rules
    from portal.plans import services

    client.set_cookie("portal_locale", locale)
    loan = overdue_loan(borrower)
    p = propose(loan)  # 6 monthly instalments
    pid, ref = p.id, loan.loan_ref
    assert mine in _plan_card(client, ref) and mine in _plan_status(client, pid)
    p, loan = db.session.get(PlanProposal, pid), db.session.get(type(loan), loan.id)
    p.state = "under_review"
    terms = plan_rules.Terms.of("instalments", 3)
    services.counter(p, create_staff(role="supervisor"), p.version, terms,
                     services.preview(loan, terms, None, date.today()), "")
    db.session.commit()
    version = p.version
    for shown in (_plan_card(client, ref), _plan_status(client, pid)):
        assert offered in shown and mine in shown, shown
    assert client.post(f"/plans/{pid}/accept", data={"version": version}).status_code == 302
    assert db.session.get(PlanProposal, pid).state == "accepted"
    for shown in (_plan_card(client, ref), _plan_status(client, pid)):
        assert agreed in shown and mine.split("： ")[1] not in shown, shown
