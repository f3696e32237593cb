"""Supervisor reports: plans, visits and complaints for a date range; every share's words and figure agree."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.plans.models import PlanProposal
from portal.visits.models import Visit, VisitAnswer, VisitRecord

DAY = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)  # 10:00 in the lender's time zone
RANGE = {"since": "2026-03-01", "until": "2026-03-31"}


@pytest.fixture(autouse=True, params=["tallies", "rows"])
def counted_from(request):
    """Every report test twice: read from the report tallies (built, as the worker keeps them) and counted from
    the rows (not built yet)."""
    if request.param == "rows":
        request.getfixturevalue("reports_count_rows")
    return request.param


@pytest.fixture
def lead(create_staff):
    return create_staff(role="supervisor", username="lead")


def _plan(session, loan, state, *, decided_days=None, counter=False, submitted=DAY):
    plan = PlanProposal(borrower_id=loan.borrower_id, loan_id=loan.id, state=state, kind="instalments",
                        income_fen=500000, submitted_at=submitted,
                        decided_at=submitted + timedelta(days=decided_days) if decided_days is not None else None,
                        counter_kind="deferral" if counter else None,
                        decline_reason="outside_policy" if state == "declined" else None)
    session.add(plan)
    session.commit()
    return plan


def _visit(session, loan, staff, *, answers=(), reschedules=0, record_after=None, disputed=False, created=DAY):
    visit = Visit(loan_id=loan.id, address="北京市", window_start=created + timedelta(days=5),
                  window_end=created + timedelta(days=5, hours=2), purpose="核实", state="confirmed", code="AB12",
                  reschedule_count=reschedules, record_answer="disputed" if disputed else None, created_at=created)
    session.add(visit)
    session.flush()
    for kind in answers:
        session.add(VisitAnswer(visit_id=visit.id, kind=kind))
    if record_after is not None:
        left = visit.window_start + timedelta(hours=1)
        session.add(VisitRecord(visit_id=visit.id, held=True, arrived_at=visit.window_start, departed_at=left,
                                met="本人", identity_shown=True, outcome="已沟通", next_step="无",
                                recorded_by_id=staff.id, recorded_at=left + record_after))
    session.commit()
    return visit


@pytest.fixture
def figures(session, create_borrower, create_loan, lead):
    borrower = create_borrower()
    loans = [create_loan(borrower) for _ in range(7)]
    _plan(session, loans[0], "approved", decided_days=2)
    _plan(session, loans[1], "declined", decided_days=4)
    _plan(session, loans[2], "accepted", decided_days=6, counter=True)
    _plan(session, loans[3], "submitted")
    _plan(session, loans[4], "approved", decided_days=1, submitted=DAY - timedelta(days=30))  # before the range
    _visit(session, loans[0], lead, answers=("confirm",), record_after=timedelta(hours=3))
    _visit(session, loans[1], lead, answers=("remote", "confirm"), reschedules=1,
           record_after=timedelta(hours=30), disputed=True)
    _visit(session, loans[2], lead)
    return loans


def _page(client, **args):
    return client.get("/staff/reports", query_string=args or RANGE).get_data(as_text=True)


def _section(page, name):
    return page.split(f'id="h-{name}"')[1].split("</section>")[0]


def _cells(section):
    return dict(re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", section))


@pytest.mark.parametrize("who", ["anonymous", "borrower", "agent", "disabled"])
@pytest.mark.parametrize("url", ["/staff/reports", "/staff/reports/plans.csv", "/staff/reports/visits.csv",
                                 "/staff/reports/complaints.csv", "/staff/reports/breaches.csv"])
def test_reports_and_their_csvs_are_for_supervisors(client, log_in_as, who, url):
    log_in_as(who)
    response = client.get(url)
    if who == "agent":
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_plan_report_counts_outcomes_and_the_median(client, login, lead, figures):
    login(client, lead)
    plans = _section(_page(client), "plans")
    cells = _cells(plans)
    assert cells["提交的方案"] == "4" and cells["按原方案批准"] == "1" and cells["已拒绝"] == "1"
    assert cells["以修改后的方案答复"] == "1" and cells["达成一致（获批准，或接受了修改后的方案）"] == "2"
    assert cells["仍在等待决定"] == "1"
    assert "作出决定的时间中位数：4 天" in plans  # 2, 4 and 6 days
    assert "已决定的 3 个方案中，1 个按原方案批准：33%" in plans
    assert "提交的 4 个方案中，2 个达成一致：50%" in plans
    assert "<svg" in plans and plans.count("<rect") == 6


def test_visit_report_counts_answers_disputes_and_late_records(client, login, lead, figures):
    login(client, lead)
    visits = _section(_page(client), "visits")
    cells = _cells(visits)
    assert cells["提议的上门核实"] == "3" and cells["借款人已确认"] == "2" and cells["至少改约一次"] == "1"
    assert cells["借款人申请视频核实"] == "1" and cells["借款人对记录提出异议"] == "1"
    assert cells["已填写的记录"] == "2" and cells["上门结束 24 小时后才填写的记录"] == "1"
    assert "2 份上门记录中，1 份填写迟了：50%" in visits


def test_every_share_shows_numbers_that_agree(client, login, lead, figures):
    login(client, lead)
    page = _page(client)
    shares = re.findall(r'<p class="report-share">([^<]*：\d+%)</p>', page)
    assert len(shares) == 4
    assert "15 天期限已到的 0 件投诉中，0 件按时作出决定：—" in page  # no complaint: no percentage
    for text in shares:
        whole, part = (int(n) for n in re.findall(r"\d+", text.split("：")[0])[-2:])  # "…的 3 个…中，1 个…"
        assert round(part / whole * 100) == int(re.search(r"：(\d+)%", text).group(1)), text


def test_the_range_decides_what_counts(client, login, lead, figures):
    login(client, lead)
    cells = _cells(_section(_page(client, since="2026-02-01", until="2026-02-28"), "plans"))
    assert cells["提交的方案"] == "1"


@pytest.mark.parametrize("given", [(), ("since", "until"), ("until",), ("since",)])
def test_the_date_fields_show_the_range_the_page_counts(client, login, lead, given):
    from portal.i18n import local_today

    login(client, lead)
    today = local_today()
    typed = {"since": today - timedelta(days=30), "until": today - timedelta(days=2)}
    until = typed["until"] if "until" in given else today
    since = typed["since"] if "since" in given else until - timedelta(days=83)  # the default: 84 days to the end
    args = {name: typed[name].isoformat() if name in given else "" for name in ("since", "until")}
    page = client.get("/staff/reports", query_string=args).get_data(as_text=True)
    assert re.search(rf'name="since"[^>]*value="{since.isoformat()}"', page)
    assert re.search(rf'name="until"[^>]*value="{until.isoformat()}"', page)
    assert client.get("/staff/reports").get_data(as_text=True).count(f'value="{today.isoformat()}"') == 1


@pytest.mark.parametrize("args", [{"since": "2026-13-01"}, {"since": "2026-03-02", "until": "2026-03-01"},
                                  {"since": "2020-01-01", "until": "2026-01-01"}, {"until": "x" * 10000},
                                  {"until": "0001-01-01"}, {"since": "0001-01-01", "until": "0001-01-02"},
                                  {"since": "9999-12-01", "until": "9999-12-31"}])
def test_bad_dates_are_answered_next_to_the_field(client, login, lead, args):
    login(client, lead)
    response = client.get("/staff/reports", query_string=args)
    assert response.status_code == 200 and "error-summary" in response.get_data(as_text=True)
    assert client.get("/staff/reports/plans.csv", query_string=args).status_code == 400


@pytest.mark.parametrize("field", ["since", "until"])
def test_a_date_at_the_end_of_the_calendar_is_answered_next_to_its_field(client, login, lead, field):
    """The default range counts 84 days back from the end, weeks and days around it: from 1 January of year 1
    (or up to 31 December 9999) there are none, and the page answered 500."""
    login(client, lead)
    typed = "0001-01-01" if field == "until" else "9999-12-31"
    other = {"since": "9999-12-01"} if field == "until" else {"until": ""}
    page = client.get("/staff/reports", query_string={field: typed, **{k: v for k, v in other.items() if k != field}})
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert re.search(rf'name="{field}"[^>]*value="{typed}"', body)  # what was typed is kept
    assert "请输入 1900 年至 2099 年之间的日期。" in body


def test_csvs_carry_numerators_and_denominators_and_are_audited(client, login, lead, figures, session):
    login(client, lead)
    for section in ("plans", "visits", "complaints"):
        response = client.get(f"/staff/reports/{section}.csv", query_string=RANGE)
        assert response.status_code == 200 and response.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert rows[0] == ["section", "since", "until", "figure", "count", "of", "percent"]
        if section == "plans":
            assert ["plans", "2026-03-01", "2026-03-31", "agreed_of_submitted", "2", "4", "50.0"] in rows
    assert client.get("/staff/reports/secrets.csv").status_code == 404
    exported = session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "report.exported")).all()
    assert sorted(exported) == ["complaints", "plans", "visits"]


def test_the_reports_run_as_many_statements_for_600_complaints_and_plans_as_for_6(app, client, login, lead, session,
                                                                                  create_borrower, create_loan):
    """Every figure is counted by the database: the categories of any number of complaints in one statement (they
    were 500 complaints a statement), the plans' outcomes in one; and the figures stay those of the rows."""
    from portal.complaints.models import Complaint, ComplaintCategory
    from tests.statements import statements_of

    login(client, lead)
    borrower = create_borrower()
    loan = create_loan(borrower)

    def add(n: int) -> None:
        for i in range(n):
            complaint = Complaint(reference=f"TS-R{session.query(Complaint).count():05d}", borrower_id=borrower.id,
                                  channel="phone", what_happened="骂人", received_at=DAY,
                                  acknowledge_due=DAY.date(), decide_due=DAY.date() + timedelta(days=15))
            complaint.category_rows = [ComplaintCategory(category="insults")] + (
                [ComplaintCategory(category="threats")] if i % 2 else [])
            session.add(complaint)
            _plan(session, loan, "approved" if i % 3 else "declined", decided_days=i % 5)

    add(6)
    few = statements_of(app, client, "/staff/reports?since=2026-03-01&until=2026-03-31")
    add(594)
    many = statements_of(app, client, "/staff/reports?since=2026-03-01&until=2026-03-31")
    assert len(many) == len(few)
    page = _page(client)
    complaints, plans = _cells(_section(page, "complaints")), _cells(_section(page, "plans"))
    assert complaints["收到的投诉"] == "600"
    exported = client.get("/staff/reports/complaints.csv", query_string=RANGE).get_data(as_text=True).replace("\r", "")
    assert ",category:insults,600," in exported and ",category:threats,300," in exported
    assert plans["提交的方案"] == "600" and plans["已拒绝"] == "200" and plans["按原方案批准"] == "400"


