"""Borrower pages: ``/plans``, ``/plans/new?loan=<loan_ref>`` (three steps, each a POST) and ``/plans/<id>``."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from portal.extensions import db
from portal.forms import ActionForm
from portal.i18n import local_today
from portal.loans.queries import loan_for_borrower, loans_of
from portal.plans import queries, rules, services
from portal.plans.forms import BudgetForm, SendForm, TermsForm, limits
from portal.plans.labels import KIND_HINTS, labels
from portal.plans.page import accrual_text, plan_page
from portal.security import gate
from portal.uploads import UploadError

bp = Blueprint("plans", __name__, url_prefix="/plans")
gate(bp, kind="borrower", login_endpoint="accounts.login")

STEPS = {1: ("terms", TermsForm), 2: ("budget", BudgetForm)}


@bp.context_processor
def _labels() -> dict:
    return labels() | {"kind_hints": KIND_HINTS, "plan_limits": limits(), "max_proofs": services.MAX_PROOFS}


@bp.route("")
def index():
    proposals = queries.proposals_of(current_user)
    busy = {p.loan_id for p in proposals if p.state in rules.OPEN_STATES + rules.AGREED_STATES}
    loans = [loan for loan in loans_of(current_user) if loan.id not in busy]
    return render_template("plans/index.html", proposals=proposals, loans=loans)


def _loan():
    return loan_for_borrower(current_user, request.args.get("loan", ""))


def _stored_form(step: int, data: dict, csrf: bool = False):
    """A step's form filled from the draft (to show it again, or, without CSRF, to check it)."""
    name, form_class = STEPS[step]
    return form_class(formdata=MultiDict(data.get(name, {})), **({} if csrf else {"meta": {"csrf": False}}))


@bp.route("/new", methods=["GET", "POST"])
def new():
    loan = _loan()
    existing = services.open_proposal(loan)
    if existing is not None:
        if existing.state in rules.AGREED_STATES:
            flash(_("This loan already has an agreed repayment plan. Keep to it; if your situation changes, call "
                    "our official number."), "info")
        else:
            flash(_("You already have an open proposal for this loan. You can follow it or withdraw it here."),
                  "info")
        return redirect(url_for("plans.detail", proposal_id=existing.id))
    step = request.args.get("step", 1, type=int)
    if step == 3:
        return _preview(loan)
    if step not in STEPS:
        abort(404)
    draft = services.find_draft(current_user, loan)
    if request.method == "GET":
        form = _stored_form(step, services.draft_data(draft), csrf=True) if draft else STEPS[step][1]()
        return _render_step(loan, step, form, draft)
    form = STEPS[step][1]()
    valid = form.validate()
    if "csrf_token" in form.errors:  # an expired form saves nothing
        return _render_step(loan, step, form, draft), 400
    if step == 1 and valid and form.kind.data not in rules.kinds_for(services.owed_of(loan, local_today())):
        form.kind.errors.append(_plan_error("nothing_due"))  # a kind the page did not offer for this loan
        valid = False
    draft = services.save_step(current_user, loan, STEPS[step][0], request.form.to_dict(),
                               fields=[field.name for field in form])
    file_errors = _save_proofs(draft) if step == 2 else []
    if request.form.get("back"):
        return redirect(url_for("plans.new", loan=loan.loan_ref, step=step - 1))
    if not valid or file_errors:
        if file_errors:
            form.proofs.errors = file_errors
        return _render_step(loan, step, form, draft), 422
    jump = 3 if request.form.get("to_preview") and "budget" in services.draft_data(draft) else step + 1
    return redirect(url_for("plans.new", loan=loan.loan_ref, step=jump))


_UPLOAD_MESSAGES = {
    "empty": lambda: _("The file %(name)s is empty."),
    "too_large": lambda: _("The file %(name)s is too large."),
    "bad_type": lambda: _("The file %(name)s is not a photo or PDF."),
    "too_many": lambda: _("The file %(name)s was not added: you can add at most 5 files."),
}


def _save_proofs(draft) -> list[str]:
    from portal.uploads import read_limited

    errors = []
    for storage in request.files.getlist("proofs"):
        if not storage or not storage.filename:
            continue
        try:
            services.add_proof(draft, storage.filename, read_limited(storage.stream))
        except UploadError as exc:
            errors.append(_UPLOAD_MESSAGES[exc.reason]() % {"name": storage.filename[-60:]})
    return errors


def _render_step(loan, step: int, form, draft):
    owed = services.owed_of(loan, local_today())
    return render_template(f"plans/step{step}.html", loan=loan, step=step, form=form, draft=draft, owed=owed,
                           allowed_kinds=rules.kinds_for(owed))


def _checked_draft(loan):
    """The draft with both steps valid, or a response that sends the borrower back to the step to fix."""
    draft = services.find_draft(current_user, loan)
    data = services.draft_data(draft)
    for step in STEPS:
        form = _stored_form(step, data)
        if not form.validate():
            if draft is None or STEPS[step][0] not in data:
                return None, None, redirect(url_for("plans.new", loan=loan.loan_ref, step=step))
            return None, None, (_render_step(loan, step, _shown(step, data, form), draft), 422)
    return draft, (_stored_form(1, data), _stored_form(2, data)), None


def _shown(step: int, data: dict, checked):
    """The step's form to show again (with a CSRF token), carrying the errors found when checking it."""
    shown = _stored_form(step, data, csrf=True)
    for name, field in checked._fields.items():
        if name in shown._fields:
            shown[name].errors = list(field.errors)
    return shown


