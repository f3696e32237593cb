"""Borrower page ``/settings/my-data``: what the portal holds, in plain words, and correction/deletion requests."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.forms import PreferencesForm
from portal import uploads
from portal.audit.services import record
from portal.i18n import fmt_date, fmt_datetime
from portal.orm import utcnow
from portal.privacy import export, queries, services
from portal.privacy.forms import DataExportForm, DataRequestForm
from portal.security import gate

bp = Blueprint("privacy", __name__)
gate(bp, kind="borrower", login_endpoint="accounts.login")


@bp.context_processor
def _labels() -> dict:
    contact = {choice.value: choice.label for choice in PreferencesForm.preferred_contact.kwargs["choices"]}
    return {"kind_label": queries.kind_label, "state_label": queries.state_label, "contact_labels": contact,
            "message_kind_label": queries.message_kind_label, "message_channel_label": queries.message_channel_label,
            "message_state_label": queries.message_state_label}


@bp.route("/settings/my-data", methods=["GET", "POST"])
def my_data():
    form = DataRequestForm()
    if form.validate_on_submit():
        item = services.file_request(current_user, form.kind.data, form.detail.data)
        flash(_("Your request %(ref)s is sent. We answer by %(date)s; the answer will be shown here.",
                ref=item.reference, date=fmt_date(item.due_on)), "success")
        return redirect(url_for("privacy.my_data"))
    return render_template("privacy/my_data.html", data=queries.my_data(current_user), form=form,
                           export_form=DataExportForm(prefix="export"), exports=export.exports_of(current_user))


@bp.route("/settings/my-data/export", methods=["POST"])
def request_export():
    """Ask for the ZIP of everything we hold about the borrower; the worker builds it after the commit."""
    if not DataExportForm(prefix="export").validate_on_submit():
        abort(400)
    item = export.request_export(current_user)
    record("data_export.requested", "data_export", item.id)
    flash(_("We are preparing your download; it usually takes a minute. Reload this page to see the link. It works "
            "until %(when)s, and only while you are logged in.",
            when=fmt_datetime(item.expires_at)), "success")
    return redirect(url_for("privacy.my_data") + "#download-title")


@bp.route("/settings/my-data/exports/<int:export_id>")
def download_export(export_id: int):
    item = export.export_for(current_user, export_id)
    if item is None or item.stored_name is None:
        abort(404)
    if item.expires_at <= utcnow():
        abort(410)
    record("data_export.downloaded", "data_export", item.id, sha256=item.sha256)
    return uploads.download(item.stored_name, "application/zip",
                            f"my-data-{item.created_at.strftime('%Y%m%d')}.zip")
