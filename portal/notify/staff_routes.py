"""``/staff/messages`` (supervisors): the outbox by state, newest first, and a retry button for failed messages.

Recipients are personal data: viewing the page and every retry go to the audit log."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.audit.services import record
from portal.extensions import db
from portal.forms import ActionForm
from portal.i18n import fmt_date, fmt_time
from portal.notify import outbox
from portal.notify.labels import FILTER_LABELS, kind_label
from portal.notify.queries import PAGE_SIZE, STATES, message_page, message_or_404
from portal.security import gate
from portal.staff.access import require_role

bp = Blueprint("staff_messages", __name__, url_prefix="/staff/messages")
gate(bp, kind="staff", login_endpoint="staff.login")

@bp.route("")
@require_role("supervisor")
def index():
    state = request.args.get("state", "failed")
    if state not in STATES + ("all",):
        state = "failed"
    rows, older = message_page(state, request.args.get("before", type=int))
    record("messages.viewed", "outbox", "", state=state)
    return render_template("staff/messages/index.html", rows=rows, state=state, older=older,
                           states=STATES, state_labels=FILTER_LABELS, kind_label=kind_label, form=ActionForm(),
                           page_size=PAGE_SIZE)


@bp.route("/<int:message_id>/retry", methods=["POST"])
@require_role("supervisor")
def retry(message_id: int):
    row = message_or_404(message_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if row.state != "failed":
        flash(_("This message is not failed any more, so there is nothing to retry."), "info")
    else:
        morning = outbox.retry(db.session, row)
        record("message.retried", "outbox", row.id, kind=row.kind)
        if morning is None:
            flash(_("The message will be sent again, with up to five tries."), "success")
        else:
            flash(_("Only codes go to borrowers between 22:00 and 08:00: the message will be sent again at "
                    "%(time)s on %(date)s, with up to five tries.", time=fmt_time(morning),
                    date=fmt_date(morning, "medium")), "success")
    return redirect(url_for("staff_messages.index", state=request.form.get("state") or "failed"))
