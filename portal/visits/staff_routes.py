"""Staff pages of visits: the queue, proposing a visit, one visit (schedule, cancel, record, annotate), roster."""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.audit.services import record_read
from portal.extensions import db
from portal.i18n import fmt_datetime, lender_tz, local_today
from portal.lifecycle import after_rollback
from portal.navigation import action_addresses
from portal.orm import utcnow
from portal.security import gate
from portal.staff.access import require_role
from portal.paging import parse_time_key
from portal.staff.queues import register_queue
from portal.visits import photos, queries, rules, services
from portal.visits.forms import (AnnotateForm, CancelForm, DeclineRemoteForm, LoanChoiceForm, ProposeForm,
                                 RecordForm, ToggleVisitorForm, VersionForm, VisitorForm, problem_message)
from portal.visits.labels import STAFF_STATE_LABELS, template_helpers
from portal.visits.models import Visit

bp = Blueprint("staff_visits", __name__, url_prefix="/staff/visits")
gate(bp, kind="staff", login_endpoint="staff.login")
bp.context_processor(template_helpers)
# The visit's forms post to their own addresses and show the visit again when refused; opened again, they lead to it.
action_addresses(bp, "detail", *(f"/<int:visit_id>/{a}" for a in ("schedule", "cancel", "decline-remote", "record",
                                                                   "note")))

_visit_or_404 = queries.staff_visit_or_404


@bp.route("/")
@require_role("agent")
def queue():
    now = utcnow()
    waiting, waiting_count = queries.waiting_for_staff(now)
    after = parse_time_key(request.args.get("after"))
    upcoming, upcoming_count, next_key = queries.upcoming(now, after=after)
    record_read("visits.queue_viewed", "visit", "")
    return render_template("staff/visits/queue.html", waiting=waiting, waiting_count=waiting_count,
                           upcoming=upcoming, upcoming_count=upcoming_count, next_key=next_key,
                           later_page=after is not None, now=now)


def _ask_for_loan(choice: LoanChoiceForm):
    """``/staff/visits/new`` without a loan asks for its reference; an empty or unknown one is answered next to
    the field (404 for a reference that is no loan's, as for any object that is not found)."""
    if "loan" in request.args:
        choice.no_loan()
    return render_template("staff/visits/choose_loan.html", form=choice), 404 if choice.loan.data else 200


@bp.route("/new", methods=["GET", "POST"])
@require_role("agent")
def new():
    choice = LoanChoiceForm(request.args)
    loan = queries.loan_for_staff(choice.loan.data)
    if loan is None:
        return _ask_for_loan(choice)
    today = local_today()
    first_day = services.first_proposal_day(loan, today)
    form = ProposeForm()
    form.visitors.choices = [SelectChoice(v.id, f"{v.name} · {v.badge_number}") for v in queries.active_visitors()]
    if request.method == "GET":
        form.address.data = loan.borrower.address
        form.day.data = today + timedelta(days=services.policy().min_notice_days)
    problems: list[tuple[str, str | None]] = []
    # Before the loan's visit day the page says so and offers no form: a proposal could only be refused.
    if rules.may_propose(first_day, today) and form.validate_on_submit():
        tz = lender_tz()
        start, end = form.window(tz)
        try:
            with db.session.begin_nested():
                visit = services.propose_visit(current_user, loan, address=form.address.data, start=start,
                                               end=end, purpose=form.purpose.data,
                                               visitor_ids=form.visitors.data or [])
        except services.VisitError as exc:
            problems = form.place_problems({code: rules.problem_fields(code, start, end, services.policy(), tz)
                                            for code in exc.codes})
        else:
            flash(_("The visit is proposed and the borrower is notified by SMS."), "success")
            return redirect(url_for("staff_visits.detail", visit_id=visit.id))
    record_read("loan.viewed_for_visit", "loan", loan.loan_ref)
    return render_template("staff/visits/new.html", form=form, loan=loan, problems=problems, first_day=first_day,
                           may_propose=rules.may_propose(first_day, today),
                           plan_kept=first_day is None and services.plan_kept(loan, today))


def _render_detail(visit: Visit, **forms):
    record_read("visit.viewed", "visit", visit.id)
    version = visit.version
    return render_template(
        "staff/visits/detail.html", visit=visit, rules=rules, now=utcnow(),
        schedule_form=VersionForm(prefix="schedule", version=version),
        cancel_form=forms.get("cancel") or CancelForm(prefix="cancel", version=version),
        decline_form=forms.get("decline") or DeclineRemoteForm(prefix="decline", version=version),
        record_form=forms.get("record") or RecordForm(prefix="record", version=version),
        note_form=forms.get("note") or AnnotateForm(prefix="note"))


@bp.route("/<int:visit_id>")
@require_role("agent")
def detail(visit_id: int):
    return _render_detail(_visit_or_404(visit_id))


def _apply(visit: Visit, form, key: str, action, success: str):
    if not form.validate_on_submit():
        return _render_detail(visit, **{key: form})
    try:
        with db.session.begin_nested():
            action(form)
    except services.VisitError as exc:
        flash(problem_message(exc.codes[0]), "warning")
        return redirect(url_for("staff_visits.detail", visit_id=visit.id))
    flash(success, "success")
    return redirect(url_for("staff_visits.detail", visit_id=visit.id))


@bp.route("/<int:visit_id>/schedule", methods=["POST"])
@require_role("agent")
def schedule(visit_id: int):
    visit = _visit_or_404(visit_id)
    return _apply(visit, VersionForm(prefix="schedule"), "schedule",
                  lambda f: services.schedule_reschedule(current_user, visit, f.version.data),
                  _("The new time is scheduled and the borrower is notified."))


