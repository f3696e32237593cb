"""/contacts for a borrower with 10,000 contacts: in-process time of the first page, a page deep in the key-set
chain, and the staff breach report over the whole year (every contact judged).

Usage: .venv/bin/python bench/contacts.py [REQUESTS] [--database-url URL]   (default 50 per page; a temporary
SQLite database, or an empty PostgreSQL database given by URL, whose tables are created and dropped)
The contacts: 10,000 over 400 days (about 25 a day: calls answered and not, SMS, a family call now and then, three
agencies of which one is past and one unlisted), so the counting rules have full days to judge.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import metadata  # noqa: E402
from portal.orm import utcnow  # noqa: E402

N_CONTACTS = 10_000
PASSWORD = "bench-pass-2026"


def _seed(session) -> tuple[int, int]:
    from portal.accounts.models import Borrower, StaffUser  # noqa: F401
    from portal.accounts.services import create_staff
    from portal.agencies.services import AgencyValues, apply
    from portal.contacts.models import Contact
    from portal.loans.models import Loan
    from portal.security import hash_password

    borrower = Borrower(name="张伟", phone="13800138000", id_number="110101199003074514", address="北京",
                        locale="zh_Hans", password_hash=hash_password(PASSWORD))
    session.add(borrower)
    session.flush()
    loan = Loan(loan_ref="BENCH-C-1", borrower_id=borrower.id, product="消费贷", principal_fen=100000,
                annual_rate=Decimal("0.18"), penalty_daily_rate=Decimal("0.0005"), start_date=date(2025, 1, 1),
                source_digest="b")
    session.add(loan)
    apply(session, None, AgencyValues("AG-GZ02", "agency", "广州示例信息咨询有限公司", "", "91440101MA9DEM0029",
                                      ["02061234567"], date(2020, 1, 1), None))
    apply(session, None, AgencyValues("AG-SZ01", "agency", "深圳示例商务服务有限公司", "", "91440300MA5DEM003F",
                                      ["075566667777"], date(2020, 1, 1), date(2025, 12, 31)))
    session.flush()
    base = utcnow() - timedelta(days=400)
    agencies = ("AG-GZ02", "AG-SZ01", "", "AG-XX09")
    rows = [dict(contact_ref=f"B-{i}", loan_id=loan.id, at=base + timedelta(minutes=57 * i),
                 channel="sms" if i % 5 == 4 else "call", answered=i % 4 == 0, duration_s=30,
                 to_number="13900139000" if i % 37 == 0 else "13800138000",
                 to_party="family" if i % 37 == 0 else "borrower", from_number="02061234567", agent="GZ-1",
                 agency_code=agencies[i % 4], summary="", source_digest="b", imported_at=base)
            for i in range(N_CONTACTS)]
    session.execute(insert(Contact), rows)
    staff = create_staff("bench", "supervisor", PASSWORD)
    session.commit()
    return borrower.id, staff.id


def _time(client, path: str, n: int) -> tuple[float, float]:
    times = []
    for i in range(n + 5):
        start = time.perf_counter()
        answer = client.get(path)
        answer.get_data()
        if answer.status_code != 200:
            raise SystemExit(f"{path}: {answer.status_code}")
        if i >= 5:
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9)]


def main(n: int, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": url or f"sqlite:///{tmp}/bench.sqlite3", "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": False, "SMS_OUTBOX": f"{tmp}/sms.jsonl", "SECRET_KEY": "bench-c",
                          "QUEUE_URL": "immediate:"})
        with app.app_context():
            metadata.drop_all(db.engine)
            metadata.create_all(db.engine)
            borrower_id, staff_id = _seed(db.session)
            from portal.accounts.models import Borrower, StaffUser
            from portal.accounts.sessions import new_login_session

            borrower_token = new_login_session(db.session.get(Borrower, borrower_id))
            staff_token = new_login_session(db.session.get(StaffUser, staff_id))
            db.session.commit()
        client, staff = app.test_client(), app.test_client()
        for c, token in ((client, borrower_token), (staff, staff_token)):
            with c.session_transaction() as sess:
                sess["_user_id"], sess["_fresh"] = token, True
        # A page deep in the chain: follow "older" links 100 pages down (5,000 contacts in).
        path = "/contacts"
        for _ in range(100):
            body = client.get(path).get_data(as_text=True)
            path = "/contacts?after=" + body.split("/contacts?after=")[1].split('"')[0]
        today = date.today()
        report = f"/staff/reports?since={(today - timedelta(days=365)).isoformat()}&until={today.isoformat()}"
        print(f"{N_CONTACTS} contacts, {n} requests each after 5 warm-up ({app.config['DATABASE_URL'].split(':')[0]})")
        print(f"{'page':<44} {'median ms':>10} {'p90 ms':>8}")
        for label, c, p in (("/contacts (newest 50)", client, "/contacts"),
                            ("/contacts?after=… (page 101)", client, path),
                            ("/staff/borrowers/<id>/contacts", staff, f"/staff/borrowers/{borrower_id}/contacts"),
                            ("/staff/reports (365 days, all contacts judged)", staff, report)):
            median, p90 = _time(c, p, n if "reports" not in p else max(n // 10, 3))
            print(f"{label:<44} {median:>10.1f} {p90:>8.1f}")
        with app.app_context():
            if url:
                metadata.drop_all(db.engine)
            db.engine.dispose()


if __name__ == "__main__":
    args = sys.argv[1:]
    database_url = None
    if "--database-url" in args:
        i = args.index("--database-url")
        database_url = args[i + 1]
        del args[i:i + 2]
    main(int(args[0]) if args else 50, database_url)
