"""The staff page of one borrower: their loans with the borrower's own figures, visits, plans, complaints, choices,
notes, personal data masked until shown (audited), and a complaint taken by phone."""
from __future__ import annotations

import html
import json
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.complaints.models import Complaint
from portal.plans.models import PlanProposal
from portal.staff.borrowers.models import BorrowerNote
from portal.visits.models import Visit
from tests.addresses import assert_no_dead_end


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def agent(create_staff, client, login):
    user = create_staff(role="agent", display_name="客服小王")
    login(client, user)
    return user


@pytest.fixture
def zhang(create_borrower, create_loan):
    borrower = create_borrower(name="张伟", phone="13800138000", id_number="110101199003074514",
                               address="北京市东城区东直门南大街 3 号", family_contact_consent=True,
                               preferred_contact="phone")
    start = date.today() - timedelta(days=75)
    borrower.loan = create_loan(borrower, loan_ref="L2024000123", start=start)
    return borrower


def _money_due(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", x).strip() for x in re.findall(r'<p class="big-number">(.*?)</p>', page, re.S)]


def test_the_page_shows_the_figures_the_borrower_sees(app, client, agent, zhang, login):
    staff_page = text(client.get(f"/staff/borrowers/{zhang.id}"))
    borrower_client = app.test_client()
    login(borrower_client, zhang)
    own = text(borrower_client.get("/loans"))
    own_loan_due = _money_due(own)[1]  # [0] is the total of all loans
    assert own_loan_due in _money_due(staff_page)
    days = re.search(r"(\d+) ?天", own)
    assert days and f"逾期 {days.group(1)} 天" in staff_page or days.group(0) in staff_page
    loan_page = text(client.get(f"/staff/borrowers/{zhang.id}/loans/L2024000123"))
    assert own_loan_due in _money_due(loan_page)
    assert "/staff/visits/new?loan=L2024000123" in loan_page


def test_personal_data_is_masked_until_shown_and_showing_is_audited(client, agent, zhang, session):
    page = text(client.get(f"/staff/borrowers/{zhang.id}"))
    assert "138****8000" in page and "13800138000" not in page
    assert "110***********4514" in page and "东直门" not in page
    shown = text(client.post(f"/staff/borrowers/{zhang.id}/show"))
    assert "13800138000" in shown and "110101199003074514" in shown and "东直门南大街" in shown
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "borrower.personal_data_shown")).one()
    assert event.staff_id == agent.id and event.object_id == str(zhang.id)
    # Showing takes a POST: a GET never reveals.
    assert "13800138000" not in text(client.get(f"/staff/borrowers/{zhang.id}"))


def test_reveal_needs_the_csrf_token(client, agent, zhang, csrf_on, session):
    response = client.post(f"/staff/borrowers/{zhang.id}/show")
    assert response.status_code in (302, 400) and "13800138000" not in text(response)
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "borrower.personal_data_shown")).all() == []


def test_the_page_lists_choices_visits_plans_and_complaints(client, agent, zhang, session, create_borrower,
                                                            create_loan):
    now = datetime.now(timezone.utc)
    session.add(Visit(loan_id=zhang.loan.id, address="北京", window_start=now + timedelta(days=4),
                      window_end=now + timedelta(days=4, hours=2), purpose="核实", state="proposed", code="ABC234"))
    session.add(PlanProposal(borrower_id=zhang.id, loan_id=zhang.loan.id, state="submitted", kind="instalments",
                             months=3, submitted_at=now, income_fen=500000))
    other = create_borrower(name="李娜")
    session.add(PlanProposal(borrower_id=other.id, loan_id=create_loan(other).id, state="submitted",
                             kind="deferral", submitted_at=now, income_fen=500000))
    session.commit()
    client.post(f"/staff/borrowers/{zhang.id}/complaints/new", data={
        "token": "x", "categories": ["insults"], "channel": "phone", "what_happened": "骂人", "loan": "L2024000123",
        "preferred_contact": "phone"})
    page = text(client.get(f"/staff/borrowers/{zhang.id}"))
    assert "电话" in page  # preferred contact: by phone call
    assert "是，" in page or "同意" in page  # family contact consent given
    assert "/staff/visits/" in page and "分期" in page
    assert page.count("/staff/plans/") == 1  # only this borrower's plan
    reference = session.scalar(select(Complaint.reference))
    assert reference in page