@bp.route("/<int:visit_id>/cancel", methods=["POST"])
@require_role("agent")
def cancel(visit_id: int):
    visit = _visit_or_404(visit_id)
    return _apply(visit, CancelForm(prefix="cancel"), "cancel",
                  lambda f: services.cancel_visit(current_user, visit, f.version.data, f.reason.data),
                  _("The visit is cancelled and the borrower is notified."))


@bp.route("/<int:visit_id>/decline-remote", methods=["POST"])
@require_role("agent")
def decline_remote(visit_id: int):
    visit = _visit_or_404(visit_id)
    return _apply(visit, DeclineRemoteForm(prefix="decline"), "decline",
                  lambda f: services.decline_remote(current_user, visit, f.version.data, f.reason.data),
                  _("The borrower is told that the visit stays at its time, with your reason."))


@bp.route("/<int:visit_id>/record", methods=["POST"])
@require_role("agent")
def record_visit(visit_id: int):
    visit = _visit_or_404(visit_id)

    def act(f):
        day = visit.window_start.astimezone(lender_tz()).date()
        tz = lender_tz()
        services.record_visit(current_user, visit, f.version.data, held=f.held.data == "yes",
                              arrived_at=datetime.combine(day, f.arrived.data, tzinfo=tz),
                              departed_at=datetime.combine(day, f.departed.data, tzinfo=tz),
                              met=f.met.data, identity_shown=f.identity_shown.data == "yes",
                              outcome=f.outcome.data, next_step=f.next_step.data)

    return _apply(visit, RecordForm(prefix="record"), "record", act, _("The visit record is saved."))


@bp.route("/<int:visit_id>/note", methods=["POST"])
@require_role("agent")
def annotate(visit_id: int):
    visit = _visit_or_404(visit_id)
    return _apply(visit, AnnotateForm(prefix="note"), "note",
                  lambda f: services.annotate(current_user, visit, f.text.data), _("The note is added."))


# ---- roster (supervisors) --------------------------------------------------------------------------------

def _agency_choices() -> list[tuple[str, str]]:
    from portal.agencies.queries import choices
    from portal.i18n import current_locale

    locale = current_locale()
    return [("", _("The lender's own staff"))] + [(str(a.id), f"{a.code} · {a.name_for(locale)}") for a in choices()]


@bp.route("/roster", methods=["GET", "POST"])
@require_role("supervisor")
def roster():
    form = VisitorForm()
    form.agency.choices = _agency_choices()
    photo_error = None
    if form.validate_on_submit():
        data = photos.read_upload(form.photo.data)
        try:
            with db.session.begin_nested():
                if data:
                    photos.check_photo(data)
                visitor = services.add_visitor(current_user, form.name.data, form.badge.data, None,
                                               int(form.agency.data) if form.agency.data else None)
                if data:  # the file is written only once the row is valid, and removed if the commit fails
                    name = visitor.photo_name = photos.save_photo(data)
                    after_rollback(partial(photos.delete_photo, name))
        except photos.PhotoError as exc:
            photo_error = {"too_large": _("The photo is larger than 2 MB."),
                           "bad_type": _("The photo must be a JPEG, PNG or WebP image."),
                           "empty": _("The photo file is empty.")}[exc.reason]
        except services.VisitError as exc:
            form.badge.errors = [problem_message(exc.codes[0])]
        else:
            flash(_("The visitor is added to the roster."), "success")
            return redirect(url_for("staff_visits.roster"))
    if photo_error:
        form.photo.errors = [photo_error]
    visitors = queries.roster()
    return render_template("staff/visits/roster.html", form=form, visitors=visitors,
                           toggle_form=ToggleVisitorForm())


@bp.route("/roster/<int:visitor_id>/active", methods=["POST"])
@require_role("supervisor")
def set_active(visitor_id: int):
    visitor = queries.visitor_or_404(visitor_id)
    form = ToggleVisitorForm()
    if form.validate_on_submit():
        services.set_visitor_active(current_user, visitor, form.active.data == "yes")
        flash(_("The roster is updated."), "success")
    return redirect(url_for("staff_visits.roster"))


# ---- "my work" queue -------------------------------------------------------------------------------------

def my_work(_user) -> dict:
    now = utcnow()
    today = local_today()
    visits, count = queries.home_waiting(now, limit=10)
    items = [{"label": _l("Visit %(id)s · %(state)s", id=v.id, state=state_label(v)),
              "who": v.loan.borrower.masked_name, "url": url_for("staff_visits.detail", visit_id=v.id),
              **home_due(v, now, today)} for v in visits]
    return {"title": _l("Visits waiting for you"), "url": url_for("staff_visits.queue"), "count": count,
            "items": items}


def home_due(visit: Visit, now: datetime, today) -> dict:
    """The home's deadline column for a visit waiting for staff. A visit whose time has passed waits for its
    record, due ``rules.record_due`` after its window (overdue only once that has passed); a borrower's request or
    a disputed record has no set deadline: how long it has waited since the borrower's answer, as plans say."""
    if visit.state in rules.SCHEDULED_STATES and visit.window_end < now:
        due = rules.record_due(visit.window_end)
        # Translators: staff home, deadline column: the visit's time has passed; its record is due by this time
        return {"due_text": _("Record the visit by %(when)s", when=fmt_datetime(due, "short")),
                "urgency": "overdue" if due < now
                else "due-today" if due.astimezone(lender_tz()).date() == today else None}
    since = visit.answered_at or visit.updated_at
    return {"due_text": _("Waiting %(days)d days", days=max(0, (now - since).days)), "urgency": None}


def state_label(visit: Visit) -> str:
    if visit.record_answer == "disputed":
        return str(_l("record disputed"))
    return str(STAFF_STATE_LABELS[visit.state])


bp.record_once(lambda state: register_queue(state.app, my_work))
