"""The audit log for supervisors: readable rows, filters, keyset pages and a CSV export (itself audited)."""
from __future__ import annotations

import csv
import io
import tempfile

from flask import Blueprint, Response, render_template, request, send_file
from flask_babel import gettext as _

from portal.accounts.services import borrower_by_phone
from portal.audit import queries
from portal.audit.labels import ACTION_LABELS
from portal.audit.services import record
from portal.i18n import lender_tz
from portal.security import db_int, gate
from portal.staff import audit_view
from portal.staff.access import require_role
from portal.staff.audit_forms import AuditFilterForm

bp = Blueprint("staff_audit", __name__, url_prefix="/staff/audit")
gate(bp, kind="staff", login_endpoint="staff.login")

FILTER_KEYS = ("staff", "action", "object", "borrower", "since", "until")


def _form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    # Translators: filter choice: items assigned to any staff member
    form.staff.choices = [("", _("Anyone"))] + [(str(i), name) for i, name in audit_view.staff_names()]
    form.action.choices = [("", _("Any action"))] + sorted(((code, str(label)) for code, label in
                                                            ACTION_LABELS.items()), key=lambda c: c[1])
    return form


def _filter(form: AuditFilterForm) -> queries.AuditFilter | None:
    """The filter the form asks for, or None when the form has errors (then nothing is listed)."""
    if not form.validate():
        return None
    about = None
    if form.borrower.data:
        borrower = borrower_by_phone(form.borrower.data)
        about = queries.NOTHING if borrower is None else \
            queries.about_condition(borrower.id, audit_view.borrower_objects(borrower.id))
    described = {k: request.args.get(k, "")[:64] for k in FILTER_KEYS if request.args.get(k)}
    return queries.AuditFilter(staff_id=int(form.staff.data) if form.staff.data else None,
                               action=form.action.data or None, object_id=form.object.data or None, about=about,
                               since=form.since.data, until=form.until.data, tz=lender_tz(), described=described)


@bp.route("")
@require_role("supervisor")
def index():
    form = _form()
    flt = _filter(form)
    before = request.args.get("before", type=db_int)
    events, next_before = queries.page(flt, before) if flt is not None else ([], None)
    record("audit.viewed", "audit", "", filters=flt.described if flt else {})
    args = {k: request.args[k] for k in FILTER_KEYS if request.args.get(k)}
    return render_template("staff/audit.html", form=form, rows=audit_view.rows(events), next_before=next_before,
                           filter_args=args, filtered=bool(args), invalid=flt is None)


def _cell(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: such text is exported with a leading '."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@bp.route("/export.csv")
@require_role("supervisor")
def export() -> Response:
    form = _form()
    flt = _filter(form)
    if flt is None:
        return render_template("staff/audit.html", form=form, rows=[], next_before=None, filter_args={},
                               filtered=True, invalid=True), 400
    record("audit.exported", "audit", "", filters=flt.described)
    return send_file(_csv(flt), mimetype="text/csv", as_attachment=True, download_name="audit-log.csv",
                     max_age=0)


def _csv(flt: queries.AuditFilter):
    """The whole filtered log as CSV, in a spooled file (kept in memory up to 8 MB, on disk beyond)."""
    tz = lender_tz()
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b")
    text = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
    out = csv.writer(text)
    out.writerow(["id", "time", "actor", "action", "action_code", "object", "object_type", "object_id", "details",
                  "ip"])
    for chunk in queries.stream(flt):
        for event, row in zip(chunk, audit_view.rows(chunk)):
            out.writerow([event.id, event.at.astimezone(tz).isoformat(timespec="seconds"), _cell(row.actor),
                          row.action, event.action, _cell(row.object_text), event.object_type,
                          _cell(event.object_id), _cell(audit_view.detail_text(event.detail, event.action)), event.ip])
    text.flush()
    text.detach()
    spool.seek(0)
    return spool
