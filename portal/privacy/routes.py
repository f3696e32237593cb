"""Borrower page ``/settings/my-data``: what the portal holds, in plain words, and correction/deletion requests."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.forms import PreferencesForm
from portal.i18n import fmt_date
from portal.privacy import queries, services
from portal.privacy.forms import DataRequestForm
from portal.security import gate

bp = Blueprint("privacy", __name__)
gate(bp, kind="borrower", login_endpoint="accounts.login")


@bp.context_processor
def _labels() -> dict:
    contact = {choice.value: choice.label for choice in PreferencesForm.preferred_contact.kwargs["choices"]}
    return {"kind_label": queries.kind_label, "state_label": queries.state_label, "contact_labels": contact}


@bp.route("/settings/my-data", methods=["GET", "POST"])
def my_data():
    form = DataRequestForm()
    if form.validate_on_submit():
        item = services.file_request(current_user, form.kind.data, form.detail.data)
        flash(_("Your request %(ref)s is sent. We answer by %(date)s; the answer will be shown here.",
                ref=item.reference, date=fmt_date(item.due_on)), "success")
        return redirect(url_for("privacy.my_data"))
    return render_template("privacy/my_data.html", data=queries.my_data(current_user), form=form)
