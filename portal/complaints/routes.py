"""Borrower pages: list, file, follow up, download own evidence, export."""
from __future__ import annotations

import secrets

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import uploads
from portal.complaints import export, labels, rules, services
from portal.complaints.files import chosen, read_files
from portal.complaints.forms import ComplaintForm, FollowUpForm, ReviewRequestForm, choice_list
from portal.complaints.models import Complaint, ComplaintEvidence
from portal.extensions import db
from portal.visits.services import borrower_visit
from portal.forms import ActionForm
from portal.i18n import current_locale
from portal.loans.models import Loan
from portal.security import gate

bp = Blueprint("complaints", __name__)
gate(bp, kind="borrower", login_endpoint="accounts.login",
     public=frozenset({"complaints.report", "complaints.report_done", "complaints.report_status",
                       "complaints.report_export", "complaints.report_evidence"}))


@bp.app_context_processor
def _labels() -> dict:

    def evidence_link(complaint):
        return lambda item: url_for("complaints.evidence", reference=complaint.reference, evidence_id=item.id)

    return {**labels.template_labels(), "review_until": services.review_until,
            "can_request_review": services.can_request_review, "evidence_link": evidence_link}


def complaint_for_borrower(reference: str) -> Complaint:
    complaint = db.session.scalar(select(Complaint).where(Complaint.reference == reference,
                                                          Complaint.borrower_id == current_user.id))
    if complaint is None:
        abort(404)
    return complaint


def _own_loans() -> list[Loan]:
    return list(db.session.scalars(select(Loan).where(Loan.borrower_id == current_user.id).order_by(Loan.loan_ref)))


def own_visit_id(raw) -> int | None:
    """A visit id only when it is one of this borrower's visits (loaded through the visits domain's check)."""
    try:
        visit_id = int(raw)
    except (TypeError, ValueError):
        return None
    return visit_id if borrower_visit(current_user, visit_id) is not None else None


@bp.route("/complaints")
def index():
    complaints = list(db.session.scalars(select(Complaint).where(Complaint.borrower_id == current_user.id)
                                         .order_by(Complaint.received_at.desc())))
    return render_template("complaints/index.html", complaints=complaints)


@bp.route("/complaints/new", methods=["GET", "POST"])
def new():
    form = ComplaintForm()
    loans = _own_loans()
    form.loan.choices = choice_list([("", _("Not about one loan / not sure"))]
                                    + [(loan.loan_ref, loan.loan_ref) for loan in loans])
    if request.method == "GET":
        form.token.data = secrets.token_urlsafe(24)
        wanted = request.args.get("loan")
        form.loan.data = wanted if any(loan.loan_ref == wanted for loan in loans) else ""
        visit_id = own_visit_id(request.args.get("visit"))
        form.visit_id.data = str(visit_id) if visit_id else ""
        if visit_id:
            form.channel.data = "visit"
            form.categories.data = ["visit_conduct"]
        elif request.args.getlist("contact"):
            from portal.contacts.complaint_link import prefill

            prefill(form, current_user, request.args.getlist("contact"))
    files_chosen = bool(chosen(form.evidence))
    if form.validate_on_submit():
        files = read_files(form.evidence)
        if files is not None:
            key = f"b{current_user.id}:{form.token.data}" if form.token.data else None
            existing = services.find_by_key(key)
            if existing is None:
                existing = _file(form, loans, files, key)
            return redirect(url_for("complaints.detail", reference=existing.reference))
    return render_template("complaints/new.html", form=form, files_lost=files_chosen and request.method == "POST")


