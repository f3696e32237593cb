"""Staff pages: ``/staff/plans`` (queue, oldest first) and ``/staff/plans/<id>`` (budget, proof, decisions).

Roles: agents open proposals, start the review and decline (with a reason); approving and counter-offering
commit the lender to new terms and need the supervisor role (``rules.TRANSITIONS``)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from portal.audit.services import record_read
from portal.extensions import db
from portal.i18n import local_today
from portal.navigation import action_addresses
from portal.plans import queries, rules, services
from portal.plans.forms import CounterForm, DeclineForm, VersionForm, limits
from portal.plans.labels import labels
from portal.security import gate
from portal.staff.access import require_role
from portal.uploads import download

bp = Blueprint("staff_plans", __name__, url_prefix="/staff/plans")
gate(bp, kind="staff", login_endpoint="staff.login")
# The decisions post to their own addresses and show the proposal again when refused; opened again, they lead to it.
action_addresses(bp, "detail", *(f"/<int:proposal_id>/{a}" for a in ("review", "approve", "decline", "counter")))


@bp.context_processor
def _labels() -> dict:
    return labels() | {"age_days": queries.age_days, "plan_limits": limits()}


@bp.route("")
def queue():
    which = request.args.get("show", "waiting")
    if which not in queries.QUEUE_FILTERS:
        which = "waiting"
    proposals, next_key = queries.staff_queue(which, request.args.get("after"))
    record_read("plan.queue_viewed", "plan", "", status=which)  # the list names the borrowers
    return render_template("staff/plans/queue.html", proposals=proposals, which=which, next_key=next_key)


def _forms(p, counter_form=None, decline_form=None) -> dict:
    """The decision forms, each with its own prefix (``decline-note``, ``counter-version``…): the fields of the
    forms on one page have distinct ids, so every label names its own field."""
    version = str(p.version)
    return {"review_form": VersionForm(formdata=None, version=version, prefix="review"),
            "approve_form": VersionForm(formdata=None, version=version, prefix="approve"),
            "decline_form": decline_form or DeclineForm(formdata=None, version=version, prefix="decline"),
            "counter_form": counter_form or CounterForm(formdata=None, version=version, prefix="counter")}


def _render(p, status=200, counter_preview=None, counter_error=None, **forms):
    proposed = services.saved_schedule(p)
    counter = services.saved_schedule(p, "counter") if p.counter_kind else None
    budget = services.budget_of(p)
    return render_template(
        "staff/plans/detail.html", p=p, proposed=proposed, counter=counter, budget=budget,
        afford=rules.affordability(budget, proposed, limits()), actions=rules.decisions_for(p.state, current_user.role),
        counter_preview=counter_preview, counter_error=counter_error,
        counter_afford=rules.affordability(budget, counter_preview.schedule, limits()) if counter_preview else None,
        **_forms(p, **forms)), status


@bp.route("/<int:proposal_id>")
def detail(proposal_id: int):
    p = queries.proposal_for_staff(proposal_id)
    record_read("plan.viewed", "plan", p.id)  # the budget and hardship are personal data
    return _render(p)


def _stale(proposal_id: int):
    flash(_("Someone else changed this proposal in the meantime. Nothing was saved; here is the current version."),
          "warning")
    return redirect(url_for("staff_plans.detail", proposal_id=proposal_id))


def _done(proposal_id: int, message: str):
    flash(message, "success")
    return redirect(url_for("staff_plans.detail", proposal_id=proposal_id))


@bp.route("/<int:proposal_id>/review", methods=["POST"])
def review(proposal_id: int):
    p = queries.proposal_for_staff(proposal_id)
    form = VersionForm(prefix="review")
    if not form.validate_on_submit():
        abort(400)
    try:
        with db.session.begin_nested():
            services.start_review(p, current_user, form.version.data)
    except (services.StaleProposal, StaleDataError, rules.InvalidTransition):
        return _stale(proposal_id)
    return _done(proposal_id, _("You started the review."))


@bp.route("/<int:proposal_id>/approve", methods=["POST"])
@require_role("supervisor")
def approve(proposal_id: int):
    p = queries.proposal_for_staff(proposal_id)
    form = VersionForm(prefix="approve")
    if not form.validate_on_submit():
        return _render(p, 422)
    try:
        with db.session.begin_nested():
            services.approve(p, current_user, form.version.data, form.note.data or "")
    except (services.StaleProposal, StaleDataError, rules.InvalidTransition):
        return _stale(proposal_id)
    except services.DatesPassed:
        flash(_("The first payment date of this proposal has passed. Make a counter-offer instead: its dates start "
                "from today."), "warning")
        return redirect(url_for("staff_plans.detail", proposal_id=proposal_id))
    return _done(proposal_id, _("The plan is approved. The borrower was told by SMS."))


@bp.route("/<int:proposal_id>/decline", methods=["POST"])
def decline(proposal_id: int):
    p = queries.proposal_for_staff(proposal_id)
    form = DeclineForm(prefix="decline")
    if not form.validate_on_submit():
        return _render(p, 422, decline_form=form)
    try:
        with db.session.begin_nested():
            services.decline(p, current_user, form.version.data, form.reason.data, form.note.data or "")
    except (services.StaleProposal, StaleDataError, rules.InvalidTransition):
        return _stale(proposal_id)
    return _done(proposal_id, _("The proposal is declined. The borrower was told by SMS."))


@bp.route("/<int:proposal_id>/counter", methods=["POST"])
@require_role("supervisor")
def counter(proposal_id: int):
    p = queries.proposal_for_staff(proposal_id)
    form = CounterForm(prefix="counter")
    if not form.validate_on_submit():
        return _render(p, 422, counter_form=form)
    try:
        result = services.preview(p.loan, form.terms(), None, local_today())
    except rules.PlanError:
        return _render(p, 422, counter_form=form,
                       counter_error=_("These terms are not possible for what is owed now. Choose other terms."))
    if request.form.get("send") != "1" or request.form.get("digest") != result.digest:  # send what was previewed
        return _render(p, counter_form=form, counter_preview=result)
    try:
        with db.session.begin_nested():
            services.counter(p, current_user, form.version.data, form.terms(), result, form.note.data or "")
    except (services.StaleProposal, StaleDataError, rules.InvalidTransition):
        return _stale(proposal_id)
    return _done(proposal_id, _("The counter-offer was sent. The borrower was told by SMS."))


@bp.route("/<int:proposal_id>/proofs/<int:proof_id>")
def proof(proposal_id: int, proof_id: int):
    p = queries.proposal_for_staff(proposal_id)
    item = next((x for x in p.proofs if x.id == proof_id), None)
    if item is None:
        abort(404)
    record_read("plan.proof_downloaded", "plan", p.id, proof=item.id, sha256=item.sha256)
    from portal.uploads import EXTENSIONS

    return download(item.stored_name, item.mime, f"plan-{p.id}-proof-{item.id}.{EXTENSIONS.get(item.mime, 'bin')}")
