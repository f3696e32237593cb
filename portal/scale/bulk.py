"""Bulk loader for benchmark data only: the generated file into an empty (or benchmark-only) database.

``import-loans`` is the operator's path (upsert, savepoint per line, idempotent). At 10^5-10^6 borrowers that
is too slow for a benchmark set-up, so this path validates each line with the importer's own ``parse_line``
but writes with multi-row INSERTs (SQLite) or ``COPY`` (PostgreSQL), allocating ids itself, in batches of
``BATCH`` lines (bounded memory). It assumes what ``generate-data`` writes: new loan refs, each borrower's
lines next to each other. It is never used by the application.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import IO, Iterable

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection

from portal.accounts import rules as identity
from portal.accounts.models import Borrower
from portal.loans.importer import Rejected, parse_line
from portal.loans.models import Instalment, Loan, Payment
from portal.orm import utcnow

BATCH = 2000


@dataclass
class LoadReport:
    borrowers: int = 0
    loans: int = 0
    rejected: int = 0
    complaints: int = 0
    plans: int = 0
    visits: int = 0


def _next_id(conn: Connection, table: Table) -> int:
    return (conn.scalar(select(func.max(table.c.id))) or 0) + 1


def _write(conn: Connection, table: Table, rows: list[dict]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        # COPY bypasses SQLAlchemy, so the columns' Python-side defaults (e.g. reporter_name="") are applied here.
        defaults = _python_defaults(table, rows[0])
        if defaults:
            rows = [{**defaults, **row} for row in rows]
        cols = list(rows[0])
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({", ".join(cols)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([_pg(row[c]) for c in cols])
    else:
        conn.execute(table.insert(), rows)  # column types convert (aware datetimes to naive UTC)


def _python_defaults(table: Table, row: dict) -> dict:
    out = {}
    for column in table.columns:
        default = column.default
        if column.name in row or default is None or getattr(default, "is_sequence", False):
            continue
        if default.is_scalar:
            out[column.name] = default.arg
        elif default.is_callable:
            out[column.name] = default.arg(None)  # SQLAlchemy wraps zero-argument callables to take a context
    return out


def _naive(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _pg(value):
    value = _naive(value)
    return str(value) if not isinstance(value, (int, str, bool, date, type(None))) else value


def _fix_sequences(conn: Connection, tables: Iterable[Table]) -> None:
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                          f"(SELECT COALESCE(MAX(id), 1) FROM \"{table.name}\"))"))


def load_loans(conn: Connection, stream: IO[str], on_batch=None) -> LoadReport:
    report = LoadReport()
    b_t, l_t, i_t, p_t = (m.__table__ for m in (Borrower, Loan, Instalment, Payment))
    ids = {t.name: _next_id(conn, t) for t in (b_t, l_t, i_t, p_t)}
    now = utcnow()
    last_borrower: tuple[str, int] | None = None
    batch: dict[str, list[dict]] = {t.name: [] for t in (b_t, l_t, i_t, p_t)}

    def flush() -> None:
        for t in (b_t, l_t, i_t, p_t):
            _write(conn, t, batch[t.name])
            batch[t.name].clear()
        conn.commit()
        if on_batch:
            on_batch(report)

    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        try:
            p = parse_line(raw)
        except Rejected:
            report.rejected += 1
            continue
        b = p["borrower"]
        if last_borrower is None or last_borrower[0] != b["id_number"]:
            bid = ids["borrowers"]
            ids["borrowers"] += 1
            batch["borrowers"].append({"id": bid, "name": b["name"], "phone": b["phone"], "id_number": b["id_number"],
                                       "address": b["address"], "locale": b["locale"], "locale_chosen": False,
                                       "password_hash": None, "preferred_contact": "sms",
                                       "family_contact_consent": False, "activated_at": None, "created_at": now,
                                       "name_key": identity.name_key(b["name"]),
                                       "id_tail": identity.id_tail(b["id_number"])})
            last_borrower = (b["id_number"], bid)
            report.borrowers += 1
        lid = ids["loans"]
        ids["loans"] += 1
        batch["loans"].append({"id": lid, "loan_ref": p["loan_ref"], "borrower_id": last_borrower[1],
                               "product": p["product"], "principal_fen": p["principal_fen"],
                               "annual_rate": format(p["annual_rate"].normalize(), "f"),
                               "penalty_daily_rate": format(p["penalty_daily_rate"].normalize(), "f"),
                               "start_date": p["start_date"], "source_digest": p["digest"], "imported_at": now})
        for seq, row in enumerate(p["schedule"], 1):
            batch["instalments"].append({"id": ids["instalments"], "loan_id": lid, "seq": seq, **row})
            ids["instalments"] += 1
        for seq, row in enumerate(p["payments"], 1):
            batch["payments"].append({"id": ids["payments"], "loan_id": lid, "seq": seq, **row})
            ids["payments"] += 1
        report.loans += 1
        if report.loans % BATCH == 0:
            flush()
    flush()
    _fix_sequences(conn, (b_t, l_t, i_t, p_t))
    conn.commit()
    return report