def test_a_note_is_added_and_says_so(client, agent, zhang, session):
    response = client.post(f"/staff/borrowers/{zhang.id}/notes", data={"body": "来电询问还款，已告知官方渠道"})
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "已告知官方渠道" in page and "客服小王" in page
    assert "已添加" in page or "备注" in page
    note = session.scalars(select(BorrowerNote)).one()
    assert note.staff_id == agent.id
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "borrower.note_added")).one()


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001, "bad\x07char"])
def test_a_bad_note_is_answered_next_to_the_field_and_nothing_is_saved(client, agent, zhang, session, body):
    response = client.post(f"/staff/borrowers/{zhang.id}/notes", data={"body": body})
    assert response.status_code == 200 and 'aria-invalid="true"' in text(response)
    assert session.scalars(select(BorrowerNote)).all() == []


def test_a_phone_in_complaint_is_filed_for_the_borrower_as_taken_by_the_agent(client, agent, zhang, session):
    form = client.get(f"/staff/borrowers/{zhang.id}/complaints/new?loan=L2024000123")
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', text(form)).group(1)
    data = {"token": token, "categories": ["threats", "third_parties"], "channel": "phone",
            "what_happened": "催收员打电话给我同事", "outcome_wanted": "停止联系同事", "loan": "L2024000123",
            "preferred_contact": "phone"}
    response = client.post(f"/staff/borrowers/{zhang.id}/complaints/new", data=data)
    again = client.post(f"/staff/borrowers/{zhang.id}/complaints/new", data=data)  # sent twice: one complaint
    complaint = session.scalars(select(Complaint)).one()
    assert response.headers["Location"] == again.headers["Location"] == f"/staff/complaints/{complaint.reference}"
    assert complaint.borrower_id == zhang.id and complaint.taken_by_id == agent.id
    assert complaint.loan_id == zhang.loan.id and complaint.contact_phone == "13800138000"
    staff_view = text(client.get(response.headers["Location"]))
    assert complaint.reference in staff_view and "客服小王" in staff_view
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "complaint.taken_by_phone")).one()
    assert event.staff_id == agent.id and json.loads(event.detail)["borrower_id"] == zhang.id


def test_the_borrower_sees_the_phoned_in_complaint_as_their_own(app, client, agent, zhang, login):
    client.post(f"/staff/borrowers/{zhang.id}/complaints/new", data={
        "token": "t", "categories": ["insults"], "channel": "visit", "what_happened": "骂人", "loan": "",
        "preferred_contact": "sms"})
    own = app.test_client()
    login(own, zhang)
    assert "TS-" in text(own.get("/complaints"))


def test_a_phone_in_complaint_with_missing_facts_keeps_what_was_typed(client, agent, zhang, session):
    response = client.post(f"/staff/borrowers/{zhang.id}/complaints/new", data={
        "token": "t", "categories": [], "channel": "", "what_happened": "他们说要上门", "loan": "",
        "preferred_contact": "phone"})
    page = text(response)
    assert response.status_code == 200 and "他们说要上门" in page and 'class="error-summary"' in page
    assert session.scalars(select(Complaint)).all() == []


def test_unknown_borrowers_and_other_borrowers_loans_are_404(client, agent, zhang, create_borrower, create_loan):
    other = create_borrower(name="李娜")
    create_loan(other, loan_ref="L9999")
    assert client.get("/staff/borrowers/999999").status_code == 404
    assert client.post("/staff/borrowers/999999/show").status_code == 404
    assert client.post("/staff/borrowers/999999/notes", data={"body": "x"}).status_code == 404
    assert client.get("/staff/borrowers/999999/complaints/new").status_code == 404
    assert client.get(f"/staff/borrowers/{zhang.id}/loans/L9999").status_code == 404


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_both_roles_use_every_page(client, create_staff, login, zhang, role):
    login(client, create_staff(role=role))
    for path in (f"/staff/borrowers/{zhang.id}", f"/staff/borrowers/{zhang.id}/loans/L2024000123",
                 f"/staff/borrowers/{zhang.id}/complaints/new"):
        assert client.get(path).status_code == 200, path
    assert client.post(f"/staff/borrowers/{zhang.id}/show").status_code == 200


def test_borrowers_and_anonymous_visitors_reach_no_staff_borrower_page(client, zhang, login):
    paths = [("GET", f"/staff/borrowers/{zhang.id}"), ("POST", f"/staff/borrowers/{zhang.id}/show"),
             ("POST", f"/staff/borrowers/{zhang.id}/notes"), ("GET", f"/staff/borrowers/{zhang.id}/complaints/new"),
             ("GET", f"/staff/borrowers/{zhang.id}/loans/L2024000123")]
    for method, path in paths:
        assert client.open(path, method=method).headers["Location"].startswith("/staff/login")
    login(client, zhang)
    for method, path in paths:
        assert client.open(path, method=method).headers["Location"].startswith("/staff/login")


