"""/settings/my-data: what the portal holds about the borrower, and correction/deletion requests that staff
answer in /staff/requests with a reason the borrower reads."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.i18n import local_today
from portal.privacy.models import DataRequest
from tests.addresses import assert_no_dead_end


@pytest.fixture
def borrower(create_borrower, create_loan, login, client):
    b = create_borrower(name="周八", phone="13800138000", address="上海市徐汇区漕溪北路 1 号")
    create_loan(b, loan_ref="L-MINE-001")
    login(client, b)
    return b


def _page(client) -> str:
    return client.get("/settings/my-data").get_data(as_text=True)


def test_the_page_lists_what_we_hold_in_plain_words(client, borrower, create_borrower, create_loan):
    other = create_borrower(name="吴九", address="广州市天河区")
    create_loan(other, loan_ref="L-OTHER-002")
    page = _page(client)
    for text in ("周八", "上海市徐汇区漕溪北路 1 号", "13800138000", "L-MINE-001", borrower.id_number[-4:]):
        assert text in page
    assert borrower.id_number not in page  # shown in part only
    for text in ("吴九", "广州市天河区", "L-OTHER-002", other.phone):
        assert text not in page
    assert page.count("<h1") == 1 and "44" in page and "47" in page


def test_the_page_in_traditional_script(client, borrower, session):
    borrower.locale = "zh_Hant"
    session.merge(borrower)
    session.commit()
    page = client.get("/settings/my-data").get_data(as_text=True)
    assert 'lang="zh-Hant"' in page and "個人資訊" in page and "《個人信息保護法》第44條至第47條" in page


def test_a_correction_request_reaches_staff_and_the_answer_reaches_the_borrower(
        app, client, borrower, create_staff, login, session):
    response = client.post("/settings/my-data", data={"kind": "correction", "detail": "地址已改为北京市朝阳区"})
    assert response.status_code == 302
    item = session.scalar(select(DataRequest))
    assert item.due_on == local_today() + timedelta(days=15) and item.state == "open"
    assert "地址已改为北京市朝阳区" in _page(client) and item.reference in _page(client)

    staff_client = app.test_client()
    login(staff_client, create_staff(role="agent"))
    queue = staff_client.get("/staff/requests").get_data(as_text=True)
    assert item.reference in queue and "周八" in queue
    assert item.reference in staff_client.get("/staff/").get_data(as_text=True)  # on the "my work" home
    detail = staff_client.get(f"/staff/requests/{item.id}").get_data(as_text=True)
    assert "地址已改为北京市朝阳区" in detail
    assert session.scalar(select(func.count()).where(AuditEvent.action == "data_request.viewed")) == 1

    done = staff_client.post(f"/staff/requests/{item.id}/answer",
                             data={"version": str(item.version), "outcome": "done", "answer": "已更正地址。"})
    assert done.status_code == 302
    session.expire_all()
    assert session.get(DataRequest, item.id).state == "done"
    assert session.scalar(select(func.count()).where(AuditEvent.action == "data_request.answered")) == 1
    page = _page(client)
    assert "已更正地址。" in page
    # Sent again (a double click): nothing changes.
    again = staff_client.post(f"/staff/requests/{item.id}/answer",
                              data={"version": str(item.version), "outcome": "declined", "answer": "x"})
    assert again.status_code == 302
    session.expire_all()
    assert session.get(DataRequest, item.id).state == "done"


def test_an_answer_needs_a_reason_and_keeps_what_was_typed(app, client, borrower, create_staff, login, session):
    client.post("/settings/my-data", data={"kind": "deletion", "detail": "请删除我投诉里的照片"})
    item = session.scalar(select(DataRequest))
    staff_client = app.test_client()
    login(staff_client, create_staff(role="agent"))
    response = staff_client.post(f"/staff/requests/{item.id}/answer",
                                 data={"version": str(item.version), "outcome": "declined", "answer": ""})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'role="alert"' in body and 'value="declined" checked' in body.replace('checked=""', 'checked') \
        or "checked" in body
    session.expire_all()
    assert session.get(DataRequest, item.id).state == "open"


def test_bad_request_input_is_answered_next_to_the_field(client, borrower, session):
    response = client.post("/settings/my-data", data={"kind": "move-to-mars", "detail": "我的电话号码不对"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'role="alert"' in body and "我的电话号码不对" in body
    empty = client.post("/settings/my-data", data={"kind": "correction", "detail": ""})
    assert 'id="detail-error"' in empty.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(DataRequest)) == 0


def test_a_late_request_is_marked_in_the_staff_queue(app, client, borrower, create_staff, login, session):
    client.post("/settings/my-data", data={"kind": "correction", "detail": "电话号码错了"})
    item = session.scalar(select(DataRequest))
    item.due_on = local_today() - timedelta(days=1)
    session.commit()
    staff_client = app.test_client()
    login(staff_client, create_staff(role="agent"))
    assert "state-overdue" in staff_client.get("/staff/requests").get_data(as_text=True)


def test_other_people_and_anonymous_visitors(app, client, create_borrower, create_staff, login, session):
    assert client.get("/settings/my-data").headers["Location"].startswith("/login")
    assert client.get("/staff/requests").headers["Location"].startswith("/staff/login")
    login(client, create_borrower())
    assert client.get("/staff/requests").status_code == 302  # a borrower is not staff
    staff_client = app.test_client()
    login(staff_client, create_staff(role="agent"))
    assert staff_client.get("/staff/requests/999").status_code == 404
    assert staff_client.get("/settings/my-data").status_code == 302  # staff are not borrowers


def test_the_reference_counts_up(client, borrower, session):
    client.post("/settings/my-data", data={"kind": "correction", "detail": "a"})
    client.post("/settings/my-data", data={"kind": "deletion", "detail": "b"})
    refs = sorted(r.reference for r in session.scalars(select(DataRequest)))
    assert all(re.fullmatch(r"DR-\d{6}", r) for r in refs) and refs[0] != refs[1]


def test_the_demo_has_an_open_and_an_answered_request(app, session):
    from tests.hardening.crawl import seed_demo

    with app.test_request_context():
        seed_demo(session, local_today())
        seed_demo(session, local_today())  # seeding twice adds nothing
    states = sorted(r.state for r in session.scalars(select(DataRequest)))
    assert states == ["done", "open"]


def test_messages_sent_are_listed_in_plain_words_in_both_scripts(client, borrower, create_borrower, session):
    from portal.notify.models import Outbox
    from portal.orm import utcnow

    other = create_borrower(name="吴九")
    for who, kind, state in ((borrower, "plan_approved", "sent"), (borrower, "visit_tomorrow", "failed"),
                             (other, "complaint_reply", "sent")):
        session.add(Outbox(channel="sms", recipient=who.phone, kind=kind, params={"ref": "PL-9"}, locale="zh_Hans",
                           borrower_id=who.id, state=state, attempts=1, next_attempt_at=utcnow(),
                           sent_at=utcnow() if state == "sent" else None))
    session.commit()
    page = _page(client)
    assert "您的还款方案已获批准" in page and "提醒：明天有一次上门核实" in page and "未能发送" in page
    assert "短信" in page and "投诉有了新答复" not in page  # the other borrower's message is not listed
    borrower.locale = "zh_Hant"
    session.merge(borrower)
    session.commit()
    page = _page(client)
    assert "您的還款方案已獲批准" in page and "簡訊" in page and "未能傳送" in page


def test_a_refused_answer_leaves_no_dead_end(app, client, borrower, create_staff, login, session):
    """The refused answer is shown at /staff/requests/<id>/answer: the language switch, a reload from the address
    bar or the history lead to the request's page, not to a 405."""
    client.post("/settings/my-data", data={"kind": "deletion", "detail": "请删除我投诉里的照片"})
    item = session.scalar(select(DataRequest))
    staff_client = app.test_client()
    login(staff_client, create_staff(role="agent"))
    refused = staff_client.post(f"/staff/requests/{item.id}/answer",
                                data={"version": str(item.version), "outcome": "declined", "answer": ""})
    assert refused.status_code == 422
    assert_no_dead_end(staff_client, refused, f"/staff/requests/{item.id}/answer", f"/staff/requests/{item.id}")
    session.expire_all()
    assert session.get(DataRequest, item.id).state == "open"