def _chart_rows(section):
    """(label, number) of each bar of the section's chart, top to bottom."""
    svg = section.split("<svg")[1].split("</svg>")[0]
    return re.findall(r'<g class="chart-row"><text [^>]*>([^<]+)</text><rect [^>]*></rect><text [^>]*>(\d+)</text></g>',
                      svg)


def _rows(section):
    return re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", section)


@pytest.mark.parametrize("script", ["zh_Hans", "zh_Hant"])
def test_each_bar_says_what_it_counts_in_the_words_and_numbers_of_its_table(client, login, lead, figures, script):
    login(client, lead)
    client.set_cookie("portal_locale", script)
    page = _page(client)
    for name, label in (("plans", {"zh_Hans": "提交的方案", "zh_Hant": "提交的方案"}[script]),
                        ("visits", {"zh_Hans": "借款人已确认", "zh_Hant": "借款人已確認"}[script]),
                        ("complaints", {"zh_Hans": "收到的投诉", "zh_Hant": "收到的投訴"}[script])):
        section = _section(page, name)
        assert _chart_rows(section) == _rows(section) and len(_rows(section)) >= 4, name
        assert label in dict(_chart_rows(section)), name


@pytest.mark.parametrize("script", ["zh_Hans", "zh_Hant"])
def test_every_bar_label_fits_in_its_chart(app, script):
    from flask_babel import force_locale

    from portal.staff import report_charts
    from portal.staff.report_routes import FIGURE_LABELS

    with app.test_request_context(), force_locale(script):
        for key, label in FIGURE_LABELS.items():
            assert report_charts.text_width(str(label)) <= 330 - 6, (key, str(label))


