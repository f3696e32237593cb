"""Borrower page: the contact log, newest first, with the rules each contact does not follow."""
from __future__ import annotations

from itertools import groupby

from flask import Blueprint, render_template, request
from flask_login import current_user

from portal.contacts import labels, queries
from portal.i18n import current_locale, lender_tz
from portal.orm import utcnow
from portal.security import gate

bp = Blueprint("contacts", __name__)
gate(bp, kind="borrower", login_endpoint="accounts.login")


@bp.route("/contacts")
def index():
    page = queries.page_for(current_user, request.args.get("after"), utcnow(), locale=current_locale())
    tz = lender_tz()
    days = [(day, list(rows)) for day, rows in groupby(page.contacts, key=lambda c: c.at.astimezone(tz).date())]
    return render_template("contacts/index.html", page=page, days=days, labels=labels.for_pages(),
                           after=request.args.get("after"), agency_names=page.agency_names)
