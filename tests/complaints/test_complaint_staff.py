"""Staff console for complaints: queue, actions, optimistic locking, escaping, audit, access, reports."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.complaints.models import Complaint
from tests.uploads.samples import png

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _actions(session) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _reload(session, complaint) -> Complaint:
    session.expire_all()
    return session.get(Complaint, complaint.id)


def test_queue_sorts_by_nearest_deadline_and_highlights(client, login, create_staff, create_borrower,
                                                        make_complaint, session):
    agent = create_staff()
    old = make_complaint(create_borrower(), now=datetime.now(timezone.utc) - timedelta(days=20))
    new = make_complaint()
    login(client, agent)
    page = client.get("/staff/complaints").get_data(as_text=True)
    assert page.index(old.reference) < page.index(new.reference)
    assert 'class="overdue"' in page
    assert "complaint.queue_viewed" in _actions(session)
    assert old.reference not in client.get("/staff/complaints?age=lt3").get_data(as_text=True)
    assert new.reference not in client.get("/staff/complaints?channel=visit").get_data(as_text=True)
    assert new.reference in client.get("/staff/complaints?category=insults&assignee=none").get_data(as_text=True)
    assert new.reference not in client.get("/staff/complaints?status=resolved").get_data(as_text=True)


def test_queue_pages_by_key(client, login, create_staff, make_complaint, monkeypatch):
    from portal.complaints import queries

    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    refs = [make_complaint().reference for _ in range(3)]
    login(client, create_staff())
    first = client.get("/staff/complaints").get_data(as_text=True)
    assert refs[0] in first and refs[1] in first and refs[2] not in first
    import re
    after = re.search(r'after=([^"&]+)', first).group(1)
    second = client.get(f"/staff/complaints?after={after}").get_data(as_text=True)
    assert refs[2] in second and refs[0] not in second


def test_agent_acknowledges_replies_extends_and_resolves(client, login, create_staff, make_complaint, session):
    agent = create_staff(display_name="客服小李")
    complaint = make_complaint()
    login(client, agent)
    url = f"/staff/complaints/{complaint.reference}"
    assert client.get(url).status_code == 200
    version = lambda: str(_reload(session, complaint).version)  # noqa: E731
    client.post(url, data={"action": "assign", "assign-version": version(), "self": "1"})
    assert _reload(session, complaint).assignee_id == agent.id
    client.post(url, data={"action": "state", "state-version": version(), "state-state": "acknowledged"})
    client.post(url, data={"action": "reply", "reply-body": "我们正在核实。"})
    client.post(url, data={"action": "note", "note-body": "内部：调取通话录音"})
    client.post(url, data={"action": "state", "state-version": version(), "state-state": "investigating"})
    client.post(url, data={"action": "extend", "extend-version": version(), "extend-reason": "需要外包机构提供录音"})
    c = _reload(session, complaint)
    assert c.extension_level == 1 and (c.decide_due - c.acknowledge_due).days > 15
    # closing needs an outcome category and an explanation
    page = client.post(url, data={"action": "state", "state-version": version(), "state-state": "resolved"})
    assert _reload(session, complaint).state == "investigating" and page.status_code == 200
    client.post(url, data={"action": "state", "state-version": version(), "state-state": "resolved",
                           "state-outcome": "upheld_corrected", "state-explanation": "已核实并道歉。"})
    c = _reload(session, complaint)
    assert c.state == "resolved" and c.outcome_category == "upheld_corrected" and c.decided_at is not None
    assert [m.body for m in c.messages] == ["我们正在核实。"] and c.notes[0].body == "内部：调取通话录音"
    actions = _actions(session)
    for action in ("complaint.viewed", "complaint.assigned", "complaint.state_changed", "complaint.replied",
                   "complaint.note_added", "complaint.extended"):
        assert action in actions, action


def test_extending_to_60_days_needs_a_supervisor(client, login, create_staff, make_complaint, session):
    complaint = make_complaint()
    login(client, create_staff(role="agent"))
    url = f"/staff/complaints/{complaint.reference}"
    for reason in ("复杂：需调取录音", "特别复杂"):
        client.post(url, data={"action": "extend", "extend-version": str(_reload(session, complaint).version),
                               "extend-reason": reason})
    assert _reload(session, complaint).extension_level == 1  # the agent got to 30 days, not to 60
    login(client, create_staff(role="supervisor"))
    client.post(url, data={"action": "extend", "extend-version": str(_reload(session, complaint).version),
                           "extend-reason": "特别复杂，已批准"})
    assert _reload(session, complaint).extension_level == 2


def test_agents_cannot_take_a_colleagues_complaint_away(client, login, create_staff, make_complaint, session):
    owner, agent = create_staff(), create_staff()
    complaint = make_complaint()
    c = _reload(session, complaint)
    c.assignee_id = owner.id
    session.commit()
    login(client, agent)
    url = f"/staff/complaints/{complaint.reference}"
    for data in ({"self": "1"}, {"assign-assignee": ""}):
        client.post(url, data={"action": "assign", "assign-version": str(_reload(session, complaint).version), **data})
        assert _reload(session, complaint).assignee_id == owner.id


def test_the_60_day_stop(client, login, create_staff, make_complaint, session):
    complaint = make_complaint()
    login(client, create_staff(role="supervisor"))
    url = f"/staff/complaints/{complaint.reference}"
    for reason in ("一", "二", "三"):
        client.post(url, data={"action": "extend", "extend-version": str(_reload(session, complaint).version),
                               "extend-reason": reason})
    c = _reload(session, complaint)
    assert c.extension_level == 2 and (c.decide_due - c.received_at.astimezone(ZoneInfo("Asia/Shanghai")).date()).days == 60
    assert len(c.extensions) == 2
    page = client.post(url, data={"action": "extend", "extend-version": str(c.version), "extend-reason": ""})
    assert page.status_code == 200


def test_internal_notes_are_never_shown_to_the_complainant(client, login, create_staff, create_borrower,
                                                           make_complaint, app):
    me = create_borrower()
    complaint = make_complaint(me)
    staff_client = app.test_client()
    login(staff_client, create_staff())
    staff_client.post(f"/staff/complaints/{complaint.reference}", data={"action": "note", "note-body": "秘密备注"})
    login(client, me)
    assert "秘密备注" not in client.get(f"/complaints/{complaint.reference}").get_data(as_text=True)
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(client.get(f"/complaints/{complaint.reference}/export").get_data())) as bundle:
        assert not any("秘密备注" in bundle.read(name).decode("utf-8", "replace") for name in bundle.namelist())


def test_a_stale_form_overwrites_nothing(client, login, create_staff, make_complaint, session):
    complaint = make_complaint()
    login(client, create_staff())
    url = f"/staff/complaints/{complaint.reference}"
    stale = str(complaint.version)
    client.post(url, data={"action": "state", "state-version": stale, "state-state": "acknowledged"})
    response = client.post(url, data={"action": "assign", "assign-version": stale, "self": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "error-summary" in page
    assert _reload(session, complaint).assignee_id is not None  # set by the acknowledgement, not by the stale form
    before = _reload(session, complaint).version
    client.post(url, data={"action": "state", "state-version": stale, "state-state": "investigating"})
    assert _reload(session, complaint).state == "acknowledged" and _reload(session, complaint).version == before


def test_only_supervisors_assign_to_others(client, login, create_staff, make_complaint, session):
    agent, other = create_staff(), create_staff()
    other_id = other.id
    complaint = make_complaint()
    login(client, agent)
    url = f"/staff/complaints/{complaint.reference}"
    client.post(url, data={"action": "assign", "assign-version": "1", "assign-assignee": str(other_id)})
    assert _reload(session, complaint).assignee_id is None
    login(client, create_staff(role="supervisor"))
    client.post(url, data={"action": "assign", "assign-version": "1", "assign-assignee": str(other_id)})
    assert _reload(session, complaint).assignee_id == other_id


def test_every_text_field_is_shown_escaped_to_staff(client, login, create_staff, create_borrower, session):
    from tests.complaints.conftest import issued_token, report_data

    client.post("/report", data=report_data(
        token=issued_token(client), reporter_name=XSS[:100], debtor_name=XSS[:100], collector_name=XSS[:100], collector_badge=XSS[:40],
        collector_phone="1", what_happened=XSS, outcome_wanted=XSS))
    complaint = session.scalar(select(Complaint))
    login(client, create_staff())
    url = f"/staff/complaints/{complaint.reference}"
    client.post(url, data={"action": "reply", "reply-body": XSS})
    client.post(url, data={"action": "note", "note-body": XSS})
    page = client.get(url).get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert page.count("&lt;script&gt;") >= 6


def test_evidence_download_is_audited_and_an_attachment(client, login, create_staff, make_complaint, session):
    complaint = make_complaint(files=[(png(), "p.png")])
    login(client, create_staff())
    response = client.get(f"/staff/complaints/{complaint.reference}/evidence/{complaint.evidence[0].id}")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
    response.close()
    assert "complaint.evidence_downloaded" in _actions(session)
    assert client.get(f"/staff/complaints/{complaint.reference}/evidence/999").status_code == 404


def test_my_work_lists_complaints(client, login, create_staff, make_complaint):
    complaint = make_complaint()
    login(client, create_staff())
    assert complaint.reference in client.get("/staff/").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/staff/complaints", "/staff/complaints/TS-20260101-0001", "/staff/reports",
                                 "/staff/reports/complaints.csv"])
def test_borrowers_and_anonymous_are_refused_on_staff_urls(client, login, create_borrower, url):
    assert "/staff/login" in client.get(url).headers["Location"]
    login(client, create_borrower())
    response = client.get(url)
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


@pytest.mark.parametrize("url", ["/staff/reports", "/staff/reports/complaints.csv"])
def test_reports_need_a_supervisor(client, login, create_staff, url):
    login(client, create_staff(role="agent"))
    assert client.get(url).status_code == 403


def test_report_charts_table_and_csv(client, login, create_staff, make_complaint, session):
    c1, _c2 = make_complaint(), make_complaint(categories=["threats", "insults"])
    c1 = _reload(session, c1)
    c1.state, c1.outcome_category, c1.outcome_explanation = "resolved", "other", "ok"
    c1.decided_at = c1.received_at + timedelta(days=3)
    session.commit()
    login(client, create_staff(role="supervisor"))
    page = client.get("/staff/reports").get_data(as_text=True)
    assert "<svg" in page and "<table" in page and "1 件按时作出决定：100%" in page
    csv = client.get("/staff/reports/complaints.csv")
    text = csv.get_data(as_text=True)
    assert csv.headers["Content-Type"].startswith("text/csv") and ",category:insults,2," in text.replace("\r", "")
    assert "report.viewed" in _actions(session) and "report.exported" in _actions(session)


def test_the_15_day_share_counts_complaints_still_open_past_15_days_as_late(app, make_complaint, session):
    from portal.complaints import queries

    base = datetime(2026, 9, 1, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
    quick, slow, forgotten = (make_complaint(now=base) for _ in range(3))
    for c, days in ((quick, 10), (slow, 20)):
        stored = _reload(session, c)
        stored.state, stored.outcome_category, stored.outcome_explanation = "resolved", "other", "ok"
        stored.decided_at = base + timedelta(days=days)
        session.commit()
    with app.app_context():
        tz = ZoneInfo("Asia/Shanghai")
        data = queries.report(date(2026, 8, 1), date(2026, 10, 31), tz, today=date(2026, 10, 15))
    assert (data.decided, data.decided_in_time, data.open_late) == (2, 1, 1)
    assert abs(data.share_in_time - 1 / 3) < 1e-9  # not 1/2: the forgotten complaint is late too


def test_word_from_the_complainant_reaches_staff_until_answered(app, client, login, create_staff, create_borrower,
                                                                make_complaint, session):
    me = create_borrower()
    complaint = make_complaint(me)
    agent = create_staff()
    staff = app.test_client()
    login(staff, agent)
    url = f"/staff/complaints/{complaint.reference}"
    home = staff.get("/staff/").get_data(as_text=True)
    assert complaint.reference in home and "新消息" not in home
    login(client, me)
    client.post(f"/complaints/{complaint.reference}", data={"action": "follow_up", "body": "补充：昨晚十一点又打来了"})
    assert "新消息" in staff.get("/staff/").get_data(as_text=True)
    assert 'role="status"' in staff.get(url).get_data(as_text=True)
    staff.post(url, data={"action": "reply", "reply-body": "收到，我们会一起核实。"})
    assert "新消息" not in staff.get("/staff/").get_data(as_text=True)


def test_a_not_satisfied_answer_reaches_staff_after_the_complaint_is_closed(app, client, login, create_staff,
                                                                           create_borrower, make_complaint, session):
    me = create_borrower()
    complaint = make_complaint(me)
    stored = _reload(session, complaint)
    stored.state, stored.outcome_category, stored.outcome_explanation = "resolved", "other", "已处理"
    stored.decided_at = stored.received_at
    session.commit()
    login(client, me)
    client.get(f"/complaints/{complaint.reference}")
    client.post(f"/complaints/{complaint.reference}",
                data={"action": "respond", "response": "not_satisfied", "reason": "没有联系我核实"})
    assert _reload(session, complaint).response == "not_satisfied"
    staff = app.test_client()
    login(staff, create_staff())
    assert complaint.reference in staff.get("/staff/").get_data(as_text=True)


def test_a_message_on_a_closed_complaint_reaches_staff_until_answered(app, client, login, create_staff,
                                                                      create_borrower, make_complaint, session):
    me = create_borrower()
    complaint, other = make_complaint(me), make_complaint(create_borrower())
    for c in (complaint, other):
        stored = _reload(session, c)
        stored.state, stored.outcome_category, stored.outcome_explanation = "not_upheld", "other", "未发现问题"
        stored.decided_at = stored.received_at
        session.commit()
    login(client, me)
    staff = app.test_client()
    login(staff, create_staff())
    assert complaint.reference not in staff.get("/staff/").get_data(as_text=True)  # closed, nothing new
    # No "not satisfied" button pressed: the complainant just writes on the decided complaint's page.
    client.post(f"/complaints/{complaint.reference}", data={"action": "follow_up", "body": "我不同意，请重新核实"})
    home = staff.get("/staff/").get_data(as_text=True)
    assert complaint.reference in home and "又发来了消息" in home
    staff.post(f"/staff/complaints/{other.reference}", data={"action": "reply", "reply-body": "另一件投诉的回复"})
    assert complaint.reference in staff.get("/staff/").get_data(as_text=True)  # a reply elsewhere answers nothing
    url = f"/staff/complaints/{complaint.reference}"
    assert 'role="status"' in staff.get(url).get_data(as_text=True)
    staff.post(url, data={"action": "reply", "reply-body": "我们会重新核实，五天内答复您。"})
    assert complaint.reference not in staff.get("/staff/").get_data(as_text=True)


def test_the_queue_runs_the_same_statements_for_3_and_for_30_complaints(app, client, login, create_staff,
                                                                       create_borrower, make_complaint, session):
    """One statement for the rows (assignee's name joined, categories aggregated), one for the assignee choices,
    one INSERT for the audit row: no per-row query."""
    from tests.statements import statements_of

    agent = create_staff(display_name="钱办理")
    login(client, agent)
    borrower = create_borrower()

    def make(n):
        for i in range(n):
            c = make_complaint(borrower if i % 2 else None, categories=["threats", "insults"][: 1 + i % 2])
            if i % 3 == 0:
                session.get(Complaint, c.id).assignee_id = agent.id
                session.commit()

    make(3)
    few = statements_of(app, client, "/staff/complaints")
    make(27)
    many = statements_of(app, client, "/staff/complaints")
    assert len(many) == len(few)
    assert sum(s.lstrip().upper().startswith("INSERT") for s in many) == 1  # the audit row, one INSERT
    page = client.get("/staff/complaints").get_data(as_text=True)
    assert page.count("<td") == 25 * 6
    assert page.count('data-label="负责人">钱办理</td>') >= 8  # the joined name (every third of the rows shown)
    assert "威胁或暴力；辱骂或羞辱" in page and '<span class="tag">第三人</span>' in page
    session.expire_all()
    assert session.scalars(select(func.count()).select_from(AuditEvent)
                           .where(AuditEvent.action == "complaint.queue_viewed")).one() == 3


def test_the_complaint_page_runs_the_same_statements_whoever_wrote_its_notes(app, client, login, create_staff,
                                                                           make_complaint, session):
    """The note authors are among the staff loaded for the assignee choice: no statement per author or per note."""
    from portal.complaints.models import ComplaintNote
    from tests.statements import statements_of

    agent, others = create_staff(display_name="钱办理"), [create_staff(display_name=f"同事{i}") for i in range(3)]
    complaint = make_complaint()
    login(client, agent)
    session.add(ComplaintNote(complaint_id=complaint.id, staff_id=agent.id, body="第一条"))
    session.commit()
    url = f"/staff/complaints/{complaint.reference}"
    few = statements_of(app, client, url)
    for i in range(12):
        session.add(ComplaintNote(complaint_id=complaint.id, staff_id=others[i % 3].id, body=f"备注{i}"))
    session.commit()
    many = statements_of(app, client, url)
    assert len(many) == len(few)
    page = client.get(url).get_data(as_text=True)
    assert all(f"同事{i}" in page for i in range(3)) and "备注11" in page


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin"])
def test_the_report_grouped_by_the_database_equals_the_one_read_row_by_row(app, make_complaint, session, monkeypatch,
                                                                          zone, reports_count_rows):
    """Around the lender's midnight, decided the same day, days later, late or not at all: the figures the
    database groups by local day (a zone of constant offset) are those of converting every complaint in Python
    (the path a daylight-saving change inside the range takes: Berlin's on 2026-10-25)."""
    import random

    from portal.complaints import queries

    tz = ZoneInfo(zone)
    rng = random.Random(7)
    base = datetime(2026, 9, 28, 15, 30, tzinfo=timezone.utc)
    for i in range(60):
        received = base + timedelta(days=rng.randrange(40), minutes=rng.choice((0, 29, 31, 60, 90, 600)))
        stored = _reload(session, make_complaint(now=received))
        if i % 4:
            stored.state, stored.outcome_category, stored.outcome_explanation = "resolved", "other", "ok"
            stored.decided_at = received + timedelta(days=rng.choice((0, 1, 14, 15, 16, 30)),
                                                     minutes=rng.choice((0, 31, 59)))
        session.commit()
    constant = queries.constant_offset(tz, date(2026, 9, 19), date(2026, 11, 21))
    assert (constant is None) == (zone == "Europe/Berlin")
    with app.app_context():
        grouped = queries.report(date(2026, 9, 20), date(2026, 11, 10), tz, today=date(2026, 11, 20))
        monkeypatch.setattr(queries, "constant_offset", lambda *_args: None)
        by_row = queries.report(date(2026, 9, 20), date(2026, 11, 10), tz, today=date(2026, 11, 20))
    assert grouped == by_row and sum(w["received"] for w in grouped.weeks) == 60
