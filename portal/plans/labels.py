"""Visible names of plan kinds, states and reasons (one place, used by forms, pages and SMS)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "instalments": _l("Pay in monthly instalments"),
    "deferral": _l("Pay later (deferral)"),
    "waiver": _l("Ask to waive penalty interest and fees"),
    "instalments_waiver": _l("Instalments, and ask to waive penalty interest and fees"),
}
KIND_HINTS = {
    "instalments": _l("Everything you still owe, spread over 2 to %(months)d months."),
    "deferral": _l("Move the amount due now to one later date, up to %(days)d days from today."),
    "waiver": _l("Penalty interest and fees due now are waived; you pay the rest in one payment. "
                 "Principal is never waived."),
    "instalments_waiver": _l("Penalty interest and fees due now are waived; the rest is spread over monthly "
                             "instalments."),
}
STATE_LABELS = {
    "draft": _l("Not sent yet"),
    "submitted": _l("Sent, waiting for review"),
    "under_review": _l("Under review"),
    "approved": _l("Approved"),
    "declined": _l("Not approved"),
    "countered": _l("The lender proposes other terms"),
    "accepted": _l("Agreed (you accepted the lender's terms)"),
    "withdrawn": _l("Withdrawn"),
}
HARDSHIP_LABELS = {
    "job_loss": _l("I lost my job or income"),
    "illness": _l("Illness or injury"),
    "business_failure": _l("My business failed"),
    "family_emergency": _l("Family emergency"),
    "other": _l("Other reason"),
}
DECLINE_LABELS = {
    "budget_does_not_support": _l("The budget does not show that the plan can be paid"),
    "missing_information": _l("Information is missing"),
    "outside_policy": _l("The terms are outside what the lender can offer"),
    "previous_plan_broken": _l("An earlier plan on this loan was not kept"),
    "other": _l("Other reason (see the note)"),
}
BUDGET_LABELS = {
    "income": _l("Monthly income after tax"),
    "housing": _l("Housing (rent or mortgage)"),
    "food": _l("Food"),
    "utilities": _l("Water, electricity, gas, phone and internet"),
    "transport": _l("Transport"),
    "medical": _l("Medical costs"),
    "education": _l("Education"),
    "dependants": _l("Support of dependants"),
    "other_debts": _l("Repayments of other debts"),
}


def labels() -> dict:
    return {"kind_labels": KIND_LABELS, "state_labels": STATE_LABELS, "hardship_labels": HARDSHIP_LABELS,
            "decline_labels": DECLINE_LABELS, "budget_labels": BUDGET_LABELS}
