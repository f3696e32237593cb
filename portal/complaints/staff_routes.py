"""Staff console for complaints: the queue, one complaint with its actions, audited evidence downloads."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from portal import uploads
from portal.accounts.queries import active_staff_names, staff_member
from portal.accounts.rules import mask_name
from portal.audit.services import record, record_read
from portal.complaints import export, labels, queries, rules, services
from portal.complaints.forms import AssignForm, ExtendForm, NoteForm, ReplyForm, ReviewAnswerForm, StateForm, choice_list
from portal.complaints.models import Complaint
from portal.extensions import db
from portal.i18n import fmt_date, lender_tz, local_today
from portal.security import db_id, gate
from portal.staff.access import require_role

bp = Blueprint("staff_complaints", __name__, url_prefix="/staff/complaints")
gate(bp, kind="staff", login_endpoint="staff.login")

_RULE_MESSAGES = {
    "transition": _l("This status change is not possible from the current status."),
    "outcome_required": _l("Choose an outcome category to close the complaint."),
    "explanation_required": _l("Write the explanation the complainant will read."),
    "reason_required": _l("A reason is required."),
    "extension_limit": _l("The decision deadline is already at the 60-day maximum and cannot be extended."),
    "closed": _l("This complaint is closed."),
    "assign_others": _l("Only a supervisor can assign complaints to someone else or move a colleague's complaint."),
    "extension_approval": _l("Extending to 60 days is for especially complex cases and needs a supervisor's "
                             "approval. Ask a supervisor to extend it."),
    "empty": _l("This field is required."),
    "no_review": _l("There is no review request waiting for an answer."),
}
# Rules about one field of the form: their message goes next to that field (and in the form's summary, linked).
_RULE_FIELDS = {"outcome_required": "outcome", "explanation_required": "explanation", "reason_required": "reason",
                "empty": "body"}


complaint_for_staff = queries.complaint_for_staff


def _staff_choices() -> list[tuple[str, str]]:
    return [(str(id_), name) for id_, name in active_staff_names()]


def _assignee_choices(complaint: Complaint) -> list[tuple[str, str]]:
    """The active staff, and the current assignee even if no longer active (so the choice can show them)."""
    choices = _staff_choices()
    current = complaint.assignee
    if current is not None and str(current.id) not in {value for value, _name in choices}:
        choices.append((str(current.id), current.display_name or current.username))
    return choices


@bp.route("")
@require_role("agent")
def queue():
    args = request.args
    flt = queries.QueueFilter(status=args.get("status", "open"), category=args.get("category", ""),
                              channel=args.get("channel", ""), assignee=args.get("assignee", ""),
                              age=args.get("age", ""))
    today = local_today()
    rows, next_key = queries.queue(flt, current_user.id, today, args.get("after"))
    record_read("complaint.queue_viewed", "complaint", "", status=flt.status)
    next_args = {**args.to_dict(), "after": next_key} if next_key else None
    return render_template("staff/complaints/queue.html", rows=rows, flt=flt, today=today,
                           staff_choices=_staff_choices(), next_args=next_args, ages=queries.AGES)


def _forms(complaint: Complaint, bind: str | None = None) -> dict:
    def make(cls, prefix):
        form = cls(prefix=prefix) if bind == prefix else cls(prefix=prefix, formdata=None)
        if bind != prefix:
            form.version.data = str(complaint.version)
        return form

    forms = {"assign": make(AssignForm, "assign"), "note": make(NoteForm, "note"), "reply": make(ReplyForm, "reply"),
             "state": make(StateForm, "state"), "extend": make(ExtendForm, "extend"),
             "review": make(ReviewAnswerForm, "review")}
    # Translators: assignee choice: the complaint is assigned to no one
    forms["assign"].assignee.choices = choice_list([("", _("Nobody"))] + _assignee_choices(complaint))
    if bind != "assign":  # the choice starts at the current assignee: submitting it unchanged changes nothing
        forms["assign"].assignee.data = str(complaint.assignee_id or "")
    order = {s: i for i, s in enumerate(rules.STATES)}
    targets = [(s, labels.STATE_LABELS[s]) for s in sorted(rules.TRANSITIONS[complaint.state], key=order.get)]
    # A required select starts with an empty choice, so that nothing is chosen by accident.
    forms["state"].state.choices = choice_list([("", _("Choose…"))] + targets) if targets else []
    return forms


@bp.route("/<reference>", methods=["GET", "POST"])
@require_role("agent")
def detail(reference: str):
    complaint = complaint_for_staff(reference, page=request.method == "GET")
    action = request.form.get("action") if request.method == "POST" else None
    forms = _forms(complaint, action)
    if action in forms and forms[action].validate_on_submit():
        try:
            with db.session.begin_nested():
                changed = _apply(complaint, action, forms[action])
        except (services.StaleComplaint, StaleDataError):
            complaint = complaint_for_staff(reference)
            forms[action].version.data = str(complaint.version)
            forms[action].form_errors.append(_(
                "Someone else changed this complaint while you were working on it. Nothing was saved. Check the "
                "current state on this page; what you typed is kept below if you still want to send it."))
        except rules.RuleError as error:
            complaint = complaint_for_staff(reference)
            _rule_error(forms[action], error.code)
        else:
            if changed:
                flash(_done_message(complaint, action), "success")
            else:
                flash(_unchanged_message(complaint), "info")
            # The message is at the top of the page: land there, not on the card the form was sent from.
            return redirect(url_for("staff_complaints.detail", reference=reference, _anchor="main"))
    elif action is not None and action not in forms:
        abort(400)
    record_read("complaint.viewed", "complaint", complaint.reference)
    return render_template("staff/complaints/detail.html", complaint=complaint, forms=forms, action=action,
                           today=local_today(), can_extend=rules.can_extend(complaint.extension_level),
                           needs_answer=complaint.id in queries.attention([complaint.id]))


def _rule_error(form, code: str) -> None:
    message = str(_RULE_MESSAGES.get(code, code))
    field = getattr(form, _RULE_FIELDS.get(code, ""), None)
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)


def _done_message(complaint: Complaint, action: str) -> str:
    """Say what the action did, not only that something was saved."""
    if action == "assign":
        if complaint.assignee is None:
            return _("The complaint is no longer assigned to anyone.")
        return _("The complaint is assigned to %(name)s.", name=complaint.assignee.display_name
                 or complaint.assignee.username)
    if action == "note":
        return _("Internal note added. The complainant does not see it.")
    if action == "reply":
        return _("Reply sent to the complainant. They see it on their complaint page.")
    if action == "review":
        return _("Answer to the review request sent. The complainant sees it on their complaint page.")
    if action == "state":
        return _("Status changed to “%(state)s”. The complainant sees it on their complaint page.",
                 state=labels.STATE_LABELS[complaint.state])
    return _("Decision deadline extended to %(day)s. The complainant sees the new date and the reason.",
             day=fmt_date(complaint.decide_due))


def _unchanged_message(complaint: Complaint) -> str:
    """An assignment submitted as it already was: nothing was changed, and the page says so."""
    if complaint.assignee is None:
        return _("Nothing changed: the complaint is still not assigned to anyone.")
    return _("Nothing changed: the complaint is still assigned to %(name)s.",
             name=complaint.assignee.display_name or complaint.assignee.username)


def _apply(complaint: Complaint, action: str, form) -> bool:
    """Carry out ``action``; False when it changed nothing (an assignment to whoever already has it)."""
    if action in ("assign", "state", "extend"):
        services.check_version(complaint, form.version.data)
    if action == "assign":
        if request.form.get("self"):
            target = staff_member(current_user.id)
        elif db_id(form.assignee.data):
            target = staff_member(db_id(form.assignee.data))
        else:
            target = None
        return services.assign(complaint, target, current_user)
    if action == "note":
        services.add_note(complaint, form.body.data, current_user)
    elif action == "reply":
        services.reply(complaint, form.body.data, current_user)
    elif action == "state":
        services.change_state(complaint, form.state.data, current_user, form.outcome.data or None,
                              form.explanation.data or "")
    elif action == "extend":
        services.extend(complaint, form.reason.data, current_user)
    elif action == "review":
        services.answer_review(complaint, form.body.data, current_user)
    return True


@bp.route("/<reference>/evidence/<int:evidence_id>")
@require_role("agent")
def evidence(reference: str, evidence_id: int):
    complaint = complaint_for_staff(reference)
    item = queries.evidence_of(complaint, evidence_id)
    record_read("complaint.evidence_downloaded", "complaint", complaint.reference, evidence=item.id, sha256=item.sha256)
    return uploads.download(item.stored_name, item.mime, export.download_name(item))


@bp.route("/<reference>/export")
def export_bundle(reference: str) -> Response:
    """The evidence bundle, for sending to an outside body; every download is audited."""
    complaint = complaint_for_staff(reference)
    response = export.bundle(complaint, audience="staff")
    record_read("complaint.exported", "complaint", complaint.reference, bytes=len(response.get_data()))
    return response


def _who(c: Complaint) -> str:
    """The borrower, masked, as the staff home names each row (a third party's report: the person it is about)."""
    if c.borrower is not None:
        return c.borrower.masked_name
    # Translators: staff console: in place of a fact nobody gave (a field the complainant or the lender left empty)
    about = mask_name(c.debtor_name) if c.debtor_name else _("Not given")
    return _("%(name)s (third-party report)", name=about)


def my_work(user) -> dict:
    """'My work' provider: closed complaints with unanswered word from the complainant (not satisfied, a message,
    evidence) and open complaints assigned to me or to nobody, nearest deadline first; ``count`` counts the same
    two sets, of which the first rows are listed; its link opens the queue on the same two sets."""
    today = local_today()
    rows = []
    open_ones, open_count = queries.open_for(user.id)
    closed, closed_count = queries.closed_needing_attention(user.id)
    waiting = queries.attention([c.id for c in open_ones])
    for c in closed:
        if c.review_pending:  # ordered by the day it was asked for; the law sets no date for the answer
            word = _("Review requested on %(day)s: answer the request", day=fmt_date(c.review_requested_at))
            rows.append((rules.local_date(c.review_requested_at, lender_tz()),
                         {"label": f"{c.reference} · {word}", "who": _who(c),
                          "url": url_for("staff_complaints.detail", reference=c.reference) + "#review-title",
                          "due_text": "", "urgency": None}))
            continue
        rows.append((None, {"label": f"{c.reference} · " + _("Closed, but the complainant wrote again: answer them"),
                            "who": _who(c), "url": url_for("staff_complaints.detail", reference=c.reference),
                            "due_text": "", "urgency": None}))
    for c in open_ones:
        due = c.next_due
        label = f"{c.reference} · {labels.STATE_LABELS[c.state]}"
        if c.id in waiting:
            label += " · " + _("new word from the complainant")
        rows.append((due, {"label": label, "who": _who(c),
                           "url": url_for("staff_complaints.detail", reference=c.reference),
                           "due_text": fmt_date(due) if due else "", "urgency": rules.urgency(due, today)}))
    rows.sort(key=lambda r: (r[0] is None, r[0] or today))
    count = open_count + closed_count  # each stops at the cap + 1: the sum is above the cap when either is
    return {"title": _("Complaints"), "url": url_for("staff_complaints.queue", status="work", assignee="mine"),
            "count": count, "items": [item for _due, item in rows[:queries.HOME_LIMIT]]}
