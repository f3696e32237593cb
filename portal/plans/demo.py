"""Demo proposals for ``seed-demo``: one in every state, on the demo borrowers' loans (see ``portal.loans.demo``)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from portal.accounts.models import StaffUser
from portal.loans.models import Loan
from portal.loans.rules import paid_up_to, payments_of, status_of
from portal.plans import rules
from portal.plans.models import PlanLine, PlanProposal

BUDGETS = {
    "13800138000": dict(income_fen=650_000, housing_fen=220_000, food_fen=150_000, utilities_fen=30_000,
                        transport_fen=20_000, medical_fen=0, education_fen=50_000, dependants_fen=40_000,
                        other_debts_fen=60_000, dependants=2),
    "13900139000": dict(income_fen=900_000, housing_fen=350_000, food_fen=180_000, utilities_fen=40_000,
                        transport_fen=30_000, medical_fen=60_000, education_fen=0, dependants_fen=0,
                        other_debts_fen=0, dependants=0),
    "13700137000": dict(income_fen=320_000, housing_fen=120_000, food_fen=90_000, utilities_fen=20_000,
                        transport_fen=10_000, medical_fen=30_000, education_fen=0, dependants_fen=0,
                        other_debts_fen=0, dependants=1),
    "13600136000": dict(income_fen=500_000, housing_fen=180_000, food_fen=120_000, utilities_fen=25_000,
                        transport_fen=15_000, medical_fen=0, education_fen=0, dependants_fen=0,
                        other_debts_fen=0, dependants=0),
}
# (loan, state, borrower's terms, lender's terms or None, days ago sent, hardship, decline reason, note). The notes
# are written in the borrower's script (陳美玲 reads Traditional). Her story: her budget fits a much shorter term
# than 60 months, which the lender keeps for those who cannot pay more; she proposed 24, the lender offered 18
# (also within her budget), she accepted.
PLANS = [
    ("L2025000101", "withdrawn", ("deferral", 0, 60), None, 10, "job_loss", None, ""),
    ("L2025000101", "submitted", ("instalments", 6, 0), None, 1, "job_loss", None, ""),
    ("L2025000102", "countered", ("waiver", 0, 0), ("instalments_waiver", 4, 0), 6, "illness", None,
     "可以减免罚息，但需要分期还款。"),
    ("L2024000201", "declined", ("instalments", 60, 0), None, 30, "business_failure", "outside_policy",
     "按您提供的收支，每月剩餘的金額足以在更短的期限內還清。60 期是為無法負擔更短期限的借款人保留的，"
     "歡迎按 24 期以內的期限重新申請。"),
    ("L2024000201", "accepted", ("instalments", 24, 0), ("instalments", 18, 0), 12, "business_failure", None,
     "按您提供的收支，分 18 期每月也在負擔範圍內，可以更早還清。我們建議分 18 期。"),
    ("L2023000301", "under_review", ("instalments_waiver", 12, 0), None, 4, "illness", None, ""),
    ("L2025000401", "approved", ("deferral", 0, 30), None, 3, "family_emergency", None, ""),
]


def _at(day: date) -> datetime:
    return datetime.combine(day, time(2, 0), tzinfo=timezone.utc)


def _lines(which: str, schedule: rules.Schedule) -> list[PlanLine]:
    return [PlanLine(which=which, seq=i, due_date=x.due_date, amount_fen=x.amount_fen)
            for i, x in enumerate(schedule.lines, 1)]


def seed(session, today: date) -> None:
    loans = {loan.loan_ref: loan for loan in session.scalars(select(Loan))}
    if not loans or session.scalar(select(PlanProposal.id).limit(1)) is not None:
        return  # nothing to attach to, or seeded already
    boss = session.scalar(select(StaffUser).where(StaffUser.role == "supervisor").order_by(StaffUser.id))
    agent = session.scalar(select(StaffUser).where(StaffUser.role == "agent").order_by(StaffUser.id))
    for ref, state, mine, theirs, ago, reason, decline, note in PLANS:
        loan = loans.get(ref)
        if loan is None:
            continue
        sent = today - timedelta(days=ago)
        status = status_of(loan, sent)
        later = tuple(rules.Line(i.due_date, i.unpaid_fen) for i in status.instalments if not i.is_due and i.unpaid_fen)
        owed = rules.Owed(status.due_principal_fen, status.due_interest_fen, status.due_penalty_fen,
                          status.due_fee_fen, later)
        if owed.total_fen <= 0:
            continue
        terms = rules.Terms.of(*mine)
        paid = paid_up_to(payments_of(loan), sent)  # both schedules are worked out from what was owed that day
        p = PlanProposal(
            borrower_id=loan.borrower_id, loan_id=loan.id, state=state, kind=terms.kind, months=terms.months,
            deferral_days=terms.deferral_days, start_date=sent, submitted_at=_at(sent), created_at=_at(sent),
            owed_principal_fen=owed.principal_fen, owed_interest_fen=owed.interest_fen,
            owed_penalty_fen=owed.penalty_fen, owed_fee_fen=owed.fee_fen, owed_later_fen=owed.later_fen,
            hardship_reason=reason, hardship_detail="", draft_json="{}", **BUDGETS[loan.borrower.phone],
            proposed_paid_fen=paid, counter_paid_fen=paid if theirs else 0,
        )
        p.lines.extend(_lines("proposed", rules.build_schedule(owed, terms, sent)))
        if state in ("approved", "declined", "countered", "accepted"):
            decided = sent + timedelta(days=2)
            p.decided_at, p.answer_note = _at(decided), note
            p.decided_by_id = (agent if state == "declined" else boss).id if (agent and boss) else None
            p.decline_reason = decline
            if theirs:
                counter = rules.Terms.of(*theirs)
                p.counter_kind, p.counter_months = counter.kind, counter.months
                p.counter_deferral_days, p.counter_start_date = counter.deferral_days, decided
                p.lines.extend(_lines("counter", rules.build_schedule(owed, counter, decided)))
        if state in ("accepted", "withdrawn"):
            p.closed_at = _at(sent + timedelta(days=3))
        session.add(p)
        session.flush()
