"""Staff pages ``/staff/requests``: borrowers' correction and deletion requests, nearest deadline first."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.audit.services import record_read
from portal.i18n import local_today
from portal.navigation import action_addresses
from portal.privacy import queries, services
from portal.privacy.forms import AnswerForm
from portal.privacy.rules import RequestError
from portal.security import gate

bp = Blueprint("staff_privacy", __name__, url_prefix="/staff/requests")
gate(bp, kind="staff", login_endpoint="staff.login")
action_addresses(bp, "detail", "/<int:request_id>/answer")  # a refused answer shows the request again


@bp.context_processor
def _labels() -> dict:
    return {"kind_label": queries.kind_label, "state_label": queries.state_label, "today": local_today()}


@bp.route("")
def queue():
    which = request.args.get("show", "open")
    if which not in queries.QUEUE_FILTERS:
        which = "open"
    return render_template("staff/privacy/queue.html", items=queries.staff_queue(which), which=which)


def _render(item, form=None, status=200):
    form = form or AnswerForm(formdata=None, version=str(item.version))
    return render_template("staff/privacy/detail.html", item=item, form=form), status


@bp.route("/<int:request_id>")
def detail(request_id: int):
    item = queries.request_for_staff(request_id)
    record_read("data_request.viewed", "data_request", item.reference)  # a staff read of personal data
    return _render(item)[0]


_PROBLEMS = {
    "stale": lambda: _("Someone else answered or changed this request meanwhile. Nothing was saved."),
    "answered": lambda: _("This request is answered already."),
}


@bp.route("/<int:request_id>/answer", methods=["POST"])
def answer(request_id: int):
    item = queries.request_for_staff(request_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _render(item, form, 422)
    try:
        services.answer_request(current_user, item, form.version.data, form.outcome.data, form.answer.data)
    except RequestError as exc:  # refused before anything was written
        flash(_PROBLEMS.get(exc.code, _PROBLEMS["stale"])(), "warning")
        return redirect(url_for("staff_privacy.detail", request_id=request_id))
    flash(_("The answer is saved. The borrower sees it on their data page."), "success")
    return redirect(url_for("staff_privacy.queue"))
