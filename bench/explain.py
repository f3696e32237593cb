"""EXPLAIN the queries behind the benchmarked pages (PostgreSQL at scale); flags sequential scans on big tables.

Usage (run.sh does it when DB=postgres): PORTAL_DATABASE_URL=postgresql+psycopg://… python bench/explain.py
"""
from __future__ import annotations

from sqlalchemy import text

from portal import create_app
from portal.extensions import db

QUERIES = {
    "login session lookup": "SELECT * FROM login_sessions WHERE token_hash = 'x'",
    "borrower by phone (login, import)": "SELECT * FROM borrowers WHERE phone = '13800138000'",
    "loans of a borrower (/loans)": "SELECT * FROM loans WHERE borrower_id = 42 ORDER BY start_date, id",
    "loan by ref (/loans/<ref>)": "SELECT * FROM loans WHERE loan_ref = 'BENCH0001' AND borrower_id = 1",
    "instalments of loans": "SELECT * FROM instalments WHERE loan_id IN (1, 2) ORDER BY seq",
    "payments of loans": "SELECT * FROM payments WHERE loan_id IN (1, 2) ORDER BY seq",
    "complaints of a borrower (/complaints)":
        "SELECT * FROM complaints WHERE borrower_id = 42 ORDER BY received_at DESC",
    "staff complaint queue, first page (/staff/complaints)":
        "SELECT * FROM complaints WHERE complaints.state IN ('received', 'acknowledged', 'investigating') "
        "ORDER BY queue_due, id LIMIT 26",
    "staff complaint queue, next page (key set)":
        "SELECT * FROM complaints WHERE complaints.state IN ('received', 'acknowledged', 'investigating') "
        "AND (queue_due, id) > ('2026-10-01', 1000) ORDER BY queue_due, id LIMIT 26",
    "staff complaint queue, one state":
        "SELECT * FROM complaints WHERE state = 'received' ORDER BY queue_due, id LIMIT 26",
    "open complaints count (staff home)":
        "SELECT count(id) FROM complaints WHERE complaints.state IN ('received', 'acknowledged', 'investigating') "
        "AND (assignee_id = 1 OR assignee_id IS NULL)",
    "plans of a loan (loan page panel)": "SELECT * FROM plan_proposals WHERE loan_id = 42 ORDER BY submitted_at, id",
    "staff plan queue": "SELECT * FROM plan_proposals WHERE state IN ('submitted', 'under_review') "
                        "ORDER BY submitted_at, id LIMIT 200",
    "visits of a loan": "SELECT * FROM visits WHERE loan_id = 42 ORDER BY window_start",
}


def main() -> None:
    app = create_app()
    with app.app_context():
        db.session.execute(text("ANALYZE"))
        for name, sql in QUERIES.items():
            try:
                plan = [row[0] for row in db.session.execute(text("EXPLAIN " + sql))]
            except Exception as exc:  # a domain table may not exist yet
                db.session.rollback()
                print(f"-- {name}: not run ({exc.__class__.__name__})")
                continue
            seq = [line.strip() for line in plan if "Seq Scan" in line]
            print(f"-- {name}: {'SEQUENTIAL SCAN: ' + '; '.join(seq) if seq else 'index-backed'}")
            print("   " + "\n   ".join(plan))


if __name__ == "__main__":
    main()
