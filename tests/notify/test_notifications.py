"""Every notification a person expects goes through the outbox in the recipient's script, with the parameters of
its kind; a refused or rolled-back change sends nothing."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.notify.texts import render_sms
from portal.i18n import local_today
from portal.orm import utcnow
from tests.plans.conftest import BUDGET, overdue_loan, propose  # noqa: F401 - fixtures
from tests.plans.test_staff import fresh, staff_client
from tests.visits.conftest import make_visit, roster, window, workday  # noqa: F401 - fixtures

SCRIPTS = pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
OTHER = {"zh_Hans": "zh_Hant", "zh_Hant": "zh_Hans"}


def in_script(app, sms: dict, locale: str) -> bool:
    """The text is this kind's text in ``locale`` with these parameters, not the other script's."""
    with app.app_context():
        mine = render_sms(sms["template"], locale, sms["params"])
        other = render_sms(sms["template"], OTHER[locale], sms["params"])
    return sms["locale"] == locale and sms["text"] == mine and mine != other


def kinds(outbox) -> list[str]:
    return [x["template"] for x in outbox()]


# ---- accounts ------------------------------------------------------------------------------------------------

@SCRIPTS
def test_activation_reset_and_already_active(app, client, create_borrower, outbox, locale):
    new = create_borrower(activated=False, locale=locale)
    client.post("/activate", data={"phone": new.phone, "id_tail": new.id_number[-6:]})
    code = outbox()[-1]
    assert code["template"] == "account_code" and code["to"] == new.phone and in_script(app, code, locale)
    assert re.fullmatch(r"\d{6}", code["params"]["code"])
    active = create_borrower(locale=locale)
    client.post("/activate", data={"phone": active.phone, "id_tail": active.id_number[-6:]})
    assert outbox()[-1]["template"] == "account_active" and in_script(app, outbox()[-1], locale)
    client.post("/password/reset", data={"phone": active.phone})
    reset = outbox()[-1]
    assert reset["template"] == "account_code" and reset["to"] == active.phone and in_script(app, reset, locale)


# ---- visits --------------------------------------------------------------------------------------------------

@SCRIPTS
def test_visit_messages(app, client, login, create_staff, create_borrower, create_loan, make_visit, roster, outbox,
                        locale):
    login(client, create_staff(role="agent"))
    borrower = create_borrower(locale=locale)
    loan = create_loan(borrower, start=utcnow().date() - timedelta(days=120))
    day = workday(5)
    r = client.post(f"/staff/visits/new?loan={loan.loan_ref}", data={
        "address": "北京市东城区", "day": day.isoformat(), "start": "10:00", "end": "12:00", "purpose": "核实地址",
        "visitors": [str(roster[0].id), str(roster[1].id)]})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    proposed = outbox()[-1]
    assert proposed["template"] == "visit_proposed" and proposed["to"] == borrower.phone
    assert re.search(r"/visits/\d+$", proposed["params"]["url"]) and in_script(app, proposed, locale)
    visit_id = int(proposed["params"]["url"].rsplit("/", 1)[1])

    new_start, new_end = window(workday(7), 12, 3)
    moved = make_visit(loan, state="reschedule_requested", requested_start=new_start, requested_end=new_end,
                       reschedule_count=1, code="XYZ234")
    client.post(f"/staff/visits/{moved.id}/schedule", data={"schedule-version": str(moved.version)})
    assert outbox()[-1]["template"] == "visit_rescheduled" and in_script(app, outbox()[-1], locale)

    remote = make_visit(loan, state="remote_requested", code="RMT234", when=window(workday(9), 10))
    client.post(f"/staff/visits/{remote.id}/decline-remote", data={"decline-version": str(remote.version),
                                                                  "decline-reason": "需要核对房产证原件"})
    assert outbox()[-1]["template"] == "visit_remote_declined" and in_script(app, outbox()[-1], locale)

    client.post(f"/staff/visits/{visit_id}/cancel", data={"cancel-version": "1", "cancel-reason": "借款人已还款"})
    assert outbox()[-1]["template"] == "visit_cancelled" and in_script(app, outbox()[-1], locale)

    # yesterday 10:00-12:00 local: past at any hour, and the record's times fall on the visit's day
    start, end = window(local_today() - timedelta(days=1), 10)
    held = make_visit(loan, state="confirmed", when=(start, end), code="HLD234")
    local = start
    client.post(f"/staff/visits/{held.id}/record", data={
        "record-version": str(held.version), "record-held": "yes", "record-arrived": local.strftime("%H:%M"),
        "record-departed": (local + timedelta(minutes=30)).strftime("%H:%M"), "record-met": "本人",
        "record-identity_shown": "yes", "record-outcome": "核实完毕", "record-next_step": "提交方案"})
    recorded = outbox()[-1]
    assert recorded["template"] == "visit_recorded" and recorded["params"]["url"].endswith(f"/visits/{held.id}")
    assert in_script(app, recorded, locale)
    assert kinds(outbox) == ["visit_proposed", "visit_rescheduled", "visit_remote_declined", "visit_cancelled",
                             "visit_recorded"]


def test_a_refused_visit_change_sends_nothing(app, client, login, create_staff, create_borrower, create_loan,
                                              make_visit, outbox):
    login(client, create_staff(role="agent"))
    visit = make_visit(create_loan(create_borrower()))
    client.post(f"/staff/visits/{visit.id}/cancel", data={"cancel-version": str(visit.version + 5),
                                                         "cancel-reason": "借款人已还款"})  # stale: refused
    assert outbox() == []


# ---- plans ---------------------------------------------------------------------------------------------------

@SCRIPTS
def test_plan_messages(app, client, login, create_staff, create_borrower, overdue_loan, propose, outbox, locale):
    borrower = create_borrower(locale=locale)
    loan = overdue_loan(borrower)
    login(client, borrower)
    p = fresh(propose(loan, budget=dict(BUDGET)))
    boss = staff_client(app, login, create_staff(role="supervisor"))
    boss.post(f"/staff/plans/{p.id}/review", data={"review-version": p.version})
    p = fresh(p)
    data = {"counter-version": p.version, "counter-kind": "instalments", "counter-months": "12", "send": "0"}
    digest = boss.post(f"/staff/plans/{p.id}/counter", data=data).get_data(as_text=True) \
        .split('name="digest" value="')[1].split('"')[0]
    boss.post(f"/staff/plans/{p.id}/counter", data=dict(data, send="1", digest=digest))
    counter = outbox()[-1]
    assert counter["template"] == "plan_counter" and counter["params"]["url"].endswith(f"/plans/{p.id}")
    assert counter["params"]["ref"] == loan.loan_ref and in_script(app, counter, locale)
    p = fresh(p)
    assert client.post(f"/plans/{p.id}/accept", data={"version": p.version}).status_code == 302
    agreed = outbox()[-1]
    assert agreed["template"] == "plan_agreed" and in_script(app, agreed, locale)
    assert agreed["params"]["url"] == app.config["BASE_URL"] + f"/plans/{p.id}"
    assert agreed["text"].endswith(agreed["params"]["url"])

    other_loan = overdue_loan(borrower)
    q = fresh(propose(other_loan, budget=dict(BUDGET)))
    boss.post(f"/staff/plans/{q.id}/review", data={"review-version": q.version})
    q = fresh(q)
    boss.post(f"/staff/plans/{q.id}/decline", data={"decline-version": q.version,
                                                     "decline-reason": "missing_information",
                                                     "decline-note": "请补充收入证明"})
    declined = outbox()[-1]
    assert declined["template"] == "plan_declined" and in_script(app, declined, locale)
    assert declined["params"]["url"] == app.config["BASE_URL"] + f"/plans/{q.id}"
    assert declined["text"].endswith(declined["params"]["url"])
    assert kinds(outbox) == ["plan_counter", "plan_agreed", "plan_declined"]


# ---- complaints and third-party reports ------------------------------------------------------------------

@SCRIPTS
def test_complaint_messages_to_a_borrower(app, client, login, create_borrower, create_staff, make_complaint, outbox,
                                          locale):
    from portal.complaints import rules, services
    from portal.complaints.models import Complaint

    borrower = create_borrower(locale=locale)
    c = make_complaint(borrower, locale=locale, contact_phone=borrower.phone)
    assert outbox() == []  # the borrower sees it in the portal at once
    staff = create_staff(role="supervisor")

    def act(fn, *args, **kw):
        with app.test_request_context():
            complaint = db.session.get(Complaint, c.id)
            fn(complaint, *args, actor=db.session.merge(staff), **kw)
            db.session.commit()
        return outbox()[-1]

    ack = act(services.change_state, rules.ACKNOWLEDGED)
    assert ack["template"] == "complaint_acknowledged" and ack["to"] == borrower.phone and in_script(app, ack, locale)
    assert ack["params"]["url"].endswith(f"/complaints/{c.reference}")
    assert act(services.change_state, rules.INVESTIGATING)["template"] == "complaint_acknowledged"  # nothing new
    ext = act(services.extend, "需要调取通话录音。")
    # the staff's free text stays out of the SMS (its script, its length, a gateway variable's limit): the SMS
    # gives the new date and the link, and the complaint page says why
    assert ext["template"] == "complaint_extended" and set(ext["params"]) == {"ref", "date", "url"}
    assert "需要调取通话录音" not in ext["text"] and "。。" not in ext["text"]
    assert ext["params"]["date"] in ext["text"] and ext["params"]["url"] in ext["text"] and in_script(app, ext, locale)
    login(client, borrower)
    page = client.get(ext["params"]["url"].removeprefix(app.config["BASE_URL"])).get_data(as_text=True)
    assert "需要调取通话录音" in page
    reply = act(services.reply, "我们已联系催收机构核实。")
    assert reply["template"] == "complaint_reply" and in_script(app, reply, locale)
    decided = act(services.change_state, rules.RESOLVED, outcome="upheld_corrected", explanation="已道歉并纠正")
    assert decided["template"] == "complaint_decided" and in_script(app, decided, locale)
    assert kinds(outbox) == ["complaint_acknowledged", "complaint_extended", "complaint_reply", "complaint_decided"]


@SCRIPTS
def test_a_third_party_who_chose_sms_gets_the_reference_and_each_change(app, create_staff, make_complaint, outbox,
                                                                       locale):
    from portal.complaints import rules, services
    from portal.complaints.models import Complaint

    c = make_complaint(locale=locale)  # a third party who chose SMS
    received = outbox()[-1]
    assert received["template"] == "report_received" and received["to"] == "13700137001"
    assert received["params"] == {"ref": c.reference, "url": app.config["BASE_URL"] + "/report/status"}
    assert c.secret not in received["text"]
    assert in_script(app, received, locale)
    staff = create_staff(role="agent")
    with app.test_request_context():
        services.change_state(db.session.get(Complaint, c.id), rules.ACKNOWLEDGED, db.session.merge(staff))
        db.session.commit()
        services.change_state(db.session.get(Complaint, c.id), rules.INVESTIGATING, db.session.merge(staff))
        db.session.commit()
    ack, moved = outbox()[-2:]
    assert ack["template"] == "complaint_acknowledged" and ack["params"]["url"].endswith("/report/status")
    assert moved["template"] == "report_updated" and moved["params"]["state"] in moved["text"]
    assert in_script(app, moved, locale) and all(c.secret not in x["text"] for x in outbox())


def test_a_third_party_who_chose_phone_gets_no_sms(app, make_complaint, outbox):
    make_complaint(preferred_contact="phone")
    assert outbox() == []


# ---- night hold ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("local", "held_until"), [
    ("2026-12-01 21:59", None), ("2026-12-01 22:00", "2026-12-02 08:00"), ("2026-12-02 03:15", "2026-12-02 08:00"),
    ("2026-12-02 07:59", "2026-12-02 08:00"), ("2026-12-02 08:00", None), ("2026-12-31 23:00", "2027-01-01 08:00")])
def test_night_hold_waits_until_eight_local_time(local, held_until):
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from portal.notify.events import night_hold

    tz = ZoneInfo("Asia/Shanghai")
    now = datetime.strptime(local, "%Y-%m-%d %H:%M").replace(tzinfo=tz).astimezone(timezone.utc)
    expected = held_until and datetime.strptime(held_until, "%Y-%m-%d %H:%M").replace(tzinfo=tz)
    assert night_hold(now, tz) == expected


def test_at_night_codes_go_out_and_other_messages_wait_for_eight(app, client, login, monkeypatch, create_staff,
                                                               create_borrower, make_complaint, outbox):
    from datetime import datetime, time, timedelta, timezone
    from zoneinfo import ZoneInfo

    from portal.complaints import rules, services
    from portal.complaints.models import Complaint
    from portal.notify import events

    # The next 23:30 in Shanghai: the held message is due at a real time still to come, whenever the suite runs.
    shanghai = ZoneInfo("Asia/Shanghai")
    today = datetime.now(shanghai).date()
    night = datetime.combine(today + timedelta(days=1), time(23, 30), tzinfo=shanghai).astimezone(timezone.utc)
    eight = datetime.combine(today + timedelta(days=2), time(8, 0), tzinfo=shanghai).astimezone(timezone.utc)
    monkeypatch.setattr(events, "utcnow", lambda: night)
    borrower = create_borrower(activated=False)
    client.post("/activate", data={"phone": borrower.phone, "id_tail": borrower.id_number[-6:]})
    assert kinds(outbox) == ["account_code"]  # a code goes out at once, also at night
    c = make_complaint(create_borrower())
    held = []
    monkeypatch.setattr(events, "queue_sms", _recording(events.queue_sms, held))
    with app.test_request_context():
        services.change_state(db.session.get(Complaint, c.id), rules.ACKNOWLEDGED, db.session.merge(create_staff()))
        db.session.commit()
    assert kinds(outbox) == ["account_code"]  # the acknowledgement waits
    assert [row.next_attempt_at for row in held] == [eight]  # 08:00 local


def _recording(fn, into: list):
    def wrapper(*args, **kw):
        row = fn(*args, **kw)
        into.append(row)
        return row
    return wrapper
