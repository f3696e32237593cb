"""Public pages for family members and other third parties: report, one-time secret, follow a report."""
from __future__ import annotations

import secrets

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from portal import uploads
from portal.accounts.rules import normalize_phone
from portal.audit.services import record
from portal.complaints import export, grants, queries, services
from portal.complaints.files import chosen, read_files
from portal.complaints.forms import FollowUpForm, ReportForm, StatusLookupForm
from portal.complaints.models import Complaint
from portal.complaints.blueprint import bp
from portal.complaints.follow_up import handle_follow_up, review_form_for
from portal.extensions import db, limiter
from portal.forms import ActionForm
from portal.i18n import current_locale

GRANT = "report_grant"      # the token of a server-side ReportGrant (see grants.py), never the reference
DONE = "report_done"
ISSUED = "report_tokens"      # form tokens this browser session was given (the secret derives from one)
FINISHED = "report_finished"  # tokens whose secret this session has already been shown
KEEP_TOKENS = 5


def _remember(key: str, token: str) -> None:
    tokens = [t for t in session.get(key, []) if t != token]
    session[key] = (tokens + [token])[-KEEP_TOKENS:]


def _lookup_limit() -> str:
    return current_app.config["REPORT_STATUS_LIMIT"]


def _report_limit() -> str:
    return current_app.config["REPORT_FILING_LIMIT"]


@bp.route("/report", methods=["GET", "POST"])
@limiter.limit(_report_limit, methods=["POST"])
def report():
    form = ReportForm()
    expired = False
    if request.method == "POST" and form.token.data in session.get(FINISHED, []):
        return redirect(url_for("complaints.report_done", again=1))  # sent again after the secret was shown
    if form.validate_on_submit():
        token = form.token.data
        # The secret is derived from the token, so only the session the token was issued to may use it: a token
        # copied to another device (or guessed) files nothing and reveals nothing.
        if token in session.get(ISSUED, []):
            files = read_files(form.evidence)
            if files is not None:
                key = f"r:{token}"
                complaint = services.find_by_key(key) or _file(form, files, key, services.secret_for_token(token))
                session[DONE] = [complaint.reference, token]
                return redirect(url_for("complaints.report_done"))
        elif (sent := services.find_by_key(f"r:{token}")) is not None:
            # Sent already from the browser the form was given to: say so (the reference alone opens nothing), so
            # nobody sends it twice; the secret stays with the session that sent it.
            flash(_("This report was already sent from another browser or device, with reference %(ref)s. Its "
                    "secret was shown once, there. To follow it, enter the reference and that secret.",
                    ref=sent.reference), "info")
            return redirect(url_for("complaints.report_status"))
        else:
            expired = True
    if request.method == "GET" or expired:
        form.token.data = secrets.token_urlsafe(24)
        _remember(ISSUED, form.token.data)
    return render_template("complaints/report.html", form=form, expired=expired,
                           files_lost=request.method == "POST" and bool(chosen(form.evidence)))


def _file(form: ReportForm, files, key, secret: str) -> Complaint:
    filing = services.Filing(
        categories=form.categories.data, channel=form.channel.data, what_happened=form.what_happened.data,
        occurred_on=form.occurred_on.data, occurred_time=form.occurred_time.data,
        collector_name=form.collector_name.data, collector_badge=form.collector_badge.data,
        collector_phone=form.collector_phone.data, outcome_wanted=form.outcome_wanted.data,
        preferred_contact=form.preferred_contact.data, contact_phone=normalize_phone(form.contact_phone.data),
        reporter_name=form.reporter_name.data, reporter_relation=form.reporter_relation.data,
        debtor_name=form.debtor_name.data, locale=current_locale(), files=files)
    try:
        with db.session.begin_nested():
            complaint, _secret = services.file_complaint(filing, key=key, secret=secret)
    except IntegrityError:  # the same form sent twice at once
        complaint = services.find_by_key(key)
        if complaint is None:
            raise
    return complaint


@bp.route("/report/done")
def report_done():
    done = session.pop(DONE, None)
    reference, token = done if isinstance(done, list) and len(done) == 2 else (None, None)
    complaint = queries.by_reference(reference)
    if complaint is None:
        if request.args.get("again"):
            flash(_("This report was already sent. Its secret was shown once, when you sent it."), "info")
            return redirect(url_for("complaints.report_status"))
        return redirect(url_for("complaints.report"))
    secret = services.secret_for_token(token)  # shown once: the session entry is gone after this page
    session[ISSUED] = [t for t in session.get(ISSUED, []) if t != token]
    _remember(FINISHED, token)
    _grant(complaint)
    return render_template("complaints/report_done.html", complaint=complaint, secret=secret)


def _grant(complaint: Complaint) -> None:
    old = session.get(GRANT)
    if old:
        grants.revoke(old)
    session[GRANT] = grants.issue(complaint)


def _granted() -> Complaint | None:
    token = session.get(GRANT)
    return grants.complaint_for(token) if isinstance(token, str) else None


@bp.route("/report/status", methods=["GET", "POST"])
@limiter.limit(_lookup_limit, methods=["POST"], exempt_when=lambda: request.form.get("action") != "lookup")
def report_status():
    action = request.form.get("action") if request.method == "POST" else None
    lookup = StatusLookupForm() if action == "lookup" else StatusLookupForm(formdata=None)
    if action == "leave":
        if ActionForm().validate_on_submit():
            token = session.pop(GRANT, None)
            if isinstance(token, str):
                grants.revoke(token)
        return redirect(url_for("complaints.report_status"))
    failed = False
    if action == "lookup" and lookup.validate_on_submit():
        complaint = services.find_report(lookup.reference.data, lookup.secret.data)
        if complaint is not None:
            _grant(complaint)
            return redirect(url_for("complaints.report_status"))
        failed = True
    complaint = _granted()
    if complaint is None:
        return render_template("complaints/report_lookup.html", form=lookup, failed=failed)
    form = FollowUpForm() if action in ("follow_up", "respond") else FollowUpForm(formdata=None)
    review_form = review_form_for(action == "respond")
    if action in ("follow_up", "respond") and handle_follow_up(complaint, form, review_form):
        return redirect(url_for("complaints.report_status"))
    if request.method == "GET":
        services.mark_decision_seen(complaint)
    return render_template("complaints/report_status.html", complaint=complaint, form=form,
                           evidence_url=lambda item: url_for("complaints.report_evidence", evidence_id=item.id),
                           respond_form=ActionForm(formdata=None), review_form=review_form,
                           files_lost=action == "follow_up" and bool(chosen(form.evidence)))


@bp.route("/report/export")
def report_export():
    complaint = _granted()
    if complaint is None:
        abort(404)
    return export.bundle(complaint, audience="third_party")


@bp.route("/report/evidence/<int:evidence_id>")
def report_evidence(evidence_id: int):
    """The reporter's own evidence, for the browser session that has access to the report (attachment only)."""
    complaint = _granted()
    item = queries.evidence_of(complaint, evidence_id)
    record("complaint.evidence_downloaded", "complaint", complaint.reference, evidence=item.id, sha256=item.sha256,
           third_party=True)
    return uploads.download(item.stored_name, item.mime, export.download_name(item))