def _preview(loan, send_form=None, status=200):
    draft, forms, answer = _checked_draft(loan)
    if answer is not None:
        return answer
    terms_form, budget_form = forms
    try:
        result = services.preview(loan, terms_form.terms(), budget_form.budget(), local_today())
    except rules.PlanError as exc:
        shown = _shown(1, services.draft_data(draft), terms_form)
        shown.kind.errors = [_plan_error(exc.code)]
        return _render_step(loan, 1, shown, draft), 422
    form = send_form or SendForm(formdata=None, token=draft.draft_token, digest=result.digest)
    return render_template("plans/step3.html", loan=loan, step=3, result=result, budget=budget_form.budget(),
                           terms=terms_form.terms(), hardship=budget_form.hardship_reason.data, form=form,
                           draft=draft, as_of=result.schedule.start,
                           accrual=accrual_text("draft", result.schedule.start)), status


def _plan_error(code: str) -> str:
    if code == "nothing_owed":
        return _("Nothing is owed on this loan now, so there is nothing to plan.")
    if code == "nothing_due":
        return _("Nothing is due now on this loan, so there is nothing to pay later or to waive. Choose "
                 "instalments, or pay the instalments on their dates.")
    if code == "too_small":
        return _("The amount owed is too small for that many months. Choose fewer months.")
    return _("These terms are not possible. Please choose other terms.")


@bp.route("/new/send", methods=["POST"])
def send():
    loan = _loan()
    form = SendForm()
    draft = services.find_draft(current_user, loan)
    if draft is None or not form.validate_on_submit() or form.token.data != draft.draft_token:
        existing = services.open_proposal(loan)
        if existing is not None:  # sent already (a second tap, or another window)
            return redirect(url_for("plans.detail", proposal_id=existing.id))
        flash(_("The proposal changed in another window. Please check it again before sending."), "warning")
        return redirect(url_for("plans.new", loan=loan.loan_ref, step=3))
    _draft, forms, answer = _checked_draft(loan)
    if answer is not None:
        return answer
    terms_form, budget_form = forms
    try:
        result = services.preview(loan, terms_form.terms(), budget_form.budget(), local_today())
    except rules.PlanError:
        return redirect(url_for("plans.new", loan=loan.loan_ref, step=3))
    if result.digest != form.digest.data:
        flash(_("The amounts were updated since you opened the preview. Please check them again."), "warning")
        return redirect(url_for("plans.new", loan=loan.loan_ref, step=3))
    try:
        with db.session.begin_nested():
            services.submit(draft, terms_form.terms(), budget_form.budget(), budget_form.hardship_reason.data,
                            budget_form.hardship_detail.data or "", result)
    except services.PlanInForce as exc:
        flash(_("This loan already has an agreed repayment plan. Keep to it; if your situation changes, call "
                "our official number.") if exc.existing.state in rules.AGREED_STATES else
              _("You already have an open proposal for this loan. You can follow it or withdraw it here."), "info")
        return redirect(url_for("plans.detail", proposal_id=exc.existing.id))
    except (IntegrityError, StaleDataError):
        existing = services.open_proposal(loan)
        if existing is None:
            raise
        return redirect(url_for("plans.detail", proposal_id=existing.id))
    flash(_("Your proposal has been sent. We will answer by SMS and on this page."), "success")
    return redirect(url_for("plans.detail", proposal_id=draft.id))


@bp.route("/new/proofs/<int:proof_id>/remove", methods=["POST"])
def remove_proof(proof_id: int):
    loan = _loan()
    draft = services.find_draft(current_user, loan)
    if draft is None or not ActionForm().validate_on_submit():
        abort(404)
    services.remove_proof(draft, proof_id)  # the file goes once the row is gone for good (after the commit)
    return redirect(url_for("plans.new", loan=loan.loan_ref, step=2))


@bp.route("/<int:proposal_id>")
def detail(proposal_id: int):
    p = queries.proposal_for_borrower(current_user, proposal_id)
    page = plan_page(p)
    return render_template("plans/detail.html", p=p, page=page, form=ActionForm(),
                           counter_late=_dates_passed_text() if page.counter_late else None)


def _dates_passed_text() -> str:
    return _("The first payment date of the lender's terms has passed, so they can no longer be accepted as they "
             "are. You can withdraw this proposal and send a new one, whose dates start from the day you send it, "
             "or call our official number %(hotline)s.", hotline=current_app.config["LENDER_HOTLINE"])


@bp.route("/<int:proposal_id>/accept", methods=["POST"])
def accept(proposal_id: int):
    return _answer(proposal_id, "accept")


@bp.route("/<int:proposal_id>/withdraw", methods=["POST"])
def withdraw(proposal_id: int):
    return _answer(proposal_id, "withdraw")


def _answer(proposal_id: int, action: str):
    p = queries.proposal_for_borrower(current_user, proposal_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        with db.session.begin_nested():
            getattr(services, action)(p, current_user, request.form.get("version"))
    except (services.StaleProposal, StaleDataError, rules.InvalidTransition):
        flash(_("This proposal changed in the meantime. Please look at it again."), "warning")
        return redirect(url_for("plans.detail", proposal_id=proposal_id))
    except services.DatesPassed:
        flash(_dates_passed_text(), "warning")
        return redirect(url_for("plans.detail", proposal_id=proposal_id))
    flash(_("You accepted the lender's terms. The new schedule now shows on your loan page.") if action == "accept"
          else _("You withdrew the proposal. You can send a new one at any time."), "success")
    return redirect(url_for("plans.detail", proposal_id=proposal_id))
