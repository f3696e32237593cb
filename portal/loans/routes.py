"""Borrower pages: ``/loans`` (every loan, what is due now) and ``/loans/<loan_ref>`` (one loan in detail)."""
from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, render_template
from flask_login import current_user

from portal.i18n import current_locale, local_today
from portal.loans import queries, tables
from portal.security import gate

bp = Blueprint("loans", __name__, url_prefix="/loans")
gate(bp, kind="borrower", login_endpoint="accounts.login")


@bp.route("")
def index():
    board = queries.dashboard(current_user, local_today())
    return render_template("loans/index.html", board=board)


@bp.route("/<loan_ref>")
def detail(loan_ref: str):
    loan = queries.loan_for_borrower(current_user, loan_ref)
    view = queries.loan_view(current_user, loan, local_today())
    return render_template("loans/detail.html", page=view, tables=tables.tables(view))


@lru_cache(maxsize=1)
def _to_traditional():
    import opencc

    return opencc.OpenCC("s2tw")


@bp.app_template_filter("loan_product")
def loan_product(name: str) -> str:
    """The lender's product label (e.g. 消费贷) in the reader's script: a generic term, not a person's name."""
    return _to_traditional().convert(name) if current_locale() == "zh_Hant" else name