def test_the_page_lists_the_messages_sent_to_them_with_their_state_and_a_code_masked(app, client, agent, zhang,
                                                                                      session, create_borrower):
    from portal.notify.outbox import queue_message

    other = create_borrower(name="李娜", phone="13700137000", id_number="110101199003077513")
    queue_message(session, channel="sms", to=zhang.phone, kind="complaint_reply", locale="zh_Hans",
                  params={"ref": "TS-20261201-0007", "url": "http://127.0.0.1:5000/complaints/TS-20261201-0007"},
                  borrower_id=zhang.id)
    queue_message(session, channel="sms", to=zhang.phone, kind="account_code", locale="zh_Hans",
                  params={"code": "482913"}, borrower_id=zhang.id)
    queue_message(session, channel="sms", to=other.phone, kind="plan_agreed", locale="zh_Hans",
                  params={"ref": "P-99"}, borrower_id=other.id)
    session.commit()
    page = text(client.get(f"/staff/borrowers/{zhang.id}"))
    section = page.split('id="messages-title"', 1)[1].split("</section>", 1)[0]
    assert "TS-20261201-0007" in section and ("等待发送" in section or "已发送" in section)
    assert "482913" not in page, "a one-time code is never shown to staff"
    assert "P-99" not in section, "another borrower's messages are not listed"
    assert section.count("<tr>") == 3  # the head row and the two messages


def test_the_page_runs_the_same_statements_for_3_and_for_30_visits_plans_and_notes(app, client, agent, zhang,
                                                                                   session, create_staff):
    """The visits' and plans' loans come from the dashboard's rows, the plans are the request's proposals (also
    the contact log's agreed plans), the notes' authors in one statement: nothing per row."""
    from tests.statements import statements_of

    other_staff = create_staff(display_name="客服小李")
    now = datetime.now(timezone.utc)

    def make(n, start):
        for i in range(start, start + n):
            session.add(Visit(loan_id=zhang.loan.id, address="北京", window_start=now - timedelta(days=i + 1),
                              window_end=now - timedelta(days=i + 1, hours=-2), purpose="核实", state="cancelled",
                              code=f"V{i:05d}"))
            session.add(PlanProposal(borrower_id=zhang.id, loan_id=zhang.loan.id,
                                     state="withdrawn", kind="instalments", months=3,
                                     submitted_at=now - timedelta(days=i), decided_at=now - timedelta(days=i),
                                     income_fen=500000))
            session.add(BorrowerNote(borrower_id=zhang.id, staff_id=(agent if i % 2 else other_staff).id,
                                     body=f"备注{i}"))
        session.commit()

    make(3, 0)
    few = statements_of(app, client, f"/staff/borrowers/{zhang.id}")
    make(27, 3)
    many = statements_of(app, client, f"/staff/borrowers/{zhang.id}")
    assert len(many) == len(few) <= 19
    page = text(client.get(f"/staff/borrowers/{zhang.id}"))
    assert page.count("/staff/plans/") == 30 and "备注29" in page and "客服小李" in page


def _complaint_for(app, borrower, **fields) -> str:
    from portal.complaints import services as complaint_services
    from portal.extensions import db

    with app.test_request_context():
        complaint, _secret = complaint_services.file_complaint(complaint_services.Filing(
            categories=["insults"], channel="phone", what_happened="骂人"), borrower=borrower)
        for name, value in fields.items():
            setattr(complaint, name, value)
        db.session.commit()
        return complaint.reference


def _complaint_rows(page: str) -> dict[str, tuple[str, str]]:
    """Reference -> (the row's class, the row's text) of the complaints table."""
    section = page.split('id="complaints-title"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r'<tr class="([^"]*)">(.*?)</tr>', section, re.S)
    return {re.search(r"TS-\d{8}-\d{4}", cells).group(0): (cls, re.sub(r"<[^>]+>", " ", cells)) for cls, cells in rows}


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_complaint_deadlines_say_overdue_and_due_today_as_the_queue_does(app, client, agent, zhang, locale):
    """An agent on the phone sees at once which of the caller's complaints is late or due today: the words and the
    rule of the complaint queue, on the row's deadline."""
    from portal.i18n import local_today

    today = local_today()
    late = _complaint_for(app, zhang, acknowledge_due=today - timedelta(days=5))
    due = _complaint_for(app, zhang, acknowledge_due=today)
    later = _complaint_for(app, zhang, acknowledge_due=today + timedelta(days=3))
    client.set_cookie("portal_locale", locale)
    rows = _complaint_rows(text(client.get(f"/staff/borrowers/{zhang.id}")))
    assert rows[late][0] == "overdue" and "已逾期" in rows[late][1] and "今天到期" not in rows[late][1]
    assert rows[due][0] == "due-today" and "今天到期" in rows[due][1] and "已逾期" not in rows[due][1]
    assert rows[later][0] == "" and "已逾期" not in rows[later][1] and "今天到期" not in rows[later][1]
    queue = text(client.get("/staff/complaints"))
    assert "已逾期" in queue and "今天到期" in queue  # the same words as the queue


