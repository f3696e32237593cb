"""The lender's events for repayment plans (catalog: ``portal/event_types.py``): the plan's reference, state,
terms, dates and amounts; never the borrower's budget or hardship text (PIPL Art. 6)."""
from __future__ import annotations

from portal.events import emit
from portal.extensions import db
from portal.i18n import fen_to_decimal
from portal.plans import rules
from portal.plans.models import PlanProposal

_WITH_SCHEDULE = {"plan.approved", "plan.countered", "plan.agreed"}


def _money(fen: int) -> str:
    return str(fen_to_decimal(fen))


def _terms(p: PlanProposal, which: str) -> dict:
    lines = sorted(p.lines_of(which), key=lambda x: x.seq)
    if which == "counter":
        kind, months, days, start = p.counter_kind, p.counter_months, p.counter_deferral_days, p.counter_start_date
    else:
        kind, months, days, start = p.kind, p.months, p.deferral_days, p.start_date
    # null, not 0, for a term the kind does not have (an instalments plan has no deferral days)
    has_months, has_days = kind in ("instalments", "instalments_waiver"), kind == "deferral"
    return {"plan": p.id, "state": p.state, "kind": kind, "months": months if has_months else None,
            "deferral_days": days if has_days else None,
            "start_date": start.isoformat() if start else None,
            "total": _money(sum(x.amount_fen for x in lines)), "instalments": len(lines),
            "first_due": lines[0].due_date.isoformat() if lines else None,
            "last_due": lines[-1].due_date.isoformat() if lines else None}, lines


def plan_event(p: PlanProposal, type: str, **extra) -> None:
    """Emit ``type`` for proposal ``p`` in its new state (the counter-offer's terms once countered or agreed)."""
    if type == "plan.declined":
        data = {"plan": p.id, "state": p.state, "reason": p.decline_reason}
    else:
        which = "counter" if p.state in ("countered", "accepted") else "proposed"
        data, lines = _terms(p, which)
        if type in _WITH_SCHEDULE:
            data["in_force"] = p.state in rules.AGREED_STATES
            data["schedule"] = [{"due_date": x.due_date.isoformat(), "amount": _money(x.amount_fen)} for x in lines]
        data.update(extra)
    emit(db.session, type, loan_ref=p.loan.loan_ref, borrower_id=p.borrower_id, data=data)
