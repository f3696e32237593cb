"""``/loans`` and ``/loans/<loan_ref>``: what the borrower sees, in both scripts, and who may see it."""
from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from babel.numbers import format_currency
from jinja2 import ChoiceLoader, DictLoader

import portal.loans.routes as loan_routes
from portal.loans.panels import LoanPanel, register_loan_panel
from tests.statements import count_statements as count_queries

TODAY = date(2026, 4, 25)
FORMAT = {"zh_Hans": "zh_Hans_CN", "zh_Hant": "zh_Hant_HK"}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(loan_routes, "local_today", lambda: TODAY)


def yuan(fen: int, locale: str) -> str:
    """An independent rendering of an amount: Babel directly, not the portal's helper."""
    return format_currency(Decimal(fen) / 100, "CNY", format="¥#,##0.00", locale=FORMAT[locale])


def get(client, url, locale="zh_Hans"):
    client.set_cookie("portal_locale", locale)
    response = client.get(url)
    # amounts and references out of their no-wrap spans: these tests read figures, not markup
    return response, html.unescape(re.sub(r'<span class="nowrap">([^<]*)</span>', r"\1", response.get_data(as_text=True)))


@pytest.fixture
def hand_loan(create_borrower, create_loan):
    """Three instalments of 400.00 + 10.00 interest due Feb 14, Mar 16, Apr 15; paid 200.00 on Feb 20 and
    500.00 on Mar 20. Worked out by hand (penalty 0.05 % a day):
      #1: 6 days on 400.00 = 1.20; 200.00 pays 1.20 + 10.00 + 188.80. 28 days on 211.20 = 2.96; 500.00 pays
          2.96 + 211.20, leaving 285.84 for #2.
      #2: 4 days on 400.00 = 0.80; 285.84 pays 0.80 + 10.00 + 275.04. 36 days on 124.96 = 2.25.
      #3: 10 days on 400.00 = 2.00.
    Due now: principal 124.96 + 400.00 = 524.96, interest 10.00, penalty 2.25 + 2.00 = 4.25, total 539.21.
    Overdue since the day after Mar 16: 40 days, stage M2."""
    borrower = create_borrower(name="陈小明")
    loan = create_loan(borrower, loan_ref="L2026HAND01", start=date(2026, 1, 15),
                       payments=[(date(2026, 2, 20), "200.00"), (date(2026, 3, 20), "500.00")])
    return borrower, loan


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_dashboard_amounts_match_a_hand_calculation(client, login, hand_loan, create_loan, locale):
    borrower, loan = hand_loan
    create_loan(borrower, loan_ref="L2026LATER1", start=date(2026, 4, 1))  # nothing due yet: 3 × 410.00 later
    login(client, borrower)
    response, text = get(client, "/loans", locale)
    assert response.status_code == 200
    assert text.count("<h1") == 1
    assert yuan(53921, locale) in text           # due now on the hand loan, and in total
    assert yuan(53921 + 123000, locale) in text  # everything still owed across both loans
    assert "已逾期 40 天" in text and "M2" in text  # "%(days)d days overdue", the same in both scripts
    assert "L2026LATER1" in text and yuan(41000, locale) in text  # next payment on the new loan
    assert "/loans/L2026HAND01" in text


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_detail_amounts_match_a_hand_calculation(client, login, hand_loan, locale):
    borrower, loan = hand_loan
    login(client, borrower)
    response, text = get(client, f"/loans/{loan.loan_ref}", locale)
    assert response.status_code == 200
    # due now, of which principal / interest / penalty / fees; paid; instalment #2 and #3 still unpaid
    for fen in (53921, 52496, 1000, 425, 0, 70000, 12496 + 225, 41000 + 200):
        assert yuan(fen, locale) in text, fen
    assert "<svg" in text and "<title" in text  # the chart has a text alternative
    assert ("《征信业管理条例》" if locale == "zh_Hans" else "《徵信業管理條例》") in text
    assert "2026年5月15日" in text  # earliest credit reporting: 60 days after Mar 16


# Every instalment of the hand loan, worked out by hand (see ``hand_loan``), in fen:
# (principal, interest, fees, penalty charged, paid, still unpaid)
HAND_ROWS = [
    (40000, 1000, 0, 120 + 296, 20000 + 296 + 21120, 0),   # 1.20 + 2.96 penalty; 200.00 + 214.16 paid
    (40000, 1000, 0, 80 + 225, 28584, 12496 + 225),        # 0.80 + 2.25 penalty; 285.84 paid
    (40000, 1000, 0, 200, 0, 41000 + 200),                 # 10 days on 400.00
]
HAND_DATES = ("2026年2月14日", "2026年3月16日", "2026年4月15日")


