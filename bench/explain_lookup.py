"""EXPLAIN ANALYZE and time each kind of staff borrower lookup (issue 14) on a database at scale.

Usage (PostgreSQL; the bulk loader fills a fresh database in a few minutes per million borrowers):
    .venv/bin/flask --app portal generate-data --borrowers 1000000 --out /tmp/scale-1m.jsonl
    PYTHONPATH=. PORTAL_PG_PORT=54407 bash tools/pg-test.sh sh -c 'PORTAL_DATABASE_URL=$PORTAL_TEST_DATABASE_URL \
      .venv/bin/python bench/explain_lookup.py --load /tmp/scale-1m.jsonl'
Without ``--load`` it uses the borrowers already in ``PORTAL_DATABASE_URL``. For each kind it prints the plan of
the query the lookup runs (with the values of a real borrower), whether every table is reached through an index,
and the median time of the whole lookup (``lookup.search``: the page of 20 and the loans count) over 20 runs.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from sqlalchemy import func, select, text

from portal import create_app
from portal.accounts.models import Borrower
from portal.complaints.models import Complaint
from portal.extensions import db
from portal.loans.models import Loan
from portal.models import metadata
from portal.staff.borrowers import lookup

RUNS = 20


def _load(path: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "load-scale-data", path], check=True)


def _samples() -> dict[str, str]:
    """Real values from the middle of the table (not the first rows, which a cold cache would flatter)."""
    mid = (db.session.scalar(select(func.max(Borrower.id))) or 1) // 2
    b = db.session.scalar(select(Borrower).where(Borrower.id >= mid).order_by(Borrower.id).limit(1))
    loan = db.session.scalar(select(Loan.loan_ref).where(Loan.borrower_id >= mid).order_by(Loan.borrower_id).limit(1))
    ref = db.session.scalar(select(Complaint.reference).where(Complaint.borrower_id.isnot(None))
                            .order_by(Complaint.id.desc()).limit(1))
    out = {"phone (+86, spaces)": f"+86 {b.phone[:3]} {b.phone[3:7]} {b.phone[7:]}", "loan reference": loan,
           "full name (Traditional)": _traditional(b.name), "surname only (many matches)": b.name[0],
           "last 4 of the ID number": b.id_number[-4:], "full ID number": b.id_number}
    if ref:
        out["complaint reference"] = ref
    return out


def _traditional(name: str) -> str:
    import opencc

    return opencc.OpenCC("s2tw").convert(name)


def _explain(sql_query) -> list[str]:
    compiled = sql_query.compile(db.engine, compile_kwargs={"literal_binds": True})
    return [row[0] for row in db.session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}"))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--load", help="a generate-data file to bulk-load first (into a fresh database)")
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        metadata.create_all(db.engine)
    if args.load:
        _load(args.load)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        total = db.session.scalar(select(func.count()).select_from(Borrower))
        print(f"# {total:,} borrowers, {db.session.scalar(select(func.count()).select_from(Loan)):,} loans "
              f"({db.engine.dialect.name})")
        for label, raw in _samples().items():
            q = lookup.parse(raw)
            for kind, where in lookup.conditions(q).items():
                stmt = select(Borrower).where(*where).order_by(Borrower.name_key, Borrower.id).limit(
                    lookup.PAGE_SIZE + 1)
                plan = _explain(stmt) if db.engine.dialect.name == "postgresql" else [
                    " ".join(map(str, r)) for r in db.session.execute(
                        text("EXPLAIN QUERY PLAN " + str(stmt.compile(db.engine,
                                                                      compile_kwargs={"literal_binds": True}))))]
                seq = [line.strip() for line in plan if "Seq Scan" in line or "SCAN borrowers" in line]
                print(f"\n-- {label} {raw!r} -> {kind}: {'SEQUENTIAL SCAN' if seq else 'index-backed'}")
                print("   " + "\n   ".join(plan))
            times = []
            for _ in range(RUNS):
                start = time.perf_counter()
                results = lookup.search(q)
                times.append((time.perf_counter() - start) * 1000)
                db.session.rollback()
            print(f"== {label}: {len(results.rows)} shown{' (more pages)' if results.next_after else ''}, "
                  f"median {statistics.median(times):.2f} ms, max {max(times):.2f} ms over {RUNS} lookups")


if __name__ == "__main__":
    main()
