"""Demo data requests for ``seed-demo``: one open correction (张伟) and one answered deletion (陳美玲)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from portal.accounts.models import Borrower, StaffUser
from portal.privacy import rules
from portal.privacy.models import DataRequest

# (phone, kind, detail, days ago, answer or None)
REQUESTS = [
    ("13800138000", rules.CORRECTION, "我已搬家，新地址是北京市朝阳区建国路 88 号 3 单元 502。", 3, None),
    ("13900139000", rules.DELETION, "請刪除我在投訴裡上傳的第二張照片，那張拍到了我的孩子。", 12,
     "已刪除您指定的照片；投訴本身和其他證據按保存規則保留。"),
]


def seed(session, today: date) -> None:
    if session.scalar(select(DataRequest.id).limit(1)) is not None:
        return
    agent = session.scalar(select(StaffUser).where(StaffUser.username == "agent"))
    for phone, kind, detail, days_ago, answer in REQUESTS:
        borrower = session.scalar(select(Borrower).where(Borrower.phone == phone))
        if borrower is None:
            continue
        received_on = today - timedelta(days=days_ago)
        received = datetime.combine(received_on, time(2, 30), tzinfo=timezone.utc)
        item = DataRequest(borrower_id=borrower.id, kind=kind, detail=detail, received_at=received,
                           due_on=rules.due_on(received_on))
        if answer:
            item.state, item.answer = rules.DONE, answer
            item.answered_at = received + timedelta(days=2)
            item.answered_by_id = agent.id if agent else None
        session.add(item)
