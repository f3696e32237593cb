"""For the borrower's home: what is due now on each loan, or the next payment when nothing is due (registered with
``portal.attention`` by ``portal.loans.configure``)."""
from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _

from portal.attention import Attention
from portal.i18n import fmt_date, money
from portal.loans.queries import standings


def needs_you(borrower, today: date) -> list:
    """An entry for each loan with an amount due now or a next payment, from ``standings`` (the same rules and
    words as the loan pages)."""
    items = []
    for ref, state in standings(borrower, today):
        url = url_for("loans.detail", loan_ref=ref)
        if state.due_now_fen:
            detail = " · ".join(part for part in (state.due_from, state.standing) if part)
            items.append(Attention("payment", _("Due now on loan %(ref)s", ref=ref),
                                   _("How to pay"), url, rank=10, detail=detail,
                                   amount_fen=state.due_now_fen))
        elif state.next_fen and state.pay_by is not None:
            items.append(Attention("payment", _("Loan %(ref)s: next payment %(amount)s on %(date)s", ref=ref,
                                                amount=money(state.next_fen), date=fmt_date(state.pay_by)),
                                   _("See loan %(ref)s", ref=ref), url, rank=40))
    return items
