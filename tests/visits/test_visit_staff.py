"""Staff: propose (rules, roster, SMS), queue, schedule a reschedule, cancel, record (immutable), notes, roster."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.i18n import local_today
from portal.visits.demo import avatar_png
from portal.visits.models import Visit, Visitor, VisitRecord, VisitRecordIsImmutable
from tests.html_checks import id_problems
from tests.visits.conftest import window, workday


@pytest.fixture
def agent(client, create_staff, login):
    user = create_staff(role="agent")
    login(client, user)
    return user


def _get(session, visit_id):
    session.expire_all()
    return session.get(Visit, visit_id)


def _proposal(roster, day, start="10:00", end="12:00", visitors=None):
    return {"address": "北京市东城区", "day": day.isoformat(), "start": start, "end": end, "purpose": "核实地址",
            "visitors": [str(v.id) for v in (visitors if visitors is not None else roster[:2])]}


def test_propose_a_visit_notifies_the_borrower_in_their_script(client, agent, roster, create_borrower, create_loan,
                                                               session, outbox):
    borrower = create_borrower(locale="zh_Hant")
    loan = create_loan(borrower)
    page = client.get(f"/staff/visits/new?loan={loan.loan_ref}").get_data(as_text=True)
    assert "刘强" in page and borrower.address in page
    response = client.post(f"/staff/visits/new?loan={loan.loan_ref}", data=_proposal(roster, workday(5)))
    assert response.status_code == 302
    visit = session.scalars(select(Visit)).one()
    assert visit.state == "proposed" and len(visit.visitors) == 2 and len(visit.code) == 6
    sms = outbox()
    assert sms[-1]["to"] == borrower.phone and f"/visits/{visit.id}" in sms[-1]["text"]
    assert "訪" in sms[-1]["text"] or "Visit" in sms[-1]["text"] or "visit" in sms[-1]["text"]
    assert session.scalar(select(func.count()).where(AuditEvent.action == "visit.proposed")) == 1


@pytest.mark.parametrize(("offset", "start", "end", "visitors"), [
    (1, "10:00", "12:00", 2),   # too little notice
    (5, "07:00", "09:00", 2),   # before 08:00 / the configured hours
    (5, "19:00", "21:00", 2),   # after the configured hours
    (5, "10:00", "10:30", 2),   # too short
    (5, "10:00", "12:00", 1),   # one visitor
])
def test_proposals_breaking_a_rule_are_refused(client, agent, roster, create_borrower, create_loan, session,
                                               offset, start, end, visitors):
    loan = create_loan(create_borrower())
    data = _proposal(roster, workday(offset), start, end, roster[:visitors])
    response = client.post(f"/staff/visits/new?loan={loan.loan_ref}", data=data)
    assert response.status_code == 200
    assert 'id="rule-problems"' in response.get_data(as_text=True)
    assert response.get_data(as_text=True).count("核实地址") >= 1  # what was typed is kept
    assert session.scalar(select(func.count()).select_from(Visit)) == 0


def test_overlapping_visit_for_the_same_loan_is_refused(client, agent, roster, create_borrower, create_loan,
                                                        make_visit, session):
    loan = create_loan(create_borrower())
    make_visit(loan, when=window(workday(5), 10))
    client.post(f"/staff/visits/new?loan={loan.loan_ref}", data=_proposal(roster, workday(5), "11:00", "13:00"))
    assert session.scalar(select(func.count()).select_from(Visit)) == 1


def test_inactive_visitors_cannot_be_chosen(client, agent, roster, create_borrower, create_loan, session):
    roster[1].active = False
    session.commit()
    loan = create_loan(create_borrower())
    client.post(f"/staff/visits/new?loan={loan.loan_ref}", data=_proposal(roster, workday(5)))
    assert session.scalar(select(func.count()).select_from(Visit)) == 0


def test_unknown_loan_is_404(client, agent):
    assert client.get("/staff/visits/new?loan=NOPE").status_code == 404


def _field_error(page: str, field_id: str) -> str:
    """The error message next to a field ('' when there is none)."""
    found = re.search(rf'<p class="error-message" id="{field_id}-error">(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def test_without_a_loan_the_page_asks_for_its_reference(client, agent):
    """/staff/visits/new alone (and the queue's field sent empty) is a form asking for the loan, not a 404."""
    page = client.get("/staff/visits/new")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h1>提出上门核实</h1>" in body and 'name="loan"' in body
    assert '<label class="label" for="loan">借款编号</label>' in body and "error-summary" not in body
    empty = client.get("/staff/visits/new?loan=+")
    body = empty.get_data(as_text=True)
    assert empty.status_code == 200 and _field_error(body, "loan") == "错误： 请输入借款编号。"
    assert 'href="#loan"' in body and 'aria-describedby="loan-hint loan-error"' in body
    assert id_problems(body) == []


@pytest.mark.parametrize("typed", ["L9999999999", "l9999999999"])
def test_an_unknown_loan_is_answered_next_to_the_field_and_tells_nothing_else(client, agent, create_borrower,
                                                                              create_loan, typed):
    create_loan(create_borrower(name="王五"), loan_ref="L2025000777")
    page = client.get(f"/staff/visits/new?loan={typed}")
    body = page.get_data(as_text=True)
    assert page.status_code == 404 and "找不到页面" not in body
    assert _field_error(body, "loan") == "错误： 没有这个编号的借款。请对照借款页面或借款人的材料核对后重新输入。"
    assert f'value="{typed}"' in body and 'href="#loan"' in body  # what was typed is kept, with a link to it
    assert "王五" not in body and "L2025000777" not in body
    assert client.post(f"/staff/visits/new?loan={typed}", data={}).status_code == 404


def test_a_loan_reference_is_found_in_lower_case_or_full_width(client, agent, roster, create_borrower, create_loan,
                                                                session):
    loan = create_loan(create_borrower(name="王五"), loan_ref="L2025000102")
    kept = create_loan(create_borrower(), loan_ref="imported-lower-7")  # a reference stored as it was imported
    for typed in ("l2025000102", " L2025000102 ", "Ｌ２０２５０００１０２"):
        page = client.get("/staff/visits/new", query_string={"loan": typed}).get_data(as_text=True)
        assert "王五" in page and 'action="/staff/visits/new?loan=L2025000102"' in page, typed
    for typed in ("imported-lower-7", "IMPORTED-LOWER-7", "Imported-Lower-7"):  # read out on the phone: case lost
        assert 'action="/staff/visits/new?loan=imported-lower-7"' in client.get(
            "/staff/visits/new", query_string={"loan": typed}).get_data(as_text=True), typed
    sent = client.post("/staff/visits/new?loan=l2025000102", data=_proposal(roster, workday(5)))
    assert sent.status_code == 302
    assert session.scalar(select(Visit.loan_id)) == loan.id != kept.id


def test_before_the_visit_day_the_page_says_so_once_and_offers_no_form(client, agent, roster, create_borrower,
                                                                      create_loan, session):
    """A loan not yet 60 days past its oldest unpaid due date: the page says at once, once, that no visit can be
    proposed yet and from when; no form to fill in and no button that could only be refused."""
    from portal.i18n import fmt_date

    first_due = local_today() - timedelta(days=20)
    loan = create_loan(create_borrower(), start=first_due - timedelta(days=30))
    url = f"/staff/visits/new?loan={loan.loan_ref}"
    with client.application.test_request_context():
        day = fmt_date(first_due + timedelta(days=60))
    for response in (client.get(url), client.post(url, data=_proposal(roster, workday(5)))):
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert body.count("不能提出") == 2 and body.count(day) == 1  # the heading, and one sentence with the day
        assert "这笔借款现在不能提出上门核实" in body and f"这笔借款从 {day} 起可以提出" in body
        assert 'method="post" class="form"' not in body and "提出并通知借款人" not in body
        assert 'id="rule-problems"' not in body
        assert f'href="/staff/borrowers/{loan.borrower_id}/loans/{loan.loan_ref}"' in body  # back to the loan
    assert session.scalar(select(func.count()).select_from(Visit)) == 0


@pytest.mark.parametrize(("offset", "start", "end", "visitors", "where", "nowhere"), [
    (1, "10:00", "12:00", 2, {"day": "至少提前"}, ("start", "end", "visitors")),
    (5, "07:00", "09:00", 2, {"start": "之间"}, ("day", "end", "visitors")),
    (5, "19:00", "21:00", 2, {"end": "之间"}, ("day", "start", "visitors")),
    (5, "10:00", "10:30", 2, {"end": "1至4小时"}, ("day", "start", "visitors")),
    (5, "10:00", "12:00", 1, {"visitors": "至少选择两名"}, ("day", "start", "end")),
    (1, "07:00", "09:00", 1, {"day": "至少提前", "start": "之间", "visitors": "至少选择两名"}, ("end",)),
])
def test_each_broken_rule_stands_next_to_its_field_and_in_the_summary(client, agent, roster, create_borrower,
                                                                      create_loan, offset, start, end, visitors,
                                                                      where, nowhere):
    loan = create_loan(create_borrower())
    response = client.post(f"/staff/visits/new?loan={loan.loan_ref}",
                           data=_proposal(roster, workday(offset), start, end, roster[:visitors]))
    body = response.get_data(as_text=True)
    summary = body.split('id="rule-problems"', 1)[1].split("</div>", 1)[0]
    for field_id, words in where.items():
        assert words in _field_error(body, field_id), field_id
        assert f'href="#{field_id}"' in summary and words in summary
        assert f'aria-describedby="{field_id}-error"' in body or f'{field_id}-hint {field_id}-error' in body
    for field_id in nowhere:
        assert _field_error(body, field_id) == "", field_id
    links = re.findall(r'href="#(\w+)"', summary)
    assert links == sorted(links, key=["day", "start", "end", "visitors"].index)  # in the order of the form
    assert body.count('role="alert"') == 1 and id_problems(body) == []


def test_queue_shows_answers_at_once(client, agent, create_borrower, create_loan, make_visit, session):
    loan = create_loan(create_borrower())
    make_visit(loan, state="remote_requested", remote_reason="在外地上班")
    page = client.get("/staff/visits/").get_data(as_text=True)
    assert "在外地上班" in page and loan.loan_ref in page
    home = client.get("/staff/").get_data(as_text=True)
    assert "/staff/visits/" in home


def test_schedule_the_requested_time_and_notify(client, agent, create_borrower, create_loan, make_visit, session,
                                                outbox):
    loan = create_loan(create_borrower())
    new_start, new_end = window(workday(7), 12, 3)
    visit = make_visit(loan, state="reschedule_requested", requested_start=new_start, requested_end=new_end,
                       reschedule_count=1)
    assert client.post(f"/staff/visits/{visit.id}/schedule",
                       data={"schedule-version": str(visit.version)}).status_code == 302
    fresh = _get(session, visit.id)
    assert fresh.state == "rescheduled" and fresh.window_start == new_start and fresh.requested_start is None
    assert len(outbox()) == 1
    # a replay (old version) changes nothing and sends nothing
    client.post(f"/staff/visits/{visit.id}/schedule", data={"schedule-version": str(visit.version)})
    assert len(outbox()) == 1


def test_cancel_needs_a_reason(client, agent, create_borrower, create_loan, make_visit, session):
    visit = make_visit(create_loan(create_borrower()))
    bad = client.post(f"/staff/visits/{visit.id}/cancel", data={"cancel-version": str(visit.version)})
    assert bad.status_code == 200 and "error-summary" in bad.get_data(as_text=True)
    client.post(f"/staff/visits/{visit.id}/cancel", data={"cancel-version": str(visit.version),
                                                         "cancel-reason": "借款人已还款"})
    assert _get(session, visit.id).state == "cancelled"


def test_record_after_the_visit_is_immutable_and_annotated(client, agent, create_borrower, create_loan, make_visit,
                                                           session):
    # yesterday from 10:00 to 12:00 in the lender's time zone: past at any hour the suite runs, and the record's
    # times fall on the visit's day (a window started 3 hours ago crossed midnight when run at 18:30–19:00 UTC)
    start, end = window(local_today() - timedelta(days=1), 10)
    visit = make_visit(create_loan(create_borrower()), state="confirmed", when=(start, end))
    local = start
    data = {"record-version": str(visit.version), "record-held": "yes",
            "record-arrived": local.strftime("%H:%M"),
            "record-departed": (local + timedelta(minutes=30)).strftime("%H:%M"),
            "record-met": "本人", "record-identity_shown": "yes", "record-outcome": "核实完毕",
            "record-next_step": "提交方案"}
    bad = client.post(f"/staff/visits/{visit.id}/record", data={**data, "record-met": ""})
    assert bad.status_code == 200
    assert client.post(f"/staff/visits/{visit.id}/record", data=data).status_code == 302
    fresh = _get(session, visit.id)
    assert fresh.state == "completed" and fresh.record.met == "本人"
    assert session.scalar(select(func.count()).where(AuditEvent.action == "visit.recorded")) == 1
    client.post(f"/staff/visits/{visit.id}/record", data={**data, "record-version": str(fresh.version)})
    assert session.scalar(select(func.count()).select_from(VisitRecord)) == 1
    record = session.scalars(select(VisitRecord)).one()
    record.outcome = "changed"
    with pytest.raises(VisitRecordIsImmutable):
        session.commit()
    session.rollback()
    client.post(f"/staff/visits/{visit.id}/note", data={"note-text": "借款人来电补充说明"})
    assert "借款人来电补充说明" in client.get(f"/staff/visits/{visit.id}").get_data(as_text=True)


def test_a_visit_cannot_be_recorded_before_it_starts(client, agent, create_borrower, create_loan, make_visit,
                                                     session):
    visit = make_visit(create_loan(create_borrower()), state="confirmed")
    client.post(f"/staff/visits/{visit.id}/record", data={
        "record-version": str(visit.version), "record-held": "yes", "record-arrived": "10:00",
        "record-departed": "11:00", "record-met": "x", "record-identity_shown": "yes", "record-outcome": "x",
        "record-next_step": "x"})
    assert _get(session, visit.id).record is None


def test_detail_shows_family_choice_and_dispute_and_is_audited(client, agent, create_borrower, create_loan,
                                                              make_visit, session):
    from portal.visits.models import VisitDispute

    visit = make_visit(create_loan(create_borrower()), family_contact_allowed=True)
    session.add(VisitDispute(visit_id=visit.id, text="没有人来过"))
    session.commit()
    page = client.get(f"/staff/visits/{visit.id}").get_data(as_text=True)
    assert "没有人来过" in page
    assert session.scalar(select(func.count()).where(AuditEvent.action == "visit.viewed")) == 1


def test_roster_add_with_photo_and_deactivate(client, create_staff, login, session):
    login(client, create_staff(role="supervisor"))
    data = {"name": "钱程", "badge": "sh 4096", "photo": (io.BytesIO(avatar_png((10, 20, 30), 16)), "me.png")}
    assert client.post("/staff/visits/roster", data=data, content_type="multipart/form-data").status_code == 302
    visitor = session.scalars(select(Visitor)).one()
    assert visitor.badge_number == "SH4096" and visitor.photo_name.endswith(".png")
    photo = client.get(f"/visitor-photos/{visitor.photo_name}")
    assert photo.status_code == 200 and photo.data.startswith(b"\x89PNG")
    client.post(f"/staff/visits/roster/{visitor.id}/active", data={"active": "no"})
    session.expire_all()
    assert session.get(Visitor, visitor.id).active is False


@pytest.mark.parametrize(("payload", "name"), [(b"%PDF-1.4 not an image", "x.png"), (avatar_png((1, 2, 3), 64), "big.png")])
def test_roster_refuses_bad_photos(client, app, create_staff, login, session, payload, name, monkeypatch):
    monkeypatch.setitem(app.config, "VISITOR_PHOTO_MAX_BYTES", 200)  # the real limit is 2 MB
    login(client, create_staff(role="supervisor"))
    data = {"name": "钱程", "badge": "SH4096", "photo": (io.BytesIO(payload), name)}
    response = client.post("/staff/visits/roster", data=data, content_type="multipart/form-data")
    assert response.status_code == 200 and "error-summary" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Visitor)) == 0


