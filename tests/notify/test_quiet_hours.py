"""Nothing but codes reaches a borrower 22:00-08:00 lender time (design §8), whatever path leads to the send: the
first try, a retry after a back-off, a supervisor's "send again" and the sweep after a worker outage. The rule is
applied when a message is sent, not only when it is queued."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.notify import outbox
from portal.notify.gateways import GatewayError
from portal.notify.models import Outbox

TZ = ZoneInfo("Asia/Shanghai")
# A day still to come, so that a row held for 08:00 is not due in real time while the test runs.
DAY = date.today() + timedelta(days=30)


def at(hour: int, minute: int = 0, days: int = 0) -> datetime:
    return datetime.combine(DAY + timedelta(days=days), time(hour, minute), tzinfo=TZ).astimezone(timezone.utc)


def local(moment: datetime) -> str:
    return moment.astimezone(TZ).strftime("%d %H:%M")


def _row(session, kind="complaint_acknowledged", due=None, **kw) -> Outbox:
    params = {"code": "123456"} if kind == "account_code" else {
        "ref": "TS-20261201-0001", "url": "https://portal.example.cn/complaints/TS-20261201-0001"}
    row = Outbox(channel="sms", recipient="13800138000", kind=kind, params=params, locale="zh_Hans",
                 state=kw.pop("state", "pending"), attempts=kw.pop("attempts", 0),
                 next_attempt_at=due or at(12), **kw)
    session.add(row)
    session.commit()
    return row


def _fresh(session, row) -> Outbox:
    session.expire_all()
    current = session.get(Outbox, row.id)
    session.commit()  # end the read: the worker's session writes next
    return current


@pytest.mark.parametrize(("hour", "minute", "sent", "held_until"), [
    (21, 59, True, None),
    (22, 0, False, "+1 08:00"),
    (7, 59, False, "08:00"),
    (8, 0, True, None),
])
def test_first_try_in_quiet_hours_waits_for_eight(app, session, outbox_lines, hour, minute, sent, held_until):
    row = _row(session, due=at(hour, minute) - timedelta(minutes=5))
    state = outbox.deliver(row.id, at(hour, minute))
    current = _fresh(session, row)
    if sent:
        assert state == "sent" and len(outbox_lines()) == 1
    else:
        expected = at(8, 0, days=1 if held_until.startswith("+1") else 0)
        assert state == "pending" and outbox_lines() == []
        assert current.next_attempt_at == expected and current.attempts == 0  # waiting is not a try
        assert outbox.deliver(row.id, expected - timedelta(minutes=1)) is None  # not before 08:00
        assert outbox.deliver(row.id, expected) == "sent" and len(outbox_lines()) == 1


def test_the_reported_case_a_failed_first_try_at_21_58_is_not_sent_at_22_05(app, session, outbox_lines,
                                                                           monkeypatch):
    row = _row(session, due=at(21, 58))
    real_send = outbox._send

    def unavailable(r):
        raise GatewayError("isp.SYSTEM_ERROR", "try later", permanent=False)

    monkeypatch.setattr(outbox, "_send", unavailable)
    assert outbox.deliver(row.id, at(21, 58)) == "pending"
    monkeypatch.setattr(outbox, "_send", real_send)
    assert outbox.deliver(row.id, at(22, 5)) == "pending"  # the try it was due for lands in the night: held
    assert outbox_lines() == [] and _fresh(session, row).next_attempt_at == at(8, 0, days=1)


def test_a_code_goes_out_at_night(app, session, outbox_lines):
    row = _row(session, kind="account_code", due=at(23, 0))
    assert outbox.deliver(row.id, at(23, 0)) == "sent" and len(outbox_lines()) == 1


def test_staff_email_is_not_held(app, session, mailbox):
    row = Outbox(channel="email", recipient="agent@lender.example", kind="staff_digest", locale="zh_Hans",
                 params={"count": "1", "items": "- TS-1", "url": "https://portal.example.cn/staff/"},
                 next_attempt_at=at(22, 30))
    session.add(row)
    session.commit()
    assert outbox.deliver(row.id, at(22, 30)) == "sent" and len(mailbox()) == 1


@pytest.mark.parametrize(("failed_at", "attempts_before", "next_local"), [
    ((21, 58), 0, "21:59"),  # 1 minute later: still evening
    ((21, 59), 0, "+1 08:00"),  # 1 minute later is 22:00: the morning
    ((21, 50), 2, "+1 08:00"),  # 15 minutes later is 22:05: the morning
    ((7, 55), 1, "08:00"),  # 4 minutes later is 07:59: 08:00
    ((7, 56), 1, "08:00"),  # 4 minutes later is 08:00 exactly
])
def test_a_retry_after_a_back_off_never_lands_in_the_night(app, session, monkeypatch, failed_at,
                                                           attempts_before, next_local):
    def unavailable(r):
        raise GatewayError("isp.SYSTEM_ERROR", "try later", permanent=False)

    monkeypatch.setattr(outbox, "_send", unavailable)
    row = _row(session, due=at(*failed_at), attempts=attempts_before)
    assert outbox.deliver(row.id, at(*failed_at)) == "pending"
    nxt = _fresh(session, row).next_attempt_at
    days = 1 if next_local.startswith("+1") else 0
    assert local(nxt) == local(at(*map(int, next_local.removeprefix("+1 ").split(":")), days=days))


@pytest.mark.parametrize(("hour", "minute", "sent"), [(21, 59, True), (22, 0, False), (7, 59, False),
                                                      (8, 0, True)])
def test_a_supervisors_send_again_waits_for_eight_at_night(client, create_staff, login, session, outbox_lines,
                                                          monkeypatch, hour, minute, sent):
    row = _row(session, state="failed", attempts=5, last_error="isp.SYSTEM_ERROR: try later")
    now = at(hour, minute)
    monkeypatch.setattr(outbox, "utcnow", lambda: now)
    login(client, create_staff(role="supervisor"))
    response = client.post(f"/staff/messages/{row.id}/retry", data={"state": "failed"}, follow_redirects=True)
    current = _fresh(session, row)
    if sent:
        assert current.state == "sent" and len(outbox_lines()) == 1
    else:
        assert current.state == "pending" and outbox_lines() == []
        assert current.next_attempt_at == at(8, 0, days=1 if hour == 22 else 0)
        assert "08:00" in response.get_data(as_text=True)  # the supervisor is told when it will go


@pytest.mark.parametrize(("hour", "minute", "sent"), [(21, 59, True), (22, 0, False), (7, 59, False),
                                                      (8, 0, True)])
def test_the_sweep_after_an_outage_holds_what_would_go_at_night(app, session, outbox_lines, monkeypatch,
                                                                hour, minute, sent):
    # queued at 20:00 while no worker ran; the worker comes back and its sweep finds the row
    row = _row(session, due=at(20, 0) if hour >= 20 else at(20, 0, days=-1))
    now = at(hour, minute)
    monkeypatch.setattr(outbox, "utcnow", lambda: now)
    assert outbox.sweep(now) == 1
    current = _fresh(session, row)
    if sent:
        assert current.state == "sent" and len(outbox_lines()) == 1
    else:
        assert current.state == "pending" and outbox_lines() == []
        assert current.next_attempt_at == at(8, 0, days=1 if hour == 22 else 0)
        assert outbox.sweep(now + timedelta(seconds=30)) == 0  # held rows are not picked up again before 08:00
    assert session.scalars(select(Outbox.state)).all() == [current.state]


@pytest.fixture
def outbox_lines(outbox):
    return outbox
