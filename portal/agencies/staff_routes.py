"""Console: supervisors keep the published list (add, change, end); every change is audited."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from flask_login import current_user

from portal.agencies import queries, services
from portal.agencies.forms import PROBLEMS, AgencyForm, EndAgencyForm
from portal.i18n import current_locale, local_today
from portal.security import gate
from portal.staff.access import require_role

bp = Blueprint("staff_agencies", __name__, url_prefix="/staff/agencies")
gate(bp, kind="staff", login_endpoint="staff.login")


def _values(form: AgencyForm) -> services.AgencyValues:
    return services.AgencyValues(code=form.code.data, kind=form.kind.data, name=form.name.data,
                                 name_hant=form.name_hant.data or "", uscc=form.uscc.data,
                                 numbers=form.parsed_numbers, since=form.since.data, until=form.until.data)


def _data(agency) -> dict:
    return {"code": agency.code, "kind": agency.kind, "name": agency.name, "name_hant": agency.name_hant,
            "uscc": agency.uscc, "since": agency.since, "until": agency.until, "version": str(agency.version),
            "numbers": "\n".join(n.number for n in agency.numbers)}


def _problem(form, exc: services.AgencyError) -> None:
    target = {"code_taken": form.code, "uscc_taken": form.uscc, "second_lender": form.kind,
              "dates_order": form.until}.get(exc.code)
    if target is None:
        flash(str(PROBLEMS[exc.code]), "error")
    else:
        target.errors = [str(PROBLEMS[exc.code])]


@bp.route("")
@require_role("supervisor")
def index():
    return render_template("staff/agencies/index.html", agencies=queries.published(), today=local_today())


@bp.route("/new", methods=["GET", "POST"])
@require_role("supervisor")
def new():
    form = AgencyForm()
    if form.validate_on_submit():
        try:
            agency = services.add(current_user, _values(form))
        except services.AgencyError as exc:
            _problem(form, exc)
        else:
            flash(_("%(name)s is on the published list.", name=agency.name_for(current_locale())), "success")
            return redirect(url_for("staff_agencies.index"))
    return render_template("staff/agencies/form.html", form=form, agency=None, end_form=None)


@bp.route("/<int:agency_id>", methods=["GET", "POST"])
@require_role("supervisor")
def edit(agency_id: int):
    agency = queries.agency_or_404(agency_id)
    form = AgencyForm(data=_data(agency))
    if form.validate_on_submit():
        try:
            changed = services.change(current_user, agency, _values(form), form.version_number())
        except services.AgencyError as exc:
            _problem(form, exc)
        else:
            flash(_("Saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("staff_agencies.index"))
    end_form = EndAgencyForm(prefix="end", data={"until": local_today(), "version": str(agency.version)})
    return render_template("staff/agencies/form.html", form=form, agency=agency, end_form=end_form)


@bp.route("/<int:agency_id>/end", methods=["POST"])
@require_role("supervisor")
def end(agency_id: int):
    agency = queries.agency_or_404(agency_id)
    end_form = EndAgencyForm(prefix="end")
    if end_form.validate():
        try:
            services.end(current_user, agency, end_form.until.data, end_form.version_number())
        except services.AgencyError as exc:
            end_form.until.errors = [str(PROBLEMS[exc.code])]
        else:
            flash(_("%(name)s is shown as past from the day after %(day)s.", name=agency.name_for(current_locale()),
                    day=end_form.until.data.isoformat()), "success")
            return redirect(url_for("staff_agencies.index"))
    form = AgencyForm(formdata=None, data=_data(agency))
    return render_template("staff/agencies/form.html", form=form, agency=agency, end_form=end_form), 400