@pytest.mark.parametrize("locale, staff_words, borrower_words", [
    ("zh_Hans", "借款人接受了我们的条件", "您接受了"),
    ("zh_Hant", "借款人接受了我們的條件", "您接受了"),
])
def test_plan_states_are_named_from_the_staff_side_as_in_the_plans_queue(client, agent, zhang, session, locale,
                                                                          staff_words, borrower_words):
    now = datetime.now(timezone.utc)
    session.add(PlanProposal(borrower_id=zhang.id, loan_id=zhang.loan.id, state="accepted", kind="instalments",
                             months=3, submitted_at=now, decided_at=now, closed_at=now, income_fen=500000))
    session.commit()
    client.set_cookie("portal_locale", locale)
    section = text(client.get(f"/staff/borrowers/{zhang.id}")).split('id="plans-title"', 1)[1].split("</section>")[0]
    assert staff_words in section and borrower_words not in section
    assert staff_words in text(client.get("/staff/plans?show=decided"))


def _tables(page: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """(class, column headers, each row's cells' data-labels) of every table in the page's main part."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    found = []
    for cls, body in re.findall(r'<table class="([^"]*)">(.*?)</table>', main, re.S):
        heads = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", body, re.S)]
        rows = [re.findall(r'<td(?: data-label="([^"]*)")?[^>]*>', row)
                for row in re.findall(r"<tbody>.*?</tbody>", body, re.S)[0].split("</tr>") if "<td" in row]
        found.append((cls, heads, rows))
    return found


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_on_a_phone_each_table_row_is_a_card_with_its_cells_named(client, agent, zhang, session, app, locale):
    """Narrower than 40rem the tables of the page become cards (``table.stack``): each cell says which column it
    is, so nothing is squeezed to one character a line at 360 px."""
    from portal.contacts.models import Contact

    now = datetime.now(timezone.utc)
    session.add(Visit(loan_id=zhang.loan.id, address="北京", window_start=now + timedelta(days=4),
                      window_end=now + timedelta(days=4, hours=2), purpose="核实", state="proposed", code="ABC234"))
    session.add(PlanProposal(borrower_id=zhang.id, loan_id=zhang.loan.id, state="submitted", kind="instalments",
                             months=3, submitted_at=now, income_fen=500000))
    session.add(Contact(contact_ref="C-1", loan_id=zhang.loan.id, at=now - timedelta(hours=2), channel="call",
                        to_party="borrower", answered=True, source_digest="0" * 64))
    from portal.notify.outbox import queue_message

    queue_message(session, channel="sms", to=zhang.phone, kind="plan_agreed", locale="zh_Hans",
                  params={"ref": "P-99"}, borrower_id=zhang.id)
    session.commit()
    _complaint_for(app, zhang)
    client.set_cookie("portal_locale", locale)
    tables = _tables(text(client.get(f"/staff/borrowers/{zhang.id}")))
    assert len(tables) == 5  # complaints, plans, visits, contacts, messages
    for cls, heads, rows in tables:
        assert "stack" in cls.split(), heads
        assert rows and all(cells == heads for cells in rows), (heads, rows)


def test_a_refused_note_and_the_shown_data_leave_no_dead_end(client, agent, zhang):
    """A refused note and the personal data shown are answered at POST-only addresses: the language switch, a
    reload from the address bar or the history lead to the borrower's page (masked again), not to a 405."""
    page = f"/staff/borrowers/{zhang.id}"
    refused = client.post(f"{page}/notes", data={"body": ""})
    assert refused.status_code == 200 and 'aria-invalid="true"' in text(refused)
    assert_no_dead_end(client, refused, f"{page}/notes", page)
    shown = client.post(f"{page}/show")
    assert shown.status_code == 200 and "110101199003074514" in text(shown)
    assert_no_dead_end(client, shown, f"{page}/show", page)
    assert "110101199003074514" not in text(client.get(f"{page}/show", follow_redirects=True))


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_an_address_the_lender_did_not_give_says_so_in_words(client, agent, create_borrower, locale):
    borrower = create_borrower(address="")
    client.set_cookie("portal_locale", locale)
    for page in (text(client.get(f"/staff/borrowers/{borrower.id}")),
                 text(client.post(f"/staff/borrowers/{borrower.id}/show"))):
        address = re.search(r"<dt>地址</dt><dd>(.*?)</dd>", page, re.S).group(1).strip()
        assert address == "未提供"
