"""Demo complaints: every state, one due today, one past its deadline, one extended, one third-party report."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal.accounts.models import Borrower, StaffUser
from portal.complaints import rules, services
from portal.complaints.models import Complaint, ComplaintEvent, ComplaintExtension, ComplaintMessage
from portal.i18n import lender_tz


# The demo third-party report can be followed at /report/status with its reference and this secret.
DEMO_REPORT_SECRET = "DEMX-REPT-2K26-FAMY"


def _at(today: date, days_ago: int, hour: int = 10) -> datetime:
    return datetime.combine(today - timedelta(days=days_ago), time(hour), tzinfo=lender_tz())


def seed(session, today: date) -> None:
    if session.scalar(select(Complaint.id).limit(1)) is not None:
        return
    people = {b.phone: b for b in session.scalars(select(Borrower))}
    agent = session.scalar(select(StaffUser).where(StaffUser.role == "agent").order_by(StaffUser.id))
    zhang, chen, li = people.get("13800138000"), people.get("13900139000"), people.get("13700137000")

    def make(borrower, days_ago, categories, channel, text, state="received", **extra):
        filing = services.Filing(categories=categories, channel=channel, what_happened=text,
                                 occurred_on=today - timedelta(days=days_ago + 1), locale=extra.pop("locale", "zh_Hans"),
                                 preferred_contact="portal" if borrower else "sms", **extra)
        complaint, _secret = services.file_complaint(filing, borrower=borrower, now=_at(today, days_ago),
                                                     secret=None if borrower else DEMO_REPORT_SECRET)
        complaint.state = state
        if state != "received":
            complaint.acknowledged_at = _at(today, days_ago - 1 if days_ago else 0, 11)
            complaint.assignee_id = agent.id if agent else None
            complaint.events.append(ComplaintEvent(kind="acknowledged", at=complaint.acknowledged_at))
        if state in ("investigating", "resolved", "not_upheld"):
            complaint.events.append(ComplaintEvent(kind="investigating", at=complaint.acknowledged_at))
        return complaint

    if zhang is not None:
        make(zhang, 0, ["night_or_frequent"], "phone", "昨晚 23:10 和今天早上 6:50 都有人打电话催款，一天打了十几次。",
             collector_phone="02155550000", outcome_wanted="只在白天联系我，并且不要再频繁打电话。")
        due_today = make(zhang, 15, ["third_parties", "disclosure"], "phone",
                         "催收员打电话给我单位的同事，告诉他们我欠钱不还。", state="investigating",
                         collector_name="刘某", collector_badge="C-2031")
        if agent is not None:
            due_today.messages.append(ComplaintMessage(author_kind="staff", staff_id=agent.id,
                                                       body="您好，我们已调取当天的通话记录，正在核实。",
                                                       at=_at(today, 12)))
    if chen is not None:
        make(chen, 1, ["visit_conduct", "home_entry"], "visit", "兩個人沒有出示證件就來敲門，還不肯離開。",
             state="acknowledged", locale="zh_Hant", collector_name="不詳")
        make(chen, 20, ["false_statements"], "sms", "短信說如果今天不還款就會被起訴坐牢。",
                       state="investigating", locale="zh_Hant")
    if li is not None:
        resolved = make(li, 30, ["insults"], "phone", "催收员在电话里骂我，说我是骗子。", state="resolved")
        resolved.decided_at = _at(today, 18)
        resolved.outcome_category = "upheld_staff_action"
        resolved.outcome_explanation = "经核实通话录音，该催收员用语不当。已停止其催收工作并向您道歉。"
        resolved.response = "accepted"
        resolved.responded_at = _at(today, 17)
        resolved.events += [ComplaintEvent(kind="resolved", at=resolved.decided_at),
                            ComplaintEvent(kind="accepted", at=resolved.responded_at)]
        extended = make(li, 25, ["excess_demand"], "app", "要求我另外支付 500 元“上门费”。", state="investigating")
        if agent is not None:
            extended.extension_level = 1
            extended.decide_due = rules.decide_by(rules.local_date(extended.received_at, lender_tz()), 1)
            extended.extensions.append(ComplaintExtension(level=1, reason="需要外包机构提供收费记录。",
                                                          staff_id=agent.id, new_due=extended.decide_due))
            extended.events.append(ComplaintEvent(kind="extended", detail="需要外包机构提供收费记录。",
                                                  at=_at(today, 12)))
        refused = make(li, 40, ["threats"], "phone", "对方说要去我老家找我父母。", state="not_upheld")
        refused.decided_at = _at(today, 28)
        refused.outcome_category = "not_upheld_no_evidence"
        refused.outcome_explanation = "我们调取了当天全部通话录音，没有找到相关内容。如有录音请补充。"
        refused.response = "not_satisfied"
        refused.responded_at = _at(today, 27)
        refused.decision_seen_at = _at(today, 28)
        refused.review_requested_at = refused.responded_at
        refused.review_reason = "那通电话是用私人号码打的，不在你们调取的录音里。请查这个号码。"
        refused.events += [ComplaintEvent(kind="not_upheld", at=refused.decided_at),
                           ComplaintEvent(kind="not_satisfied", at=refused.responded_at)]
    make(None, 2, ["third_parties", "threats"], "phone", "有人打电话给我，说我儿子欠钱，如果不替他还就去我家。",
         reporter_name="王阿姨", reporter_relation="parent", contact_phone="13500135000", debtor_name="王小明")
    session.flush()