def _file(form: ComplaintForm, loans: list[Loan], files, key) -> Complaint:
    loan = next((loan for loan in loans if loan.loan_ref == form.loan.data), None)
    filing = services.Filing(
        categories=form.categories.data, channel=form.channel.data, what_happened=form.what_happened.data,
        occurred_on=form.occurred_on.data, occurred_time=form.occurred_time.data,
        collector_name=form.collector_name.data, collector_badge=form.collector_badge.data,
        collector_phone=form.collector_phone.data, outcome_wanted=form.outcome_wanted.data,
        preferred_contact=form.preferred_contact.data, contact_phone=current_user.phone,
        loan_id=loan.id if loan else None, visit_id=own_visit_id(form.visit_id.data), locale=current_locale(),
        files=files)
    try:
        with db.session.begin_nested():
            complaint, _secret = services.file_complaint(filing, borrower=current_user, key=key)
            if form.contact_ids.data:
                from portal.contacts.complaint_link import link

                link(complaint, current_user, form.contact_ids.data)
    except IntegrityError:  # the same form sent twice at once: the other request created it
        complaint = services.find_by_key(key)
        if complaint is None:
            raise
    flash(_("Your complaint has been received. Your reference is %(ref)s.", ref=complaint.reference), "success")
    return complaint


@bp.route("/complaints/<reference>", methods=["GET", "POST"])
def detail(reference: str):
    complaint = complaint_for_borrower(reference)
    form = FollowUpForm()
    review_form = review_form_for(request.method == "POST" and request.form.get("action") == "respond")
    if request.method == "POST":
        if handle_follow_up(complaint, form, review_form):
            return redirect(url_for("complaints.detail", reference=reference))
    else:
        services.mark_decision_seen(complaint)
    return render_template("complaints/detail.html", complaint=complaint, form=form,
                           respond_form=ActionForm(formdata=None), review_form=review_form,
                           files_lost=request.method == "POST" and bool(chosen(form.evidence)))


def review_form_for(bound: bool) -> ReviewRequestForm:
    return ReviewRequestForm() if bound else ReviewRequestForm(formdata=None)


def handle_follow_up(complaint: Complaint, form: FollowUpForm, review_form: ReviewRequestForm) -> bool:
    """Reply/add evidence, or accept / say not satisfied and why (a review request). True when something was saved."""
    response = request.form.get("response")
    if response:
        if response == rules.NOT_SATISFIED:
            if not review_form.validate_on_submit():
                return False
        elif not ActionForm().validate_on_submit():
            abort(400)
        try:
            with db.session.begin_nested():
                services.respond(complaint, response, review_form.reason.data or "")
        except rules.RuleError as error:
            if error.code == "review_too_late":
                review_form.reason.errors = [_("The 30 days to ask for a review have passed. You can still turn "
                                               "to the bodies listed below.")]
            elif error.code in ("reason_required", "reason_too_long"):
                review_form.reason.errors = [_("Tell us why you are not satisfied.")]
            else:
                flash(_("This answer is not possible at this stage."), "error")
            return False
        if response == rules.NOT_SATISFIED:
            flash(_("Your review request has been received. We will answer you on this page."), "success")
            return True
        flash(_("Thank you. Your answer has been recorded."), "success")
        return True
    if not form.validate_on_submit():
        return False
    files = read_files(form.evidence)
    if files is None:
        return False
    try:
        with db.session.begin_nested():
            services.add_information(complaint, form.body.data or "", files)
    except rules.RuleError as error:
        form.body.errors = [_("Write something or choose a file.") if error.code == "empty" else
                            _("This complaint already has the most files it can hold (%(n)d).",
                              n=rules.MAX_FILES_PER_COMPLAINT)]
        return False
    flash(_("Thank you. We have added this to your complaint."), "success")
    return True


@bp.route("/complaints/<reference>/evidence/<int:evidence_id>")
def evidence(reference: str, evidence_id: int):
    complaint = complaint_for_borrower(reference)
    item = db.session.scalar(select(ComplaintEvidence).where(ComplaintEvidence.id == evidence_id,
                                                             ComplaintEvidence.complaint_id == complaint.id))
    if item is None:
        abort(404)
    return uploads.download(item.stored_name, item.mime, export.download_name(item))


@bp.route("/complaints/<reference>/export")
def export_complaint(reference: str) -> Response:
    return export.bundle(complaint_for_borrower(reference), audience="borrower")


from portal.complaints import report_routes  # noqa: E402,F401  (public third-party pages on this blueprint)
