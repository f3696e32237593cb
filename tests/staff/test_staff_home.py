"""The staff home ("my work"): counts match what it lists, deadline order, overdue and due-today in words,
the borrower named (masked) on each row, and "new word" only after the last staff reply."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from portal.complaints import services
from portal.complaints.models import Complaint, ComplaintMessage
from portal.extensions import db
from portal.i18n import local_today


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def agent(create_staff, client, login):
    user = create_staff(role="agent")
    login(client, user)
    return user


def file(app, borrower, *, files=(), **fields) -> int:
    with app.test_request_context():
        complaint, _secret = services.file_complaint(services.Filing(
            categories=["insults"], channel="phone", what_happened="骂人", files=list(files)), borrower=borrower)
        for name, value in fields.items():
            setattr(complaint, name, value)
        db.session.commit()
        return complaint.id


def unsatisfied(app, borrower) -> int:
    """A closed complaint whose complainant answered "not satisfied": it stays on the home's list."""
    closed = file(app, borrower, state="resolved", outcome_category="other")
    with app.test_request_context():
        c = db.session.get(Complaint, closed)
        c.decided_at = c.received_at
        services.respond(c, "not_satisfied", "没有核实")
        db.session.commit()
    return closed


def complaints_section(page: str) -> str:
    for section in page.split('<section class="queue"')[1:]:
        if "/staff/complaints?status=work&assignee=mine" in section:
            return section.split("</section>")[0]
    raise AssertionError("no complaints queue on the home page")


def test_the_count_is_the_number_of_rows_in_the_list_and_says_when_only_the_first_are_shown(
        app, client, agent, create_borrower):
    borrower = create_borrower(name="张伟")
    for _ in range(12):
        file(app, borrower)
    unsatisfied(app, borrower)
    section = complaints_section(text(client.get("/staff/")))
    assert '<span class="count">13</span>' in section
    assert section.count("<tr class=") == 10
    assert "10" in section and "13" in section and "/staff/complaints?status=work&assignee=mine" in section


def test_a_backlog_over_the_cap_reads_more_than_the_cap_and_one_at_the_cap_is_counted(
        app, client, agent, create_borrower, monkeypatch):
    """The home counts each list up to ``COUNT_CAP`` (999; 10 here): above it the count reads "10+" and the
    text "more than 10", in either script; at the cap the count is exact."""
    from portal import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 10)
    borrower = create_borrower(name="王芳")
    for _ in range(10):
        file(app, borrower)
    section = complaints_section(text(client.get("/staff/")))
    assert '<span class="count">10</span>' in section and "超过" not in section
    assert section.count("<tr class=") == 10
    for _ in range(3):
        file(app, borrower)
    section = complaints_section(text(client.get("/staff/")))
    assert '<span class="count">10+</span>' in section
    assert "超过 10 项，按期限由近到远显示前 10 项。" in section and "查看队列中的全部" in section
    assert "共 13 项" not in section and "共 11 项" not in section
    client.set_cookie("portal_locale", "zh_Hant")
    section = complaints_section(text(client.get("/staff/")))
    assert "超過 10 項，按期限由近到遠顯示前 10 項。" in section and "查看佇列中的全部" in section


def test_the_count_stops_at_the_cap_plus_one_and_is_exact_below(app, create_borrower):
    from portal.paging import first_and_count

    borrower = create_borrower()
    for _ in range(6):
        file(app, borrower)
    with app.test_request_context():
        order = (Complaint.queue_due, Complaint.id)
        rows, count = first_and_count(Complaint, (Complaint.borrower_id == borrower.id,), order, 2, cap=4)
        assert len(rows) == 2 and count == 5
        rows, count = first_and_count(Complaint, (Complaint.borrower_id == borrower.id,), order, 2, cap=6)
        assert count == 6
        rows, count = first_and_count(Complaint, (Complaint.borrower_id == -1,), order, 2, cap=4)
        assert rows == [] and count == 0


def test_rows_are_in_deadline_order_with_words_for_overdue_and_due_today(app, client, agent, create_borrower):
    today = local_today()
    borrower = create_borrower(name="陈美玲")
    file(app, borrower, acknowledge_due=today + timedelta(days=3))
    file(app, borrower, acknowledge_due=today - timedelta(days=2))
    file(app, borrower, acknowledge_due=today)
    section = complaints_section(text(client.get("/staff/")))
    rows = re.findall(r'<tr class="([^"]*)">(.*?)</tr>', section, re.S)
    assert [cls for cls, _ in rows] == ["overdue", "due-today", ""]
    assert "已逾期" in rows[0][1] and "今天到期" in rows[1][1]
    assert "已逾期" not in rows[2][1] and "今天到期" not in rows[2][1]


def test_each_row_names_the_borrower_masked(app, client, agent, create_borrower):
    file(app, create_borrower(name="陈美玲"))
    section = complaints_section(text(client.get("/staff/")))
    assert "陈*玲" in section and "陈美玲" not in section


def test_new_word_is_flagged_only_after_the_last_staff_reply(app, client, agent, create_borrower):
    borrower = create_borrower(name="李娜")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    cid = file(app, borrower, files=[(png, "photo.png")])
    flag = "投诉人有新消息"
    assert flag not in text(client.get("/staff/"))  # files sent with the complaint are not new word
    with app.test_request_context():
        c = db.session.get(Complaint, cid)
        c.messages.append(ComplaintMessage(author_kind="complainant", body="还在打电话"))
        db.session.commit()
    assert flag in text(client.get("/staff/"))
    with app.test_request_context():
        c = db.session.get(Complaint, cid)
        services.reply(c, "我们正在处理", agent)
        db.session.commit()
    assert flag not in text(client.get("/staff/"))


