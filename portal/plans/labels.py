"""Visible names of plan kinds, states and reasons, and ``describe(p)``: the one description of a proposal's
state that every page, badge, SMS and the staff console use."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.plans.rules import AGREED_STATES, Terms

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
# Staff read the same states from their side (who has to act next).
STAFF_STATE_LABELS = dict(STATE_LABELS, submitted=_l("New, not yet reviewed"),
                          countered=_l("Counter-offer sent, waiting for the borrower"),
                          accepted=_l("Agreed (the borrower accepted our terms)"),
                          withdrawn=_l("Withdrawn by the borrower"))
# The staff queue's filters (plans.queries.QUEUE_FILTERS): who has to act next.
QUEUE_FILTER_LABELS = {"waiting": _l("Waiting for review"), "countered": _l("Waiting for the borrower"),
                       "decided": _l("Decided or closed")}
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


@dataclass(frozen=True)
class PlanState:
    """What a borrower is told about one proposal, wherever it shows."""
    state: str
    headline: str          # the status on the plan's page and its card on /plans
    badge: str | None      # on the loan's card and page (None: nothing to show there)
    tone: str              # "info" | "warning" | "ok"
    next_step: str         # what happens next, or what the borrower can do
    needs_answer: bool     # the borrower has to answer (a counter-offer)
    pending: bool          # waiting for an answer (no second proposal for the loan meanwhile)
    agreed: bool           # the plan is in force


def describe(p) -> PlanState:
    """The one description of ``p``'s state (a ``PlanProposal``, or anything with ``state``)."""
    state = p.state
    if state in ("submitted", "under_review"):
        # The badge on the loan pages names the state in the same words as the plan's pages.
        # Translators: badge on a loan: "Repayment plan: Sent, waiting for review" / "Repayment plan: Under review"
        return PlanState(state, str(STATE_LABELS[state]), _("Repayment plan: %(state)s", state=STATE_LABELS[state]),
                         "info",
                         _("Staff will look at your proposal and answer by SMS and on this page. Until then, "
                           "the loan page shows where your proposal stands."), False, True, False)
    if state == "countered":
        return PlanState(state, _("The lender proposes other terms: please answer"),
                         _("Repayment plan: the lender proposes other terms"), "warning",
                         _("Read the lender's terms. You can accept them, or withdraw your proposal and send a new "
                           "one."), True, True, False)
    if state in ("approved", "accepted"):
        return PlanState(state, str(STATE_LABELS[state]), _("Repayment plan agreed"), "ok",
                         _("The lender agreed to your plan. Pay the payments below through the official channels; "
                           "your loan page now shows this schedule.") if state == "approved" else
                         _("You accepted the lender's terms. Pay the payments below through the official channels; "
                           "your loan page now shows this schedule."), False, False, True)
    if state == "declined":
        return PlanState(state, str(STATE_LABELS[state]), None, "info",
                         _("The lender did not approve this proposal."), False, False, False)
    return PlanState(state, str(STATE_LABELS.get(state, state)), None, "info",
                     _("You withdrew this proposal. You can send a new one at any time.") if state == "withdrawn"
                     else "", False, False, False)


@dataclass(frozen=True)
class TermsNow:
    """The terms a proposal stands for now: the ones in force once agreed (the lender's counter-offer once the
    borrower accepted it), the lender's while a counter-offer waits for an answer, else the borrower's own."""
    which: str             # "proposed" (the borrower's terms) or "counter" (the lender's)
    terms: Terms
    label: str             # what these terms are, before them: "Agreed terms:", "You proposed:" …
    proposed: Terms | None  # the borrower's own terms, named too while the lender proposes others
    proposed_label: str
    asked: bool = True     # the terms are only the borrower's request (a waiver is "asked for", not granted)


def terms_now(p) -> TermsNow:
    """The one answer to "what are the terms of this proposal now", for its card on /plans and its page."""
    mine = Terms.of(p.kind, p.months, p.deferral_days)
    # Translators: repayment plan: followed by the terms, e.g. "18 monthly instalments"
    proposed_label = _("You proposed:")
    if p.state in AGREED_STATES:
        which = p.agreed_which  # the borrower's terms once approved, the lender's once accepted
        terms = Terms.of(p.counter_kind, p.counter_months, p.counter_deferral_days) if which == "counter" else mine
        # Translators: repayment plan: followed by the terms agreed, in force now, e.g. "18 monthly instalments"
        return TermsNow(which, terms, _("Agreed terms:"), None, proposed_label, asked=False)
    if p.state == "countered":
        # Translators: repayment plan: followed by the lender's counter-offer, e.g. "18 monthly instalments"
        return TermsNow("counter", Terms.of(p.counter_kind, p.counter_months, p.counter_deferral_days),
                        _("The lender's terms:"), mine, proposed_label, asked=False)
    return TermsNow("proposed", mine, proposed_label, None, proposed_label)


@dataclass(frozen=True)
class ScheduleRow:
    due_date: object
    amount_fen: int
    kept: bool      # a contract instalment on its own date (not a payment the plan sets)
    label: str


def schedule_rows(schedule) -> list[ScheduleRow]:
    """A plan's payments as the pages list them: a deferral or waiver sets one payment, and the contract's
    instalments not yet due keep their dates: they are named so, never as the plan's "monthly instalments"."""
    from portal.i18n import fmt_date
    from portal.plans.rules import kept_lines

    kept = kept_lines(schedule.terms, schedule.start, schedule.lines)
    rows, n = [], 0
    for line, is_kept in zip(schedule.lines, kept):
        if is_kept:
            label = _("Contract instalment, date unchanged · %(date)s", date=fmt_date(line.due_date))
        else:
            n += 1
            label = _("Payment %(n)d · %(date)s", n=n, date=fmt_date(line.due_date))
        rows.append(ScheduleRow(line.due_date, line.amount_fen, is_kept, label))
    return rows


def labels() -> dict:
    return {"kind_labels": KIND_LABELS, "state_labels": STATE_LABELS, "staff_state_labels": STAFF_STATE_LABELS,
            "queue_filter_labels": QUEUE_FILTER_LABELS, "hardship_labels": HARDSHIP_LABELS,
            "decline_labels": DECLINE_LABELS, "budget_labels": BUDGET_LABELS, "describe_plan": describe,
            "schedule_rows": schedule_rows, "plan_terms_now": terms_now}