def _cells(fragment: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<(td|dd|th)[^>]*>(.*?)</\1>", fragment, re.S) for c in [c[1]]]


def schedule_rows(text: str) -> list[list[str]]:
    """Every row of the page's schedule tables (one table per group: due, paid, not yet due), in instalment order:
    each cell's text, the row header (the instalment's number) first."""
    bodies = re.findall(r'<table class="table schedule">.*?<tbody>(.*?)</tbody>', text, re.S)
    rows = [_cells(r) for body in bodies for r in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]
    return sorted(rows, key=lambda cells: int(cells[0]))


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_every_schedule_row_and_the_chart_match_a_hand_calculation(client, login, hand_loan, locale):
    borrower, loan = hand_loan
    login(client, borrower)
    response, text = get(client, f"/loans/{loan.loan_ref}", locale)
    assert response.status_code == 200
    # one table per group (instalments due first, then the paid and the not-yet-due ones behind <details>), each
    # instalment in exactly one of them, every amount in its column; phones lay the same rows out as cards
    rows = schedule_rows(text)
    section = text[text.index('id="schedule-title"'):]
    section = section[:section.index("</section>")]
    assert all(section.count(day) == 1 for day in HAND_DATES)  # rendered once, not once per layout
    assert len(rows) == len(HAND_ROWS)
    states = {"zh_Hans": ["已还", "逾期 40 天", "逾期 10 天"], "zh_Hant": ["已還", "逾期 40 天", "逾期 10 天"]}
    for seq, (cells, expected, day, state) in enumerate(zip(rows, HAND_ROWS, HAND_DATES, states[locale]), 1):
        assert cells[:3] == [str(seq), day, state], seq
        assert cells[3:9] == [yuan(fen, locale) for fen in expected], seq
    # each cell names its column (the card layout shows it), the same names as the table's header row
    table = text[text.index('<table class="table schedule">'):]
    head = _cells(table[:table.index("</thead>")])
    first_row = re.search(r"<tbody>.*?<tr[^>]*>(.*?)</tr>", table, re.S).group(1)
    assert re.findall(r'data-label="([^"]*)"', first_row) == head
    # the chart: its text alternative and its legend
    paid, owed = 70000, 12496 + 225 + 41000 + 200
    legend = text[text.index('<ul class="chart-legend">'):text.index("</ul>", text.index('<ul class="chart-legend">'))]
    items = [re.sub(r"<[^>]+>", "", x).strip() for x in re.findall(r"<li>(.*?)</li>", legend, re.S)]
    sep = "："  # "Paid: %(amount)s" and the others, in both scripts
    assert [x.split(sep)[-1] for x in items] == [yuan(paid, locale), yuan(53921, locale), yuan(owed - 53921, locale)]
    assert all(sep in x for x in items)
    title = re.search(r"<title[^>]*>(.*?)</title>", text[text.index("<svg"):], re.S).group(1)
    for fen in (paid, paid + owed, owed, 53921):
        assert yuan(fen, locale) in title, fen
    assert f"{paid * 100 // (paid + owed)}%" in title  # 56 %
    assert sum(r[4] for r in HAND_ROWS) == paid and sum(r[5] for r in HAND_ROWS) == owed


def test_pages_in_traditional_have_no_simplified_ui_text(client, login, hand_loan):
    from opencc import OpenCC

    borrower, loan = hand_loan
    login(client, borrower)
    convert = OpenCC("s2tw").convert
    for url in ("/loans", f"/loans/{loan.loan_ref}"):
        response, text = get(client, url, "zh_Hant")
        assert 'lang="zh-Hant"' in text
        main = text[text.index("<main"):text.index("</main>")]
        main = main.replace("陈小明", "")  # a name from the lender is shown as given
        for name in ("示例消费金融有限公司",):
            main = main.replace(name, "")
        assert convert(main) == main


def test_account_language_is_used_without_a_cookie(client, login, create_borrower, create_loan):
    borrower = create_borrower(name="陳美玲", locale="zh_Hant")
    create_loan(borrower, loan_ref="L2026HANT01")
    login(client, borrower)
    text = re.sub(r'<span class="nowrap">([^<]*)</span>', r"\1",
                  client.get("/loans", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True))
    assert 'lang="zh-Hant"' in text and "消費貸" in text and "借款 L2026HANT01 的詳情" in text


@pytest.mark.parametrize("url", ["/loans", "/loans/L2026HAND01"])
def test_anonymous_is_sent_to_login(client, hand_loan, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("ref", ["L2026HAND01", "NOSUCHLOAN"])
def test_other_borrowers_loan_is_404(client, login, hand_loan, create_borrower, ref):
    login(client, create_borrower(name="李四"))
    assert client.get(f"/loans/{ref}").status_code == 404
    response, text = get(client, "/loans")
    assert "L2026HAND01" not in text


def test_staff_cannot_use_borrower_pages(client, login, hand_loan, create_staff):
    login(client, create_staff(role="supervisor"))
    response = client.get("/loans/L2026HAND01")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_no_loans(client, login, create_borrower):
    login(client, create_borrower())
    response, text = get(client, "/loans")
    assert response.status_code == 200 and "400-000-0000" in text


def test_cost_above_24_percent_is_explained(client, login, create_borrower, create_loan):
    borrower = create_borrower()
    loan = create_loan(borrower, principal="1200.00", interest="60.00", start=date(2026, 1, 15))  # ~5 % a month
    login(client, borrower)
    response, text = get(client, f"/loans/{loan.loan_ref}")
    assert "24.00%" in text and "《民法典》" in text and "12378" in text


def test_settled_loan_and_credit(client, login, create_borrower, create_loan):
    borrower = create_borrower()
    loan = create_loan(borrower, start=date(2026, 1, 15), payments=[(date(2026, 1, 20), "1300.00")])
    login(client, borrower)
    response, text = get(client, f"/loans/{loan.loan_ref}")
    assert yuan(1300 * 100 - 123000, "zh_Hans") in text  # the 70.00 paid beyond what is owed is kept as credit
    response, text = get(client, "/loans")
    assert yuan(0, "zh_Hans") in text


@pytest.fixture
def panel_provider(app):
    calls = []

    def provider(borrower, loans):
        calls.append(len(loans))
        return {loan.id: [LoanPanel(badge="PLAN-BADGE", tone="ok", url="/plans/1", replaces_schedule=True,
                                    panel_template="test_panel.html", panel_context={"word": "PANEL-BODY"})]
                for loan in loans}

    register_loan_panel(app, provider)
    original = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader([DictLoader({"test_panel.html": "<p>{{ ctx.word }}</p>"}), original])
    yield calls
    app.jinja_env.loader = original
    app.extensions["loan_panels"].remove(provider)


def test_panels_show_badges_and_replace_the_schedule(client, login, hand_loan, panel_provider):
    borrower, loan = hand_loan
    login(client, borrower)
    response, text = get(client, "/loans")
    assert "PLAN-BADGE" in text and 'href="/plans/1"' in text
    response, text = get(client, f"/loans/{loan.loan_ref}")
    assert "PLAN-BADGE" in text and "PANEL-BODY" in text
    # the accepted plan replaces the contract schedule: it is only in the folded "replaced by your plan" part
    folded = text[text.index('<details class="contract-schedule">'):]
    assert text.count('class="table schedule"') == folded[:folded.index("</details>")].count('class="table schedule"') == 1
    assert panel_provider == [1, 1]


def _many_loans(create_loan, borrower, n):
    refs = []
    for i in range(n):
        payments = [(date(2025, 1, 1) + timedelta(days=7 * k), "10.00") for k in range(30)]
        loan = create_loan(borrower, loan_ref=f"LQ{n}X{i:03d}", months=24, principal="24000.00",
                           start=date(2025, 1, 1), payments=payments)
        refs.append(loan.loan_ref)
    return refs


def test_constant_number_of_queries(app, client, login, create_borrower, create_loan):
    counts = {}
    for n in (1, 5):
        borrower = create_borrower()
        refs = _many_loans(create_loan, borrower, n)
        login(client, borrower)
        client.get("/loans")  # warm up (session row refresh)
        with count_queries(app) as index_queries:
            assert client.get("/loans").status_code == 200
        with count_queries(app) as detail_queries:
            assert client.get(f"/loans/{refs[-1]}").status_code == 200
        counts[n] = (len(index_queries), len(detail_queries))
    assert counts[1] == counts[5], counts
    assert counts[5][0] <= 8 and counts[5][1] <= 8


def test_the_loan_page_reads_the_loan_and_its_schedule_in_one_statement_and_its_payments_in_another(
        app, client, login, hand_loan):
    borrower, loan = hand_loan
    login(client, borrower)
    client.get(f"/loans/{loan.loan_ref}")  # warm up (session row refresh)
    with count_queries(app) as statements:
        response, text = get(client, f"/loans/{loan.loan_ref}")
    assert response.status_code == 200 and yuan(53921, "zh_Hans") in text
    reads = [" ".join(s.split()) for s in statements if s.lstrip().upper().startswith("SELECT")]
    loans = [s for s in reads if " FROM loans" in s]
    assert len(loans) == 1 and "JOIN instalments" in loans[0]
    assert sum(" FROM instalments" in s for s in reads) == 0
    assert sum(" FROM payments" in s for s in reads) == 1
    assert len(statements) <= 8, statements


def test_no_24_percent_warning_when_the_contract_cost_is_below_it(client, login, create_borrower, create_loan):
    borrower = create_borrower()
    # 1,200.00 over 3 months with 2.00 interest a month: about 4 % a year; the penalty rate alone is 18.25 %.
    loan = create_loan(borrower, loan_ref="LLOWCOST1", principal="1200.00", interest="2.00", start=date(2026, 1, 15))
    login(client, borrower)
    response, text = get(client, f"/loans/{loan.loan_ref}")
    assert "合同的年化成本超过每年 24%" not in text and "12378" not in text
    assert "18.25%" in text  # the penalty rate is shown as information


def test_cost_above_24_percent_shows_the_warning_note(client, login, create_borrower, create_loan):
    borrower = create_borrower()
    loan = create_loan(borrower, loan_ref="LHIGHCOST1", principal="1200.00", interest="60.00",
                       start=date(2026, 1, 15))
    login(client, borrower)
    response, text = get(client, f"/loans/{loan.loan_ref}")
    assert "这笔借款的利息和费用超过每年 24%" in text and "12378" in text


def test_paid_and_future_instalments_are_collapsed_unpaid_ones_open(client, login, create_borrower, create_loan):
    """Issue 13: the unpaid instalments are shown; the paid and the not-yet-due ones wait behind <details>."""
    borrower = create_borrower()
    start = TODAY - timedelta(days=65)  # instalments due 35 and 5 days ago, and in 25 days
    loan = create_loan(borrower, start=start, payments=[(start + timedelta(days=30), "410.00")])
    login(client, borrower)
    _response, text = get(client, f"/loans/{loan.loan_ref}")
    section = text.split('id="schedule-title"', 1)[1].split("</section>", 1)[0]
    shown, rest = section.split('<details class="instalment-group" id="instalments-paid">', 1)
    paid, later = rest.split('<details class="instalment-group" id="instalments-later">', 1)
    assert [r[0] for r in schedule_rows(shown)] == ["2"]
    assert "1 期已还清" in paid and [r[0] for r in schedule_rows(paid)] == ["1"]
    assert "1 期尚未到期" in later and [r[0] for r in schedule_rows(later)] == ["3"]


def test_the_page_says_whether_this_loans_charges_are_above_24_percent(client, login, create_borrower, create_loan):
    borrower = create_borrower()
    low = create_loan(borrower, principal="1200.00", interest="2.00", start=date(2026, 1, 15))  # ~4 % + 18.25 %
    high = create_loan(borrower, principal="1200.00", interest="12.00", start=date(2026, 1, 15),
                       penalty_daily_rate="0.0005")  # ~18 % + 18.25 % with penalty
    login(client, borrower)
    _r, text = get(client, f"/loans/{low.loan_ref}")
    assert "这笔借款的利息和费用没有超过每年 24%" in text and "逾期本金的成本也没有超过每年 24%" in text
    assert "12378" not in text
    _r, text = get(client, f"/loans/{high.loan_ref}")
    assert "这笔借款的利息和费用没有超过每年 24%" in text and "加上罚息后，逾期本金的成本超过每年 24%" in text
    assert "法院" in text and "12378" in text and "民间借贷" not in text


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
@pytest.mark.parametrize("configured", [False, True])
def test_the_payee_is_shown_exactly_as_registered_in_both_scripts(app, client, login, hand_loan, monkeypatch,
                                                                 locale, configured):
    """A borrower copies the payee's name and account number into a mainland bank app, which needs them exactly as
    registered: never a Traditional form, not even one given in the settings; the channel's name may have one."""
    if configured:
        monkeypatch.setitem(app.config, "REPAYMENT_CHANNELS", [
            {"name": "对公银行转账", "name_hant": "對公銀行轉帳", "account_name": "示例消费金融有限公司",
             "account_name_hant": "示例消費金融有限公司", "account_number": "1100 2000 3000 4000 501"}])
    borrower, loan = hand_loan
    login(client, borrower)
    _response, text = get(client, f"/loans/{loan.loan_ref}", locale)
    pay = re.sub(r"<[^>]+>", "", text.split('<ul class="channel-list">', 1)[1].split("</ul>", 1)[0])
    payee = "户名：示例消费金融有限公司" if locale == "zh_Hans" else "戶名：示例消费金融有限公司"
    assert payee in pay and "示例消費金融有限公司" not in pay
    assert "1100200030004000501" in pay
    assert ("对公银行转账" if locale == "zh_Hans" else "對公銀行轉帳") in pay
