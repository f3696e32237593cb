"""``/staff/imports`` (supervisors): upload a JSON Lines file for the worker to import, follow its progress (the
page reloads itself while the import runs; no JavaScript) and download the rejected lines with their reasons.

Uploads and downloads of rejected lines (they hold the lender's personal data) go to the audit log."""
from __future__ import annotations

from flask import (Blueprint, Flask, Response, abort, current_app, redirect, render_template, request,
                   stream_with_context, url_for)
from flask_babel import gettext as _
from flask_login import current_user

from portal.audit.services import record
from portal.extensions import db
from portal.imports import downloads, services
from portal.imports.forms import UploadForm
from portal.imports.labels import KIND_LABELS, STATE_LABELS
from portal.imports.queries import import_or_404, recent_imports
from portal.security import gate
from portal.staff.access import ROLE_RANK, require_role

bp = Blueprint("staff_imports", __name__, url_prefix="/staff/imports")
gate(bp, kind="staff", login_endpoint="staff.login")

REFRESH_SECONDS = 3


def _problem_message(problem: services.FileProblem) -> str:
    if problem.code == "too_large":
        return _("The file is larger than %(mb)d MB. Split it into smaller files and upload each one.",
                 mb=current_app.config["IMPORT_MAX_MB"])
    if problem.code == "empty":
        return _("The file is empty. Choose the export file itself.")
    if problem.code == "wrong_kind":
        if problem.found:
            return _("This file holds %(found)s, not %(chosen)s. Choose what the file holds, or another file.",
                     found=KIND_LABELS[problem.found], chosen=KIND_LABELS[request.form.get("kind", "loans")])
        return _("The first line is neither a loan nor a collection contact. Check that this is an export file.")
    return _("This is not a JSON Lines file: each line must be one JSON object, in UTF-8.")


def _page(form: UploadForm, status: int = 200):
    return render_template("staff/imports/index.html", form=form, imports=recent_imports(),
                           kind_labels=KIND_LABELS, state_labels=STATE_LABELS,
                           max_mb=current_app.config["IMPORT_MAX_MB"]), status


@bp.route("", methods=["GET", "POST"])
@require_role("supervisor")
def index():
    form = UploadForm()
    if form.validate_on_submit():
        upload = request.files.get(form.file.name)
        if upload is None or not upload.filename:
            form.file.errors.append(_("Choose the file to import."))
            return _page(form, 400)
        try:
            job = services.queue_import(db.session, current_user, upload.stream, upload.filename, form.kind.data)
        except services.FileProblem as problem:
            form.file.errors.append(_problem_message(problem))
            return _page(form, 413 if problem.code == "too_large" else 400)
        record("import.uploaded", "import", job.id, kind=job.kind, bytes=job.size, rows=job.lines_total,
               sha256=job.sha256)
        return redirect(url_for("staff_imports.show", import_id=job.id))
    return _page(form, 400 if form.errors else 200)


@bp.route("/<int:import_id>")
@require_role("supervisor")
def show(import_id: int):
    job = import_or_404(import_id)
    return render_template("staff/imports/show.html", job=job, kind_labels=KIND_LABELS, state_labels=STATE_LABELS,
                           refresh=None if job.finished else REFRESH_SECONDS)


@bp.route("/<int:import_id>/rejected.csv")
@require_role("supervisor")
def rejected(import_id: int):
    job = import_or_404(import_id)
    if not job.finished:
        abort(404)
    record("import.rejections_downloaded", "import", job.id, rows=job.rejected)
    header = [_("Line"), _("Reason"), _("The line as sent")]
    response = Response(stream_with_context(downloads.rejections_csv(job.id, job.stored_name, header)),
                        mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename=import-{job.id}-rejected.csv"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _large_upload_allowed() -> None:
    """Runs before every other hook (they read the form): a supervisor's upload here may be as large as an import
    file; one announced as larger is answered next to the field without reading it."""
    if request.endpoint != "staff_imports.index" or request.method != "POST":
        return None
    user = current_user
    if not user.is_authenticated or user.kind != "staff" or ROLE_RANK.get(user.role, 0) < ROLE_RANK["supervisor"]:
        return None
    limit = current_app.config["IMPORT_MAX_MB"] * 1024 * 1024 + 64 * 1024  # the file and the form around it
    if request.content_length is not None and request.content_length > limit:
        form = UploadForm(formdata=None)
        form.file.errors = [_problem_message(services.FileProblem("too_large"))]
        return _page(form, 413)
    request.max_content_length = limit
    return None


def configure_routes(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request_funcs.setdefault(None, []).insert(0, _large_upload_allowed)