def test_a_reply_says_it_was_sent_to_the_complainant(app, client, agent, create_borrower):
    cid = file(app, create_borrower())
    with app.test_request_context():
        reference, version = db.session.get(Complaint, cid).reference, db.session.get(Complaint, cid).version
    response = client.post(f"/staff/complaints/{reference}", data={"action": "reply", "reply-body": "您好",
                                                                    "reply-version": version})
    assert "回复已发送给投诉人" in text(client.get(response.headers["Location"]))


def test_the_menu_built_once_per_locale_still_follows_the_role_the_page_and_the_script(client, login, create_staff):
    """The console menu's links and labels are made once per locale (portal.staff.queues.staff_layout); which
    entries show, which is the current page and the script are still the request's."""
    def menu(path: str) -> str:
        page = client.get(path).get_data(as_text=True)
        return page[page.index('<nav class="wrap wide main-nav"'):page.index("</nav>")]

    login(client, create_staff(role="supervisor"))
    lead = menu("/staff/complaints")
    assert 'href="/staff/audit"' in lead and '<a href="/staff/complaints" aria-current="page">投诉</a>' in lead
    login(client, create_staff(role="agent"))
    agent = menu("/staff/complaints?status=all")
    assert 'href="/staff/audit"' not in agent and 'href="/staff/borrowers"' in agent
    client.set_cookie("portal_locale", "zh_Hant")
    assert '<a href="/staff/complaints" aria-current="page">投訴</a>' in menu("/staff/complaints")
    assert 'aria-current="page">投訴' not in menu("/staff/visits/")


def test_the_home_runs_as_many_statements_for_30_rows_of_work_as_for_3(app, client, agent, create_borrower,
                                                                        create_loan, session):
    """Each list (complaints open and closed, visits, plans, data requests): its rows, what the rows name and its
    count in one statement, none per row."""
    from datetime import datetime, timezone

    from portal.plans.models import PlanProposal
    from portal.privacy.models import DataRequest
    from portal.visits.models import Visit
    from tests.statements import statements_of

    def add(count: int) -> None:
        for _ in range(count):
            borrower = create_borrower()
            loan = create_loan(borrower)
            file(app, borrower)
            unsatisfied(app, borrower)
            start = datetime(2026, 1, 5, 2, tzinfo=timezone.utc)
            session.add_all([
                Visit(loan_id=loan.id, address="北京市东城区", window_start=start,
                      window_end=start + timedelta(hours=2), purpose="核实地址", state="remote_requested",
                      code=f"R{loan.id:05d}", remote_reason="出差"),
                PlanProposal(borrower_id=borrower.id, loan_id=loan.id, state="submitted", kind="instalments", months=3,
                             income_fen=300000, submitted_at=datetime(2026, 1, 2, tzinfo=timezone.utc)),
                DataRequest(borrower_id=borrower.id, kind="correction", detail="地址错了",
                            due_on=local_today() + timedelta(days=5))])
            session.commit()

    add(3)
    client.get("/staff/")
    few = statements_of(app, client, "/staff/")
    add(27)
    many = statements_of(app, client, "/staff/")
    assert len(many) == len(few), (len(few), len(many))
    assert len(many) <= 10, many
    page = text(client.get("/staff/"))
    assert '<span class="count">60</span>' in complaints_section(page)
    queues = dict(re.findall(r'<h2 id="queue-\d+"><a href="([^"]+)">[^<]*</a> <span class="count">(\d+)</span>', page))
    assert sorted(queues.values()) == ["30", "30", "30", "60"], queues  # visits, plans, data requests, complaints
    assert page.count("<tr class=") == 40
    assert not any(s.lstrip().startswith("SELECT count") for s in many)


def _queue_section(page: str, url: str) -> str:
    for section in page.split('<section class="queue"')[1:]:
        if f'href="{url}"' in section:
            return section.split("</section>")[0]
    raise AssertionError(f"no {url} list on the home page")


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_a_data_request_row_names_its_borrower_masked(client, agent, create_borrower, session, locale):
    from portal.privacy.models import DataRequest

    borrower = create_borrower(name="张伟")
    session.add(DataRequest(borrower_id=borrower.id, kind="correction", detail="地址错了",
                            due_on=local_today() + timedelta(days=5)))
    session.commit()
    client.set_cookie("portal_locale", locale)
    section = _queue_section(text(client.get("/staff/")), "/staff/requests")
    row = re.search(r"<tr class=[^>]*>(.*?)</tr>", section, re.S).group(1)
    assert "张*" in row and "张伟" not in row and "—" not in row


def test_on_a_phone_each_row_of_the_home_is_a_card_with_its_cells_named(app, client, agent, create_borrower):
    """Narrower than 40rem the home's lists become cards (``table.stack``): each cell says which column it is
    (Item, Borrower, Due), and references stay whole."""
    file(app, create_borrower(name="陈美玲"))
    page = text(client.get("/staff/"))
    section = complaints_section(page)
    assert '<table class="table stack">' in section
    row = re.search(r'<tr class="[^"]*">(.*?)</tr>', section, re.S).group(1)
    assert re.findall(r'<td data-label="([^"]*)"', row) == ["事项", "借款人", "期限"]
    assert re.search(r'<span class="nowrap">TS-\d{8}-\d{4}</span>', row)