def _complaint(session, borrower, received):
    from portal.complaints.models import Complaint

    session.add(Complaint(reference=f"TS-W{received:%Y%m%d%H}", borrower_id=borrower.id, channel="phone",
                          what_happened="骂人", received_at=received, acknowledge_due=received.date(),
                          decide_due=received.date() + timedelta(days=15)))
    session.commit()


@pytest.mark.parametrize("script", ["zh_Hans", "zh_Hant"])
def test_the_weeks_axis_shows_the_dates_the_table_shows(client, login, lead, session, create_borrower, script):
    borrower = create_borrower()
    for days, hour in ((0, 2), (0, 3), (9, 2), (20, 2)):  # weeks of 9 March (2), 16 March (1) and 30 March (1)
        _complaint(session, borrower, DAY + timedelta(days=days, hours=hour - 2))
    login(client, lead)
    client.set_cookie("portal_locale", script)
    section = _section(_page(client), "complaints")
    svg = section.split('id="weeks-svg-title"')[1].split("</svg>")[0]
    ticks = re.findall(r'class="chart-label chart-tick">([^<]+)</text>', svg)
    numbers = re.findall(r'class="chart-label chart-value">(\d+)</text>', svg)
    table = section.split('aria-labelledby="h-weeks"')[1].split("</table>")[0]
    weeks = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td>", table)
    assert [w for w, _n in weeks][0] == "2026年2月23日" and [w for w, _n in weeks][-1] == "2026年3月30日"
    assert ticks[0] == weeks[0][0] and ticks[-1] == weeks[-1][0]  # the first week and the last are dated
    assert set(ticks) <= {w for w, _n in weeks}
    assert numbers == [n for _w, n in weeks] == ["0", "0", "2", "1", "0", "1"]  # each bar's number, as the table


def test_a_long_range_keeps_its_weeks_inside_the_chart_and_their_dates_apart():
    from datetime import date

    from portal.staff import report_charts

    days = [date(2024, 1, 1) + timedelta(weeks=i) for i in range(157)]  # three years
    chart = report_charts.week_chart([i % 7 for i in range(157)], [f"{d.year}年{d.month}月{d.day}日" for d in days])
    assert all(0 <= b.x and b.x + b.w <= chart.width + 0.1 for b in chart.bars) and len(chart.bars) == 157
    assert not chart.show_values and chart.top == 6  # no room for each number: the top of the scale instead
    assert chart.ticks[0].label == "2024年1月1日" and chart.ticks[-1].label == "2026年12月28日"
    spans = []
    for t in chart.ticks:
        w = report_charts.text_width(t.label)
        left = {"start": t.text_x, "end": t.text_x - w}.get(t.anchor, t.text_x - w / 2)
        assert 0 <= left and left + w <= chart.width, t
        spans.append((left, left + w))
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:])) and len(spans) >= 3
