"""Throughput of the lender API, in process (Flask test client: the whole request stack -- token check, rate
limit, JSON parsing, validation, the importer's rules, the commit -- without a network or a WSGI server).

Usage:
    .venv/bin/python bench/api.py                                  # a fresh SQLite database in a temp folder
    PYTHONPATH=. PORTAL_PG_PORT=54451 bash tools/pg-test.sh sh -c \\
      'PORTAL_DATABASE_URL=$PORTAL_TEST_DATABASE_URL .venv/bin/python bench/api.py [--load /tmp/scale-1m.jsonl]'
``--fresh`` drops and recreates every table first; ``--load`` bulk-loads a ``generate-data`` file first (``load-scale-data``), so the numbers are taken against that
many borrowers. Measures, one client at a time:
- ``PUT /api/v1/loans/<ref>``: N new loans one request each (loans/s), then the same N again (unchanged, loans/s);
- ``POST /api/v1/loans``: batches of 1,000 new loans (loans/s), then the same batches again (unchanged);
- ``GET /api/v1/events``: the feed read from the start in pages of 1,000 (events/s) after writing E events.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # this checkout's portal

from sqlalchemy import func, select, text  # noqa: E402

from portal.accounts.models import Borrower  # noqa: E402


def _id_number(n: int) -> str:
    """A valid resident ID number per n (born 1986 onwards), apart from the ones generate-data makes."""
    from datetime import date, timedelta

    from stdnum.cn import ric

    body = f"110101{date(1986, 1, 1) + timedelta(days=n // 1000):%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def _loan(n: int) -> dict:
    return {"loan_ref": f"APIB{n:08d}", "product": "消费贷",
            "borrower": {"name": "测试", "phone": f"177{90_000_000 + n:08d}", "id_number": _id_number(n),
                         "address": "北京市东城区", "locale": "zh_Hans"},
            "principal": "3000.00", "annual_rate": "0.18", "penalty_daily_rate": "0.0005",
            "start_date": "2026-01-15",
            "schedule": [{"due_date": f"2026-0{m + 1}-15", "principal": "1000.00", "interest": "45.00",
                          "fee": "0.00"} for m in range(1, 4)],
            "payments": [{"paid_on": "2026-02-14", "amount": "1045.00"}]}


_CPU = [0.0]


def _rate(count: int, seconds: float) -> str:
    """Per wall-clock second, and per CPU second of this process (stable on a busy machine; excludes the
    PostgreSQL server's own CPU)."""
    cpu, _CPU[0] = time.process_time() - _CPU[0], time.process_time()
    return f"{count / seconds:,.0f}/s wall, {count / max(cpu, 1e-9):,.0f}/CPU-s ({count:,} in {seconds:.2f} s)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--load", help="a generate-data file to bulk-load first (into a fresh database)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate every table first")
    parser.add_argument("--single", type=int, default=500, help="loans sent one PUT each")
    parser.add_argument("--batches", type=int, default=5, help="batches of 1,000 loans")
    parser.add_argument("--events", type=int, default=20_000, help="events written before reading the feed")
    args = parser.parse_args()
    if not os.environ.get("PORTAL_DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="bench-api-")
        os.environ["PORTAL_DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ.setdefault("PORTAL_INSTANCE_PATH", folder)
    os.environ.setdefault("PORTAL_API_RATE_LIMIT", "1000000 per minute")
    from portal import create_app
    from portal.api import tokens
    from portal.events import emit
    from portal.extensions import db
    from portal.models import metadata

    app = create_app({"API_TOKEN_RATE_LIMIT": "1000000 per minute"})
    with app.app_context():
        if args.fresh:
            metadata.drop_all(db.engine)
        metadata.create_all(db.engine)
    if args.load:
        subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "load-scale-data", args.load], check=True)
    client = app.test_client()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
        _row, token = tokens.create_token(db.session, f"bench-{time.time_ns()}", list(tokens.SCOPES))
        db.session.commit()
        borrowers = db.session.scalar(select(func.count()).select_from(Borrower))
        print(f"# {db.engine.dialect.name}, {borrowers:,} borrowers before the run")
    headers = {"Authorization": f"Bearer {token}"}

    def send(method, path, body):
        r = client.open(path, method=method, data=json.dumps(body, ensure_ascii=False), headers=headers,
                        content_type="application/json")
        assert r.status_code in (200, 201), (r.status_code, r.get_data(as_text=True)[:300])
        return r

    singles = [_loan(n) for n in range(args.single)]
    for label in ("created", "unchanged"):
        times = []
        _CPU[0] = time.process_time()
        start = time.perf_counter()
        for item in singles:
            t = time.perf_counter()
            assert send("PUT", f"/api/v1/loans/{item['loan_ref']}", item).get_json()["result"] == label
            times.append((time.perf_counter() - t) * 1000)
        print(f"PUT /api/v1/loans/<ref> ({label}): {_rate(len(singles), time.perf_counter() - start)}, "
              f"median {statistics.median(times):.1f} ms")
    batches = [[_loan(100_000 + b * 1000 + i) for i in range(1000)] for b in range(args.batches)]
    for label in ("created", "unchanged"):
        _CPU[0] = time.process_time()
        start = time.perf_counter()
        for batch in batches:
            assert send("POST", "/api/v1/loans", {"loans": batch}).get_json()[label] == 1000
        seconds = time.perf_counter() - start
        print(f"POST /api/v1/loans, batches of 1,000 ({label}): {_rate(len(batches) * 1000, seconds)}")

    with app.app_context():
        for n in range(args.events):
            emit(db.session, "data_request.answered", loan_ref=f"APIB{n % 500:08d}",
                 data={"reference": f"DR-{n}", "kind": "correction", "outcome": "done"})
            if n % 1000 == 999:
                db.session.commit()
        db.session.commit()
        total = db.session.scalar(text("SELECT count(*) FROM events"))
    _CPU[0] = time.process_time()
    start, read, cursor = time.perf_counter(), 0, None
    while True:
        r = client.get("/api/v1/events?limit=1000" + (f"&after={cursor}" if cursor else ""), headers=headers)
        body = r.get_json()
        if not body["events"]:
            break
        read += len(body["events"])
        cursor = body["next"]
    print(f"GET /api/v1/events, pages of 1,000: {_rate(read, time.perf_counter() - start)} (of {total:,} events)")


if __name__ == "__main__":
    main()
