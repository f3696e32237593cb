"""Borrower pages of visits (list, detail, answers), the public visitor check and visitor photos."""
from __future__ import annotations

from flask import (Blueprint, Response, abort, current_app, flash, make_response, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.attention import register_attention
from portal.extensions import db, limiter
from portal.i18n import fmt_date, fmt_time, lender_tz, local_now
from portal.navigation import action_addresses
from portal.security import gate
from portal.visits import queries, rules, services
from portal.visits.forms import (DisputeForm, FamilyForm, RemoteForm, RescheduleForm, VerifyVisitorForm,
                                 VersionForm, problem_message)
from portal.loans.panels import register_loan_panel
from portal.visits.labels import template_helpers
from portal.visits.panels import needs_you as visits_needing_you
from portal.visits.panels import visit_badges
from portal.visits.photos import open_photo, photo_mimetype

bp = Blueprint("visits", __name__)
gate(bp, kind="borrower", login_endpoint="accounts.login",
     public=frozenset({"visits.verify_visitor", "visits.visitor_photo"}))
bp.context_processor(template_helpers)
# The visit's answers post to their own addresses and show the visit again when refused; opened again, they lead to it.
action_addresses(bp, "detail", *(f"/visits/<int:visit_id>/{a}" for a in ("confirm", "reschedule", "remote", "family",
                                                                          "record/confirm", "record/dispute")))
bp.record_once(lambda state: register_loan_panel(state.app, visit_badges))
bp.record_once(lambda state: register_attention(state.app, visits_needing_you))


def _visit_or_404(visit_id: int):
    visit = queries.borrower_visit(current_user, visit_id)
    if visit is None:
        abort(404)
    return visit


def _slot_choices(visit) -> tuple[list[SelectChoice], dict[str, str]]:
    """Radio choices (value, "09:00–12:00") and the day heading of each value's first 8 characters."""
    tz = lender_tz()
    slots = services.slots_for(visit)
    choices = [SelectChoice(rules.slot_key(s, tz), f"{fmt_time(s)}–{fmt_time(e)}") for s, e in slots]
    days = {rules.slot_key(s, tz)[:8]: fmt_date(s, "full") for s, _e in slots}
    return choices, days


def _render_detail(visit, **forms):
    """The visit page. Moving it is two steps that work without JavaScript: a GET form picks the day
    (``?day=YYYYMMDD``), then the POST form lists only that day's free slots."""
    resched = forms.get("resched") or RescheduleForm(prefix="resched", version=visit.version)
    slot_days: dict[str, str] = {}
    day = None
    if rules.can(visit.state, "request_reschedule"):
        choices, slot_days = _slot_choices(visit)
        wanted = request.args.get("day") or request.form.get("day") or (resched.slot.data or "")[:8]
        day = wanted if wanted in slot_days else None
        resched.slot.choices = [c for c in choices if day and c.value[:8] == day]
    forms = {
        "confirm_form": forms.get("confirm") or VersionForm(prefix="confirm", version=visit.version),
        "resched_form": resched,
        "remote_form": forms.get("remote") or RemoteForm(prefix="remote", version=visit.version),
        "family_form": forms.get("family") or FamilyForm(
            prefix="family", version=visit.version,
            allowed=None if visit.family_contact_allowed is None else "yes" if visit.family_contact_allowed else "no"),
        "record_form": VersionForm(prefix="record", version=visit.version),
        "dispute_form": forms.get("dispute") or DisputeForm(prefix="dispute", version=visit.version),
    }
    return render_template("visits/detail.html", visit=visit, rules=rules, slot_days=slot_days, slot_day=day,
                           reschedules_left=rules.reschedules_left(visit.reschedule_count, services.policy()),
                           **forms)


def _apply(visit, form, action, success: str, key: str):
    """Validate ``form``, run ``action`` (undone alone if refused); redirect (or re-render with the errors)."""
    if not form.validate_on_submit():
        return _render_detail(visit, **{key: form})
    try:
        with db.session.begin_nested():
            action(form)
    except services.VisitError as exc:
        flash(problem_message(exc.codes[0]), "warning")
        return redirect(url_for("visits.detail", visit_id=visit.id))
    flash(success, "success")
    return redirect(url_for("visits.detail", visit_id=visit.id))


@bp.route("/visits")
def index():
    return render_template("visits/index.html", visits=queries.borrower_visits(current_user))


@bp.route("/visits/<int:visit_id>")
def detail(visit_id: int):
    return _render_detail(_visit_or_404(visit_id))


@bp.route("/visits/<int:visit_id>/confirm", methods=["POST"])
def confirm(visit_id: int):
    visit = _visit_or_404(visit_id)
    return _apply(visit, VersionForm(prefix="confirm"),
                  lambda f: services.confirm(current_user, visit, f.version.data),
                  _("Thank you. The visit is confirmed."), "confirm")


@bp.route("/visits/<int:visit_id>/reschedule", methods=["POST"])
def reschedule(visit_id: int):
    visit = _visit_or_404(visit_id)
    form = RescheduleForm(prefix="resched")
    form.slot.choices, _days = _slot_choices(visit)
    return _apply(visit, form, lambda f: services.request_reschedule(current_user, visit, f.version.data,
                                                                     f.slot.data),
                  _("Your new time is sent. Staff will confirm it to you by SMS."), "resched")


@bp.route("/visits/<int:visit_id>/remote", methods=["POST"])
def remote(visit_id: int):
    visit = _visit_or_404(visit_id)
    return _apply(visit, RemoteForm(prefix="remote"),
                  lambda f: services.request_remote(current_user, visit, f.version.data, f.reason.data),
                  _("Your request for a video call is sent. Staff will contact you about it."), "remote")


@bp.route("/visits/<int:visit_id>/family", methods=["POST"])
def family(visit_id: int):
    visit = _visit_or_404(visit_id)
    return _apply(visit, FamilyForm(prefix="family"),
                  lambda f: services.set_family_contact(current_user, visit, f.version.data, f.allowed.data == "yes"),
                  _("Your choice is saved. The visitors will see it."), "family")


@bp.route("/visits/<int:visit_id>/record/confirm", methods=["POST"])
def record_confirm(visit_id: int):
    visit = _visit_or_404(visit_id)
    return _apply(visit, VersionForm(prefix="record"),
                  lambda f: services.answer_record(current_user, visit, f.version.data),
                  _("Thank you. You confirmed the record."), "record")


@bp.route("/visits/<int:visit_id>/record/dispute", methods=["POST"])
def record_dispute(visit_id: int):
    visit = _visit_or_404(visit_id)
    return _apply(visit, DisputeForm(prefix="dispute"),
                  lambda f: services.answer_record(current_user, visit, f.version.data, dispute_text=f.text.data),
                  _("Your dispute is saved. Staff will look into it and reply to you."), "dispute")


def _too_many_checks(_limit):
    return make_response(render_template("visits/verify_limited.html"), 429)


@bp.route("/verify-visitor", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["VISIT_CHECK_LIMIT"], methods=["POST"],
               on_breach=_too_many_checks)
def verify_visitor():
    form = VerifyVisitorForm()
    result = checked = timing = None
    now = local_now()
    if form.validate_on_submit():
        result = services.check_visitor(form.badge.data, form.code.data, now.date())
        checked = True
        if result:  # outside the visit's window the page says so (lender's time)
            timing = rules.window_timing(result[1].window_start, result[1].window_end, now)
    return render_template("visits/verify.html", form=form, checked=checked, result=result, timing=timing, now=now)


@bp.route("/visitor-photos/<name>")
def visitor_photo(name: str):
    try:
        with open_photo(name) as fh:
            data = fh.read()
    except FileNotFoundError:
        abort(404)
    return Response(data, mimetype=photo_mimetype(name))
