"""Staff-side rows at scale (complaints, plan proposals, visits) from ``generate-data``'s second file.

Each domain is loaded only when its package exists (``importlib.util.find_spec``), so the benchmark works while
domains are still being built. Benchmark data only: written with the same fast path as ``portal.scale.bulk``.
"""
from __future__ import annotations

import importlib
import importlib.util
import json
from datetime import date, datetime, time, timedelta, timezone
from typing import IO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Connection

from portal.accounts.models import Borrower
from portal.loans.models import Loan
from portal.orm import utcnow
from portal.scale.bulk import BATCH, LoadReport, _fix_sequences, _next_id, _write

TZ = ZoneInfo("Asia/Shanghai")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _models(module: str):
    return importlib.import_module(module) if importlib.util.find_spec(module) else None


def _local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), TZ).astimezone(timezone.utc)


class _Loader:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.complaints = _models("portal.complaints.models")
        self.plans = _models("portal.plans.models")
        self.visits = _models("portal.visits.models")
        self.tables = []
        for mod, names in ((self.complaints, ("Complaint", "ComplaintCategory", "ComplaintEvent")),
                           (self.plans, ("PlanProposal", "PlanLine")),
                           (self.visits, ("Visit", "Visitor"))):
            if mod is not None:
                self.tables += [getattr(mod, n).__table__ for n in names]
        self.ids = {t.name: _next_id(self.conn, t) for t in self.tables if "id" in t.c}
        self.rows: dict[str, list[dict]] = {t.name: [] for t in self.tables}
        if self.visits is not None:
            self.rows["visit_visitors"] = []
        self.today = datetime.now(TZ).date()
        self.seq = 5000  # complaint references: past days only, above any day's real counter in a benchmark
        self.visitor_ids = self._visitors() if self.visits is not None else []

    def _id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] += 1
        return value

    def _visitors(self) -> list[int]:
        out = []
        for n in (1, 2):
            vid = self._id("visitors")
            _write(self.conn, self.visits.Visitor.__table__, [{
                "id": vid, "name": f"核实员{n}", "badge_number": f"BENCH-{vid:06d}", "photo_name": None,
                "active": True, "created_at": utcnow()}])
            out.append(vid)
        return out

    def add(self, row: dict, loan: tuple[int, int, str]) -> str | None:
        loan_id, borrower_id, address = loan
        kind = row["type"]
        if kind == "complaint" and self.complaints is not None:
            received = max(1, row["days_ago"])
            day = self.today - timedelta(days=received)
            from portal.complaints.models import queue_due_of

            cid = self._id("complaints")
            self.seq += 1
            state = row["state"]
            at = _local(day, 10)
            self.rows["complaints"].append({
                "id": cid, "reference": f"TS-{day:%Y%m%d}-{self.seq}", "borrower_id": borrower_id, "loan_id": loan_id,
                "channel": row["channel"], "what_happened": row["what_happened"], "preferred_contact": "portal",
                "locale": "zh_Hans", "state": state, "received_at": at,
                "acknowledged_at": at + timedelta(hours=3) if state != "received" else None,
                "decided_at": at + timedelta(days=5) if state == "resolved" else None,
                "outcome_category": "partly_upheld" if state == "resolved" else None,
                "acknowledge_due": day + timedelta(days=1), "decide_due": day + timedelta(days=15),
                "queue_due": queue_due_of(state, day + timedelta(days=1), day + timedelta(days=15)),
                "extension_level": 0, "version": 1})
            for category in row["categories"]:
                self.rows["complaint_categories"].append({"complaint_id": cid, "category": category})
            self.rows["complaint_events"].append({"id": self._id("complaint_events"), "complaint_id": cid,
                                                  "kind": "filed", "detail": "", "at": at})
            return "complaints"
        if kind == "plan" and self.plans is not None:
            pid = self._id("plan_proposals")
            at = utcnow() - timedelta(days=row["days_ago"])
            owed = row["income"] * 3
            self.rows["plan_proposals"].append({
                "id": pid, "version": 1, "borrower_id": borrower_id, "loan_id": loan_id, "state": row["state"],
                "draft_json": "{}", "created_at": at, "updated_at": at, "submitted_at": at,
                "start_date": at.date(), "kind": "instalments", "months": row["months"], "deferral_days": 0,
                "owed_principal_fen": owed, "owed_interest_fen": 0, "owed_penalty_fen": 0, "owed_fee_fen": 0,
                "owed_later_fen": 0, "income_fen": row["income"], "housing_fen": row["income"] // 4,
                "food_fen": row["income"] // 5, "dependants": 1, "hardship_reason": "job_loss",
                "hardship_detail": "", "answer_note": "", "counter_months": 0, "counter_deferral_days": 0})
            per = owed // row["months"]
            for seq in range(1, row["months"] + 1):
                amount = per if seq < row["months"] else owed - per * (row["months"] - 1)
                self.rows["plan_lines"].append({"id": self._id("plan_lines"), "proposal_id": pid, "which": "proposed",
                                                "seq": seq, "due_date": at.date() + timedelta(days=30 * seq),
                                                "amount_fen": amount})
            return "plans"
        if kind == "visit" and self.visits is not None:
            vid = self._id("visits")
            day = self.today + timedelta(days=row["days_ahead"])
            code = "".join(CODE_ALPHABET[(vid >> (5 * k)) % 32] for k in range(6))
            self.rows["visits"].append({
                "id": vid, "loan_id": loan_id, "address": address or "—", "window_start": _local(day, 9),
                "window_end": _local(day, 12), "purpose": "核实联系方式和还款意愿", "state": row["state"], "code": code,
                "reschedule_count": 0, "created_at": utcnow(), "updated_at": utcnow(), "version": 1})
            for visitor in self.visitor_ids:
                self.rows["visit_visitors"].append({"visit_id": vid, "visitor_id": visitor})
            return "visits"
        return None

    def flush(self) -> None:
        for table in self.tables:
            if table.name == "visitors":
                continue
            _write(self.conn, table, self.rows[table.name])
            self.rows[table.name].clear()
        if self.visits is not None:
            _write(self.conn, self.visits.visit_visitors, self.rows["visit_visitors"])
            self.rows["visit_visitors"].clear()
        self.conn.commit()


def load_staff_side(conn: Connection, stream: IO[str], report: LoadReport) -> LoadReport:
    loader = _Loader(conn)
    pending: list[dict] = []

    def run() -> None:
        refs = {row["loan_ref"] for row in pending}
        found: dict[str, tuple[int, int, str]] = {}
        for ref, lid, bid, addr in conn.execute(select(Loan.loan_ref, Loan.id, Loan.borrower_id, Borrower.address)
                                                .join(Borrower, Borrower.id == Loan.borrower_id)
                                                .where(Loan.loan_ref.in_(refs))):
            found[ref] = (lid, bid, addr)
        for row in pending:
            if row["loan_ref"] in found:
                what = loader.add(row, found[row["loan_ref"]])
                if what:
                    setattr(report, what, getattr(report, what) + 1)
        loader.flush()
        pending.clear()

    for raw in stream:
        if raw.strip():
            pending.append(json.loads(raw))
        if len(pending) >= BATCH:
            run()
    run()
    _fix_sequences(conn, [t for t in loader.tables if "id" in t.c])
    conn.commit()
    return report
