"""The outbox: rows live and die with the change that causes them; claims, back-off, failure and the console."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.notify import outbox
from portal.notify.gateways import GatewayError
from portal.notify.models import Outbox
from portal.orm import utcnow


def _queue(session, **kw) -> Outbox:
    args = dict(channel="sms", to="13800138000", kind="account_code", params={"code": "123456"},
                locale="zh_Hans") | kw
    return outbox.queue_message(session, **args)


def test_a_committed_row_is_sent_and_a_rolled_back_one_never_exists(session, sms):
    kept = _queue(session)
    session.commit()
    _queue(session, to="13900139000")
    session.rollback()
    rows = session.scalars(select(Outbox)).all()
    assert [(r.recipient, r.state) for r in rows] == [("13800138000", "sent")]
    assert [(m["to"], m["out_id"]) for m in sms()] == [("13800138000", str(kept.id))]
    assert "123456" in sms()[0]["text"]


def test_a_view_that_raises_leaves_no_message(app, client, create_borrower, monkeypatch, sms):
    from portal.accounts import services

    borrower = create_borrower(activated=False)

    def explode(*args, **kwargs):
        raise RuntimeError("after the code was queued")

    original = services.request_code

    def request_then_fail(*args, **kwargs):
        _queue(db.session, to=borrower.phone)
        explode()

    monkeypatch.setattr(services, "request_code", request_then_fail)
    client.post("/activate", data={"phone": borrower.phone, "id_tail": borrower.id_number[-6:]})
    monkeypatch.setattr(services, "request_code", original)
    assert db.session.scalars(select(Outbox)).all() == [] and sms() == []


def test_claim_is_exclusive_until_it_expires(app, session):
    row = _queue(session, send_after=utcnow() + timedelta(days=1))
    session.commit()
    now = utcnow() + timedelta(days=1, seconds=1)
    assert outbox.claim(session, row.id, now) is True
    assert outbox.claim(session, row.id, now) is False  # a second worker gets nothing
    later = now + timedelta(seconds=app.config["OUTBOX_CLAIM_SECONDS"] + 1)
    assert outbox.claim(session, row.id, later) is True  # the first worker died: its claim expired
    session.expire_all()
    assert session.get(Outbox, row.id).attempts == 2


def test_backoff_schedule_five_tries_over_about_an_hour_then_failed(app, session, monkeypatch):
    def unavailable(row):
        raise GatewayError("isp.SYSTEM_ERROR", "try later", permanent=False)

    monkeypatch.setattr(outbox, "_send", unavailable)
    row = _queue(session, send_after=utcnow() + timedelta(days=1))
    session.commit()
    at = utcnow() + timedelta(days=1)
    tries = []
    for _ in range(outbox.MAX_ATTEMPTS):
        tries.append(at)
        state = outbox.deliver(row.id, at)
        session.expire_all()
        current = session.get(Outbox, row.id)
        session.commit()  # end the read (SQLite: the test must not hold the write lock the worker needs)
        if state == "pending":
            assert outbox.deliver(row.id, current.next_attempt_at - timedelta(seconds=1)) is None  # not yet
            at = current.next_attempt_at
    assert state == "failed" and current.attempts == 5 and current.last_error.startswith("isp.SYSTEM_ERROR")
    gaps = [round((b - a).total_seconds() / 60) for a, b in zip(tries, tries[1:])]
    assert gaps == [1, 4, 15, 40] and 50 <= sum(gaps) <= 70  # exponential, about an hour in all


def test_a_permanent_refusal_is_not_retried(app, session, monkeypatch):
    calls = []

    def refused(row):
        calls.append(row.id)
        raise GatewayError("isv.MOBILE_NUMBER_ILLEGAL", "bad number", permanent=True)

    monkeypatch.setattr(outbox, "_send", refused)
    row = _queue(session)
    session.commit()
    session.expire_all()
    row = session.get(Outbox, row.id)
    assert row.state == "failed" and row.attempts == 1 and "MOBILE_NUMBER_ILLEGAL" in row.last_error
    session.commit()
    assert outbox.sweep(utcnow() + timedelta(hours=2)) == 0 and calls == [row.id]


def test_sweep_enqueues_what_is_due_and_not_held(app, session, monkeypatch):
    due = Outbox(channel="sms", recipient="1", kind="account_code", params={}, locale="zh_Hans",
                 next_attempt_at=utcnow() - timedelta(minutes=1))
    held = Outbox(channel="sms", recipient="2", kind="account_code", params={}, locale="zh_Hans",
                  state="sending", claimed_until=utcnow() + timedelta(minutes=1))
    dead = Outbox(channel="sms", recipient="3", kind="account_code", params={}, locale="zh_Hans",
                  state="sending", claimed_until=utcnow() - timedelta(seconds=1))
    later = Outbox(channel="sms", recipient="4", kind="account_code", params={}, locale="zh_Hans",
                   next_attempt_at=utcnow() + timedelta(hours=1))
    session.add_all([due, held, dead, later])
    session.commit()
    seen = []
    monkeypatch.setattr(outbox, "enqueue_delivery", lambda row_id, delay=None: seen.append(row_id))
    assert outbox.sweep() == 2 and sorted(seen) == sorted([due.id, dead.id])


# ---- /staff/messages --------------------------------------------------------------------------------------

@pytest.fixture
def failed_row(session):
    row = Outbox(channel="sms", recipient="13700137000", kind="account_code", params={"code": "654321"},
                 locale="zh_Hant", state="failed", attempts=5, last_error="isp.SYSTEM_ERROR: try later")
    session.add(row)
    session.commit()
    return row


def test_supervisors_see_failed_messages_and_retry_them(client, create_staff, login, failed_row, session,
                                                        sms):
    login(client, create_staff(role="supervisor"))
    page = client.get("/staff/messages")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "13700137000" in body and "isp.SYSTEM_ERROR" in body
    assert "失败" in body
    assert client.get("/staff/messages?state=sent").get_data(as_text=True).count("13700137000") == 0
    response = client.post(f"/staff/messages/{failed_row.id}/retry", data={"state": "failed"})
    assert response.status_code == 302
    session.expire_all()
    row = session.get(Outbox, failed_row.id)
    assert row.state == "sent" and [m["to"] for m in sms()] == ["13700137000"]
    actions = session.scalars(select(AuditEvent.action)).all()
    assert "messages.viewed" in actions and "message.retried" in actions
    # A second press (another tab) sends nothing more.
    client.post(f"/staff/messages/{failed_row.id}/retry", data={"state": "failed"})
    assert len(sms()) == 1


@pytest.mark.parametrize("accept,words", [
    ("zh-CN", ["已收到第三方举报", "已收到投诉", "投诉回复", "激活账户或重置密码的验证码"]),
    ("zh-TW", ["已收到第三方檢舉", "已收到投訴", "投訴回覆", "啟用帳戶或重設密碼的驗證碼"])])
def test_the_message_column_names_each_kind_in_words(client, create_staff, login, session, accept, words):
    for kind in ("report_received", "complaint_acknowledged", "complaint_reply", "account_code"):
        session.add(Outbox(channel="sms", recipient="13700137000", kind=kind, params={}, locale="zh_Hans",
                           state="failed", attempts=5, last_error="isp.SYSTEM_ERROR"))
    session.commit()
    login(client, create_staff(role="supervisor"))
    page = client.get("/staff/messages?state=all", headers={"Accept-Language": accept}).get_data(as_text=True)
    table = page[page.index("<tbody>"):page.index("</tbody>")]
    assert all(word in table for word in words), table
    assert "report_received" not in table and "complaint_" not in table and "<code>" not in table


def test_agents_cannot_open_messages(client, create_staff, login, failed_row):
    login(client, create_staff(role="agent"))
    assert client.get("/staff/messages").status_code == 403
    assert client.post(f"/staff/messages/{failed_row.id}/retry").status_code == 403


def test_unknown_message_is_404(client, create_staff, login):
    login(client, create_staff(role="supervisor"))
    assert client.post("/staff/messages/999999/retry").status_code == 404


@pytest.fixture
def sms(outbox):
    """The lines the file SMS backend wrote."""
    return outbox
