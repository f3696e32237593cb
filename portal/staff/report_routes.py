"""Supervisor reports: plans, visits and complaints for a chosen date range; a table, an SVG chart and a CSV each."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, ValidationError
from wtforms.validators import Optional

from portal.audit.services import record
from portal.complaints import queries as complaint_queries
from portal.complaints.labels import CATEGORY_LABELS
from portal.contacts.labels import RULE_SHORT
from portal.contacts.report import breach_report
from portal.forms import plausible_day
from portal.i18n import fmt_date, lender_tz, local_today
from portal.security import gate
from portal.staff import report_charts, reports
from portal.staff.access import require_role

bp = Blueprint("staff_reports", __name__, url_prefix="/staff/reports")
gate(bp, kind="staff", login_endpoint="staff.login")

DEFAULT_DAYS = 84
SECTIONS = ("plans", "visits", "complaints", "breaches")

# Translators: rows of the report tables (counts).
FIGURE_LABELS = {
    "submitted": _l("Plans submitted"),
    "approved": _l("Approved as proposed"),
    "countered": _l("Answered with a counter-offer"),
    "declined": _l("Declined"),
    "agreed": _l("Agreed (approved, or counter-offer accepted)"),
    "waiting": _l("Still waiting for a decision"),
    "proposed": _l("Visits proposed"),
    "confirmed": _l("Confirmed by the borrower"),
    "rescheduled": _l("Rescheduled at least once"),
    "video": _l("Borrower asked for a video check"),
    "disputed": _l("Record disputed by the borrower"),
    "recorded": _l("Records written"),
    "late_records": _l("Records written more than 24 hours after the visit"),
    "received": _l("Complaints received"),
    # Translators: report filter and column: complaints that received a decision
    "decided": _l("Decided"),
    "decided_in_time": _l("Decided within 15 days"),
    # Translators: report row and chart label (keep it short): open complaints whose current deadline (to
    # acknowledge, or to decide, as extended) has passed; the complaint queue marks the same ones "Overdue"
    "overdue": _l("Overdue: open and past their current deadline (an extension's new deadline counts)"),
}
# Translators: a share in words; the percentage is computed from the same two numbers.
SHARE_TEXTS = {
    "approved_of_decided": _l("%(part)d of %(whole)d decided plans approved as proposed: %(percent)s"),
    "agreed_of_submitted": _l("%(part)d of %(whole)d submitted plans agreed: %(percent)s"),
    "late_of_recorded": _l("%(part)d of %(whole)d visit records written late: %(percent)s"),
    "disputed_of_recorded": _l("%(part)d of %(whole)d visit records disputed: %(percent)s"),
    "in_time_of_due": _l("%(part)d of %(whole)d complaints whose 15 days are over decided in time: %(percent)s"),
}
SECTION_TITLES = {"plans": _l("Repayment plans"), "visits": _l("Visits"), "complaints": _l("Complaints"),
                  "breaches": _l("Contacts that did not follow the rules")}


class RangeForm(FlaskForm):
    class Meta:
        csrf = False

    since = DateField(_l("From"), validators=[Optional(), plausible_day])
    until = DateField(_l("Until"), validators=[Optional(), plausible_day])

    def validate_until(self, field) -> None:
        since, until = self.since.data, field.data
        if since and until and until < since:
            raise ValidationError(_l("The end date is before the start date."))
        if since and until and (until - since).days > reports.MAX_RANGE_DAYS:
            raise ValidationError(_l("Choose at most three years."))


def _range(form: RangeForm) -> tuple[date, date] | None:
    if not form.validate():
        return None
    until = form.until.data or local_today()
    since = form.since.data or until - timedelta(days=DEFAULT_DAYS - 1)
    if since > until or (until - since).days > reports.MAX_RANGE_DAYS:
        return None
    return since, until


def _show_range(form: RangeForm, since: date, until: date) -> None:
    """The fields left empty show the day the report took for them (the default range), so the form says what the
    page counts and one end can be moved without typing the other."""
    for field, day in ((form.since, since), (form.until, until)):
        if field.data is None:
            field.data, field.raw_data = day, None


def _sections(since: date, until: date) -> dict:
    tz = lender_tz()
    complaints = complaint_queries.report(since, until, tz)
    return {"plans": reports.plan_report(since, until, tz), "visits": reports.visit_report(since, until, tz),
            "complaints": reports.complaint_section(complaints), "complaint_data": complaints}


@bp.route("")
@require_role("supervisor")
def index():
    form = RangeForm(request.args)
    chosen = _range(form)
    if chosen is None:
        return render_template("staff/reports.html", form=form, invalid=True)
    since, until = chosen
    _show_range(form, since, until)
    data = _sections(since, until) | {"breaches": breach_report(since, until, lender_tz())}
    record("report.viewed", "report", "all", since=since.isoformat(), until=until.isoformat())
    complaint_data = data["complaint_data"]
    top = max((n for _c, n in complaint_data.categories), default=0) or 1
    return render_template("staff/reports.html", form=form, invalid=False, since=since, until=until, data=data,
                           week_chart=_week_chart(complaint_data.weeks),
                           category_bars=[(c, n, n / top) for c, n in complaint_data.categories],
                           category_labels=CATEGORY_LABELS, figure_labels=FIGURE_LABELS, share_texts=SHARE_TEXTS,
                           section_titles=SECTION_TITLES, rule_short=RULE_SHORT, agency_names=agency_names(),
                           range_args={"since": since.isoformat(), "until": until.isoformat()})


def _week_chart(weeks: list[dict]) -> report_charts.WeekChart:
    """The complaints per week; each date under the axis written as the table under the chart writes it."""
    return report_charts.week_chart([w["received"] for w in weeks], [fmt_date(w["week"], "medium") for w in weeks])


@bp.route("/<section>.csv")
@require_role("supervisor")
def csv_export(section: str) -> Response:
    if section not in SECTIONS:
        abort(404)
    chosen = _range(RangeForm(request.args))
    if chosen is None:
        abort(400)
    since, until = chosen
    buf = io.StringIO()
    out = csv.writer(buf)
    if section == "breaches":
        _breach_rows(out, breach_report(since, until, lender_tz()), since, until)
    else:
        _figure_rows(out, _sections(since, until), section, since, until)
    record("report.exported", "report", section, since=since.isoformat(), until=until.isoformat())
    response = Response("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{section}-{since}-{until}.csv"'
    return response


def agency_names() -> dict[str, str]:
    from portal.agencies.queries import names_by_code
    from portal.i18n import current_locale

    return names_by_code(current_locale())


def _breach_rows(out, report, since: date, until: date) -> None:
    """Per agency ("" is the lender itself): all its contacts, those that did not follow some rule, then one row per
    rule seen in the period (a contact may break several rules)."""
    out.writerow(["since", "until", "agency_code", "rule", "contacts"])
    for code in report.agencies:
        out.writerow([since.isoformat(), until.isoformat(), code, "all_contacts", report.contacts[code]])
        out.writerow([since.isoformat(), until.isoformat(), code, "any_rule", report.flagged_contacts[code]])
        for rule in report.rules_seen():
            out.writerow([since.isoformat(), until.isoformat(), code, rule, report.flagged[(code, rule)]])


def _figure_rows(out, data, section: str, since: date, until: date) -> None:
    out.writerow(["section", "since", "until", "figure", "count", "of", "percent"])
    part = data[section]
    for key, value in part.figures:
        out.writerow([section, since.isoformat(), until.isoformat(), key, value, "", ""])
    for key, share in part.shares.items():
        out.writerow([section, since.isoformat(), until.isoformat(), key, share.part, share.whole,
                      "" if share.ratio is None else f"{share.ratio * 100:.1f}"])
    if part.median_days is not None:
        out.writerow([section, since.isoformat(), until.isoformat(), "median_days_to_decision", part.median_days,
                      "", ""])
    if section == "complaints":
        complaint_data = data["complaint_data"]
        for w in complaint_data.weeks:
            out.writerow([section, w["week"].isoformat(), (w["week"] + timedelta(days=6)).isoformat(),
                          "received_in_week", w["received"], "", ""])
        for category, n in complaint_data.categories:
            out.writerow([section, since.isoformat(), until.isoformat(), f"category:{category}", n, "", ""])

