"""Following up a complaint, for the borrower and for a third party with access: reply or add evidence, accept the
decision, or say why they are not satisfied (a review request)."""
from __future__ import annotations

from flask import abort, flash, request
from flask_babel import gettext as _

from portal.complaints import rules, services
from portal.complaints.files import read_files
from portal.complaints.forms import FollowUpForm, ReviewRequestForm
from portal.complaints.models import Complaint
from portal.extensions import db
from portal.forms import ActionForm


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
