"""Demo borrowers and loans for ``seed-demo``, built as import lines so they take the real import path."""
from __future__ import annotations

import io
import json
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from stdnum.cn import ric

from portal.loans.importer import import_lines

DEMO_PASSWORD = "demo-pass-2026"


def demo_id_number(birth: str, seq: int) -> str:
    body = "110101" + birth + f"{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # the function ignores the last character


def _monthly(start: date, months: int) -> list[date]:
    out = []
    for i in range(1, months + 1):
        y, m = divmod(start.month - 1 + i, 12)
        out.append(date(start.year + y, m + 1, min(start.day, 28)))
    return out


def loan_record(loan_ref: str, borrower: dict, principal: str, months: int, start: date,
                paid_instalments: Decimal, annual_rate: str = "0.18", product: str = "消费贷",
                today: date | None = None) -> dict:
    """An equal-principal schedule; ``paid_instalments`` (e.g. 2.5) says how much has been paid on time (a part
    of an instalment not yet due was paid early: on the day before ``today`` at the latest, never in the future)."""
    total = Decimal(principal)
    per = (total / months).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    rate = Decimal(annual_rate) / 12
    schedule, remaining = [], total
    for i, due in enumerate(_monthly(start, months)):
        p = per if i < months - 1 else remaining
        interest = (remaining * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        schedule.append({"due_date": due.isoformat(), "principal": f"{p:.2f}", "interest": f"{interest:.2f}",
                         "fee": "0.00"})
        remaining -= p
    payments = []
    whole = int(paid_instalments)
    for item in schedule[:whole]:
        payments.append({"paid_on": item["due_date"],
                         "amount": f"{Decimal(item['principal']) + Decimal(item['interest']):.2f}"})
    if paid_instalments > whole and whole < len(schedule):
        item = schedule[whole]
        part = ((Decimal(item["principal"]) + Decimal(item["interest"])) * (paid_instalments - whole))
        paid_on = date.fromisoformat(item["due_date"])
        if today is not None:
            paid_on = min(paid_on, today - timedelta(days=1))
        payments.append({"paid_on": paid_on.isoformat(), "amount": f"{part.quantize(Decimal('0.01')):.2f}"})
    return {"loan_ref": loan_ref, "product": product, "borrower": borrower, "principal": principal,
            "annual_rate": annual_rate, "penalty_daily_rate": "0.0005", "start_date": start.isoformat(),
            "schedule": schedule, "payments": payments}


def demo_borrowers() -> list[dict]:
    return [
        {"name": "张伟", "phone": "13800138000", "id_number": demo_id_number("19850312", 11),
         "address": "北京市东城区东直门南大街 3 号 1 单元 502 室", "locale": "zh_Hans", "activated": True},
        {"name": "陳美玲", "phone": "13900139000", "id_number": demo_id_number("19780621", 22),
         "address": "广东省深圳市福田区福华路 88 号 12 楼 B 座", "locale": "zh_Hant", "activated": True},
        {"name": "李娜", "phone": "13700137000", "id_number": demo_id_number("19920905", 33),
         "address": "四川省成都市武侯区人民南路四段 17 号", "locale": "zh_Hans", "activated": True},
        {"name": "王芳", "phone": "13600136000", "id_number": demo_id_number("19650118", 44),
         "address": "上海市浦东新区张杨路 500 号 2 号楼 1101 室", "locale": "zh_Hans", "activated": False},
    ]


def demo_lines(today: date) -> list[str]:
    b = {x["phone"]: {k: v for k, v in x.items() if k != "activated"} for x in demo_borrowers()}
    zhang, chen, li, wang = (b[p] for p in ("13800138000", "13900139000", "13700137000", "13600136000"))

    def started(days_overdue: int, paid: int) -> date:
        """A start date so that instalment ``paid + 1`` fell due ``days_overdue`` days ago."""
        first_unpaid_due = today - timedelta(days=days_overdue)
        return first_unpaid_due - timedelta(days=31 * (paid + 1))

    records = [
        loan_record("L2025000101", zhang, "12000.00", 12, started(12, 3), Decimal("3.5"), today=today),
        loan_record("L2025000102", zhang, "3000.00", 6, started(70, 1), Decimal("1"), product="分期购物贷"),
        loan_record("L2024000201", chen, "24000.00", 24, started(75, 5), Decimal("5")),
        loan_record("L2023000301", li, "8000.00", 12, started(130, 2), Decimal("2.3"), annual_rate="0.239",
                    today=today),
        loan_record("L2025000401", wang, "6000.00", 6, started(45, 0), Decimal("0")),
        # not yet overdue, one instalment paid on time and part of the next paid early
        loan_record("L2026000202", chen, "5000.00", 10, today - timedelta(days=45), Decimal("1.4"),
                    product="分期購物貸", today=today),
    ]
    return [json.dumps(r, ensure_ascii=False) for r in records]


def seed(session, today: date) -> None:
    """Import the demo loans and activate the demo accounts."""
    from portal.accounts.models import Borrower
    from portal.security import hash_password
    from sqlalchemy import select

    report = import_lines(session, io.StringIO("\n".join(demo_lines(today))))
    if report.rejected:
        raise RuntimeError(f"demo data rejected: {report.rejected}")
    password_hash = hash_password(DEMO_PASSWORD)
    for info in demo_borrowers():
        borrower = session.scalar(select(Borrower).where(Borrower.phone == info["phone"]))
        if info["activated"] and borrower.password_hash is None:
            borrower.password_hash = password_hash
            borrower.activated_at = borrower.created_at
    session.commit()