def test_duplicate_badge_is_refused(client, create_staff, login, roster, session):
    login(client, create_staff(role="supervisor"))
    response = client.post("/staff/visits/roster", data={"name": "x", "badge": "bj1024"})
    assert response.status_code == 200
    assert session.scalar(select(func.count()).select_from(Visitor)) == 3


@pytest.mark.parametrize("path", ["/staff/visits/roster"])
def test_agents_cannot_manage_the_roster(client, agent, path, roster):
    assert client.get(path).status_code == 403
    assert client.post(f"/staff/visits/roster/{roster[0].id}/active", data={"active": "no"}).status_code == 403


@pytest.mark.parametrize("path", ["/staff/visits/", "/staff/visits/new?loan=X", "/staff/visits/1",
                                  "/staff/visits/roster"])
def test_anonymous_and_borrowers_go_to_staff_login(client, create_borrower, login, path):
    assert "/staff/login" in client.get(path).headers["Location"]
    login(client, create_borrower())
    assert "/staff/login" in client.get(path).headers["Location"]


def test_unknown_visit_is_404(client, agent):
    assert client.get("/staff/visits/999").status_code == 404


def test_duplicate_badge_with_a_photo_leaves_no_file(client, app, create_staff, login, roster, session):
    import os

    login(client, create_staff(role="supervisor"))
    folder = app.config["VISITOR_PHOTO_DIR"]
    before = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    data = {"name": "x", "badge": "bj1024", "photo": (io.BytesIO(avatar_png((10, 20, 30), 16)), "me.png")}
    response = client.post("/staff/visits/roster", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    after = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    assert after == before


def test_a_dispute_that_opened_a_complaint_leaves_the_visit_queue(client, agent, create_borrower, create_loan,
                                                                  make_visit, session):
    from portal.visits.models import VisitDispute

    past = window(workday(-20), 10)
    handled = make_visit(create_loan(create_borrower()), state="completed", when=past, code="HANDLD",
                         record_answer="disputed")
    waiting = make_visit(create_loan(create_borrower()), state="completed", when=past, code="WAITNG",
                         record_answer="disputed")
    session.add_all([VisitDispute(visit_id=handled.id, text="不实", complaint_ref="TS-20261101-0001"),
                     VisitDispute(visit_id=waiting.id, text="不实")])
    session.commit()
    page = client.get("/staff/visits/").get_data(as_text=True)
    assert f"/staff/visits/{waiting.id}\"" in page and f"/staff/visits/{handled.id}\"" not in page


@pytest.mark.parametrize(("days_overdue", "allowed"), [(59, False), (60, True)])
def test_a_visit_is_proposed_only_from_the_day_the_loan_timeline_gives(client, agent, roster, create_borrower,
                                                                      create_loan, session, days_overdue, allowed):
    """Issue 13: the loan page says from which day a visit may be proposed (VISIT_PROPOSAL_DAY after the oldest
    unpaid due date); staff cannot propose one earlier."""
    from portal.i18n import local_today

    first_due = local_today() - timedelta(days=days_overdue)
    loan = create_loan(create_borrower(), start=first_due - timedelta(days=30))
    form_page = client.get(f"/staff/visits/new?loan={loan.loan_ref}").get_data(as_text=True)
    assert ("从" in form_page.split('id="visit-day"', 1)[1].split("</p>", 1)[0]) and \
        (("在此之前不能提出" in form_page) != allowed)
    response = client.post(f"/staff/visits/new?loan={loan.loan_ref}", data=_proposal(roster, workday(5)))
    assert session.scalar(select(func.count()).select_from(Visit)) == (1 if allowed else 0)
    if not allowed:
        assert "只能在这笔借款最早一期未还款项到期 60 天后提出上门核实" in response.get_data(as_text=True)


def test_no_visit_for_a_loan_with_nothing_unpaid(client, agent, roster, create_borrower, create_loan, session):
    from portal.i18n import local_today

    start = local_today() - timedelta(days=200)
    loan = create_loan(create_borrower(), start=start, payments=[(start + timedelta(days=1), "1230.00")])
    client.post(f"/staff/visits/new?loan={loan.loan_ref}", data=_proposal(roster, workday(5)))
    assert session.scalar(select(func.count()).select_from(Visit)) == 0


def test_the_queue_runs_the_same_statements_for_3_and_for_30_visits(app, client, agent, create_borrower,
                                                                    create_loan, make_visit, session):
    """Each list's loans, borrowers and answers in one statement each, not one per row."""
    from portal.visits.models import VisitAnswer
    from tests.statements import statements_of

    def make(n, start):
        for i in range(start, start + n):
            visit = make_visit(create_loan(create_borrower(name=f"借款人{i}")),
                               state="confirmed" if i % 2 else "remote_requested",
                               when=window(workday(5 + i % 7), 8 + i % 9), code=f"Q{i:05d}", remote_reason="出差")
            session.add(VisitAnswer(visit_id=visit.id, kind="confirm"))
        session.commit()

    make(3, 0)
    few = statements_of(app, client, "/staff/visits/")
    make(27, 3)
    many = statements_of(app, client, "/staff/visits/")
    assert len(many) == len(few)
    page = client.get("/staff/visits/").get_data(as_text=True)
    assert "借款人29" in page and page.count("出差") == 15


def test_each_queue_list_shows_its_first_rows_and_says_how_many_there_are(client, agent, create_borrower,
                                                                         create_loan, make_visit, monkeypatch):
    """The queue lists the first ``QUEUE_PAGE`` of each list (100; 3 here), soonest first, and counts them all
    (up to the home's cap; 5 here): the count is never the length of the page."""
    from portal import paging
    from portal.visits import queries

    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    monkeypatch.setattr(queries, "QUEUE_PAGE", 3)

    def upcoming_section(page: str) -> str:
        return page[page.index('id="upcoming-title"'):]

    for i in range(4):
        make_visit(create_loan(create_borrower(name=f"甲{i}")), state="confirmed", when=window(workday(5 + i), 10),
                   code=f"U{i:05d}")
    page = upcoming_section(client.get("/staff/visits/").get_data(as_text=True))
    assert '<span class="count">4</span>' in page and "共 4 项，按时间由早到晚显示前 3 项。" in page
    assert "甲0" in page and "甲2" in page and "甲3" not in page  # soonest first
    for i in range(4, 7):
        make_visit(create_loan(create_borrower(name=f"甲{i}")), state="confirmed", when=window(workday(5 + i), 10),
                   code=f"U{i:05d}")
    page = upcoming_section(client.get("/staff/visits/").get_data(as_text=True))
    assert '<span class="count">5+</span>' in page and "超过 5 项，按时间由早到晚显示前 3 项。" in page
    waiting = client.get("/staff/visits/").get_data(as_text=True)
    assert waiting[:waiting.index('id="upcoming-title"')].count("显示前") == 0  # nothing waits: no count text
    for i in range(4):
        make_visit(create_loan(create_borrower(name=f"乙{i}")), state="remote_requested",
                   when=window(workday(5 + i), 14), code=f"W{i:05d}", remote_reason="出差")
    client.set_cookie("portal_locale", "zh_Hant")
    page = client.get("/staff/visits/").get_data(as_text=True)
    head = page[:page.index('id="upcoming-title"')]
    assert '<span class="count">4</span>' in head and "共 4 項，按時間由早到晚顯示前 3 項。" in head


def test_the_upcoming_list_pages_on_by_key_and_a_forged_key_is_the_first_page(client, agent, create_borrower,
                                                                              create_loan, make_visit, monkeypatch):
    import re as _re

    from portal.visits import queries

    monkeypatch.setattr(queries, "QUEUE_PAGE", 3)
    for i in range(7):
        make_visit(create_loan(create_borrower(name=f"丙{i}")), state="confirmed", when=window(workday(5 + i), 10),
                   code=f"P{i:05d}")
    seen, url, pages = [], "/staff/visits/", 0
    while url:
        page = client.get(url).get_data(as_text=True)
        upcoming = page[page.index('id="upcoming-title"'):]
        assert '<span class="count">7</span>' in upcoming  # every page counts the whole list
        seen += _re.findall(r"丙\d", upcoming)
        found = _re.search(r'href="(/staff/visits/\?after=[^"#]+)#upcoming-title"', upcoming)
        url = found.group(1).replace("&amp;", "&") if found else None
        pages += 1
        if pages > 1:
            assert "之后的上门核实，从" in upcoming and "回到最近的上门核实" in upcoming
    assert seen == [f"丙{i}" for i in range(7)] and pages == 3  # soonest first, each once
    for forged in ("2026-01-01T00:00:00_5", "nonsense", "2026-13-40T00:00:00+00:00_1", "_",
                   "0001-01-01T00:00:00+14:00_1", f"2026-01-01T00:00:00+00:00_{2**63}"):  # these two answered 500
        answer = client.get("/staff/visits/", query_string={"after": forged})
        assert answer.status_code == 200 and "丙0" in answer.get_data(as_text=True)
    past_the_end = client.get("/staff/visits/", query_string={"after": "2099-01-01T00:00:00+00:00_1"})
    upcoming = past_the_end.get_data(as_text=True).split('id="upcoming-title"')[1]
    assert '<span class="count">7</span>' in upcoming and "丙" not in upcoming and "回到最近的上门核实" in upcoming


@pytest.mark.postgres_only
def test_the_page_key_means_the_same_on_a_postgresql_connection_in_another_time_zone(
        client, agent, create_borrower, create_loan, make_visit, monkeypatch, connections_in_shanghai):
    """The key's time is bound as the column's own type (naive UTC), not as a generic timestamp that PostgreSQL
    reads in the connection's time zone (on a server set to Asia/Shanghai the next page skipped 8 hours)."""
    import re as _re

    from portal.visits import queries

    monkeypatch.setattr(queries, "QUEUE_PAGE", 2)
    for i in range(4):  # one day, two hours apart: the second page starts two hours after the first page's key
        make_visit(create_loan(create_borrower(name=f"丁{i}")), state="confirmed",
                   when=window(workday(5), 9 + 2 * i), code=f"T{i:05d}")
    seen, url = [], "/staff/visits/"
    while url:
        upcoming = client.get(url).get_data(as_text=True).split('id="upcoming-title"')[1]
        seen += _re.findall(r"丁\d", upcoming)
        found = _re.search(r'href="(/staff/visits/\?after=[^"#]+)#upcoming-title"', upcoming)
        url = found.group(1) if found else None
    assert seen == ["丁0", "丁1", "丁2", "丁3"]


def _home_visit_rows(client, locale="zh_Hans") -> dict[int, tuple[str, str]]:
    """Visit id -> (the row's class, the row's text) of the home's visits list."""
    import html
    import re

    client.set_cookie("portal_locale", locale)
    page = html.unescape(client.get("/staff/").get_data(as_text=True))
    section = next(s for s in page.split('<section class="queue"')[1:] if 'href="/staff/visits/"' in s)
    rows = re.findall(r'<tr class="([^"]*)">(.*?)</tr>', section.split("</section>")[0], re.S)
    return {int(re.search(r"/staff/visits/(\d+)", cells).group(1)): (cls, re.sub(r"<[^>]+>", " ", cells))
            for cls, cells in rows}


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_the_home_says_what_each_visit_waits_for_and_flags_only_a_late_record(client, agent, create_borrower,
                                                                              create_loan, make_visit, session,
                                                                              locale):
    """The deadline column of the home's visits: a disputed record or a borrower's request has waited N days
    (as plans); a visit whose time has passed waits for its record, late 24 hours after its window. None of them
    is overdue for its window's start alone."""
    from datetime import datetime, timezone

    from portal.visits.models import VisitDispute

    now = datetime.now(timezone.utc)
    loan = create_loan(create_borrower())
    disputed = make_visit(loan, state="missed", when=window(local_today() - timedelta(days=5), 15), code="DIS234",
                          record_answer="disputed", answered_at=now - timedelta(days=3, hours=1))
    session.add(VisitDispute(visit_id=disputed.id, text="那天下午我一直在家"))
    asked = make_visit(loan, state="reschedule_requested", when=window(workday(4), 9), code="ASK234",
                       answered_at=now - timedelta(days=2, hours=1))
    unrecorded = make_visit(loan, state="confirmed", code="OLD234", when=(now - timedelta(days=3, hours=2),
                                                                         now - timedelta(days=3)))
    just_over = make_visit(loan, state="confirmed", code="NEW234", when=(now - timedelta(hours=3),
                                                                        now - timedelta(hours=1)))
    session.commit()
    rows = _home_visit_rows(client, locale)
    waited = "已等待 3 天", "已等待 2 天"
    record = "登记上门记录" if locale == "zh_Hans" else "登記上門紀錄"
    assert rows[disputed.id][0] == "" and waited[0] in rows[disputed.id][1] and "已逾期" not in rows[disputed.id][1]
    assert rows[asked.id][0] == "" and waited[1] in rows[asked.id][1] and "已逾期" not in rows[asked.id][1]
    assert rows[unrecorded.id][0] == "overdue" and "已逾期" in rows[unrecorded.id][1]
    assert record in rows[unrecorded.id][1]
    assert rows[just_over.id][0] != "overdue" and "已逾期" not in rows[just_over.id][1]
    assert record in rows[just_over.id][1]
