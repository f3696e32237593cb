"""Borrower pages: list, file, follow up, download own evidence, export."""
from __future__ import annotations

import secrets

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal import uploads
from portal.complaints import export, queries, services
from portal.complaints.blueprint import bp
from portal.complaints.files import chosen, read_files
from portal.complaints.follow_up import handle_follow_up, review_form_for
from portal.complaints.forms import ComplaintForm, FollowUpForm, choice_list
from portal.complaints.models import Complaint
from portal.extensions import db
from portal.forms import ActionForm
from portal.i18n import current_locale, local_today
from portal.loans.models import Loan
from portal.security import db_id
from portal.visits.queries import borrower_visit

def own_visit_id(raw) -> int | None:
    """A visit id only when it is one of this borrower's visits (loaded through the visits domain's check)."""
    visit_id = db_id(raw)
    return visit_id if visit_id and borrower_visit(current_user, visit_id) is not None else None


@bp.route("/complaints")
def index():
    complaints = queries.complaints_of(current_user, local_today())
    return render_template("complaints/index.html", complaints=complaints)


@bp.route("/complaints/new", methods=["GET", "POST"])
def new():
    form = ComplaintForm()
    loans = queries.loans_to_choose(current_user)
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
    filing = services.Filing.from_form(form, loans, contact_phone=current_user.phone,
                                       visit_id=own_visit_id(form.visit_id.data), locale=current_locale(),
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
    complaint = queries.complaint_for_borrower(current_user, reference)
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


@bp.route("/complaints/<reference>/evidence/<int:evidence_id>")
def evidence(reference: str, evidence_id: int):
    complaint = queries.complaint_for_borrower(current_user, reference)
    item = queries.evidence_of(complaint, evidence_id)
    return uploads.download(item.stored_name, item.mime, export.download_name(item))


@bp.route("/complaints/<reference>/export")
def export_complaint(reference: str) -> Response:
    return export.bundle(queries.complaint_for_borrower(current_user, reference), audience="borrower")

