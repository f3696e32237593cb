"""Demo visitor roster (with generated avatar photos) and visits for the demo borrowers.

A loan has at most one open visit (``portal.visits.rules``: one visit at a time), so the demo shows the open states
one per loan -- 张伟's visit today (confirmed), 李娜's that she asked to move (waiting for staff) -- next to closed
ones (completed, missed and disputed, cancelled by an agreed plan).

Today's visit of 张伟 (13800138000) has the code ``DEMO_CODE``; visitor ``DEMO_BADGE`` is assigned to it, so
``/verify-visitor`` answers yes for that pair today.
"""
from __future__ import annotations

import struct
import zlib
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal.accounts.models import StaffUser
from portal.loans.models import Loan
from portal.visits.models import Visit, VisitAnswer, Visitor, VisitRecord
from portal.visits.rules import is_public_holiday

# The visits' reason as staff write it, in the borrower's script (the demo's staff write to a zh_Hant borrower in
# Traditional).
PURPOSE = {"zh_Hans": "核实居住地址，并当面说明还款方案的选择。", "zh_Hant": "核實居住地址，並當面說明還款方案的選擇。"}
DEMO_CODE = "HX4K7P"
DEMO_BADGE = "BJ1024"
ROSTER = [("刘强", "BJ1024", (46, 94, 140)), ("周敏", "BJ1025", (140, 70, 46)),
          ("赵磊", "GD2048", (46, 120, 80)), ("孙丽", "GD2049", (110, 60, 130)), ("吴刚", "SC3072", None)]


def avatar_png(rgb: tuple[int, int, int], size: int = 96) -> bytes:
    """A plain head-and-shoulders silhouette on a coloured background, as a PNG."""
    light = tuple(min(255, c + 120) for c in rgb)
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            head = (x - size / 2) ** 2 + (y - size * 0.38) ** 2 <= (size * 0.18) ** 2
            body = y > size * 0.62 and ((x - size / 2) / (size * 0.36)) ** 2 + ((y - size) / (size * 0.4)) ** 2 <= 1
            row += bytes(light if head or body else rgb)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows)))
            + chunk(b"IEND", b""))


def _save_avatar(rgb) -> str:
    from portal.visits.photos import store_photo

    return store_photo(avatar_png(rgb), "png")


def _workday(day: date) -> date:
    while is_public_holiday(day):
        day += timedelta(days=1)
    return day


def seed(session, today: date) -> None:
    from portal.i18n import lender_tz

    if session.scalar(select(Visitor.id).limit(1)) is not None:
        return
    tz = lender_tz()
    now = datetime.now(tz)
    visitors = [Visitor(name=n, badge_number=b, photo_name=_save_avatar(rgb) if rgb else None, active=True)
                for n, b, rgb in ROSTER]
    visitors.append(Visitor(name="郑伟", badge_number="BJ0999", active=False))  # left the lender
    session.add_all(visitors)
    staff = session.scalar(select(StaffUser).order_by(StaffUser.id))
    # Visits only on loans past the day from which their timeline says one may be proposed (60 days overdue).
    loans = {ref: session.scalar(select(Loan).where(Loan.loan_ref == ref))
             for ref in ("L2025000102", "L2024000201", "L2023000301")}
    if any(loan is None for loan in loans.values()):
        return
    pair_bj, pair_gd = visitors[0:2], visitors[2:4]

    def at(day: date, start: int, hours: int = 3) -> tuple[datetime, datetime]:
        begin = datetime.combine(day, time(start), tzinfo=tz)
        return begin, begin + timedelta(hours=hours)

    def visit(ref: str, state: str, when, team, **kw) -> Visit:
        loan = loans[ref]
        proposed_at = min(now, when[0] - timedelta(days=4))  # proposed with more than the 3 days' notice
        v = Visit(loan=loan, address=loan.borrower.address, window_start=when[0], window_end=when[1],
                  created_at=proposed_at,
                  purpose=kw.pop("purpose", PURPOSE.get(loan.borrower.locale, PURPOSE["zh_Hans"])), state=state,
                  code=kw.pop("code", None) or _code(), proposed_by=staff, visitors=list(team), **kw)
        session.add(v)
        return v

    confirmed = visit("L2025000102", "confirmed", at(today, 14), pair_bj, code=DEMO_CODE,
                      family_contact_allowed=False)
    done = visit("L2025000102", "completed", at(today - timedelta(days=3), 9), pair_bj, family_contact_allowed=True)
    # 陳美玲's loan has had an agreed repayment plan for nine days, which replaces the collection steps: its only
    # visit was cancelled, none is waiting for her answer (portal.plans.demo).
    visit("L2024000201", "cancelled", at(today - timedelta(days=10), 9), pair_gd)
    # 李娜's one open visit: she asked to move it, staff have not answered yet
    asked = visit("L2023000301", "reschedule_requested", at(_workday(today + timedelta(days=4)), 9), pair_bj,
                  reschedule_count=1)
    asked.requested_start, asked.requested_end = at(_workday(today + timedelta(days=8)), 15)
    missed = visit("L2023000301", "missed", at(today - timedelta(days=5), 15), pair_bj)
    session.flush()

    def answer(v: Visit, kind: str, detail: str = "", when: datetime | None = None, **slot) -> None:
        """What the borrower's answer writes in the real flow (visits.services._answer): the answer row, which the
        visit's page, the queue and the supervisor report read, and the time of the latest answer (by default a
        day after the proposal)."""
        v.answered_at = min(now, when or v.created_at + timedelta(days=1))
        session.add(VisitAnswer(visit_id=v.id, kind=kind, detail=detail, created_at=v.answered_at, **slot))

    # The states and choices set above are each the result of an answer (services.confirm, set_family_contact,
    # request_reschedule, request_remote, answer_record): without its row, the visit's page would say "no answer
    # yet" under "confirmed" and the report would count no confirmation.
    answer(confirmed, "family", "no")
    answer(confirmed, "confirm")
    answer(done, "family", "yes")
    # when the borrower answered is what the staff home counts their waiting from (never before the proposal)
    answer(asked, "reschedule", slot_start=asked.requested_start, slot_end=asked.requested_end)
    if staff is not None:
        session.add(VisitRecord(visit_id=done.id, held=True, arrived_at=done.window_start + timedelta(minutes=20),
                                departed_at=done.window_start + timedelta(minutes=55), met="借款人本人",
                                identity_shown=True, outcome="地址核实无误，借款人说明近期收入减少。",
                                next_step="借款人将在门户提交分期还款方案。", recorded_by_id=staff.id))
        session.add(VisitRecord(visit_id=missed.id, held=False, arrived_at=missed.window_start + timedelta(minutes=10),
                                departed_at=missed.window_start + timedelta(minutes=25), met="无人应门",
                                identity_shown=True, outcome="无人在家，未留下任何字条。",
                                next_step="通过短信联系借款人另约时间。", recorded_by_id=staff.id))
        session.flush()
        # The dispute goes through the real path (visits.services.answer_record): it opens the linked complaint
        # (the complaints domain's handler), as a borrower's dispute does.
        from portal.visits.services import answer_record

        answer_record(missed.loan.borrower, missed, missed.version, dispute_text="那天下午我一直在家，没有人敲门。")
    session.flush()


def _code() -> str:
    from portal.visits.rules import new_visit_code

    return new_visit_code()
