"""Supervisor report: complaints per category and per week, decided within 15 days, median days; CSV export."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Blueprint, Response, render_template, request

from portal.audit.services import record
from portal.complaints import queries, rules
from portal.i18n import lender_tz, local_today
from portal.security import gate
from portal.staff.access import require_role

bp = Blueprint("staff_reports", __name__, url_prefix="/staff/reports")
gate(bp, kind="staff", login_endpoint="staff.login")

WEEKS_CHOICES = (4, 12, 26, 52)


def _period() -> tuple[int, date, date]:
    weeks = request.args.get("weeks", type=int) or 12
    weeks = weeks if weeks in WEEKS_CHOICES else 12
    until = local_today()
    since = rules.week_start(until) - timedelta(weeks=weeks - 1)
    return weeks, since, until


def bars(values: list[int], width: int = 320, height: int = 120) -> list[dict]:
    """Geometry of a simple bar chart (server-rendered SVG): x, y, width, height per value."""
    top = max(values or [0]) or 1
    gap = 4
    bar_w = max((width - gap * (len(values) + 1)) / max(len(values), 1), 1)
    out = []
    for i, value in enumerate(values):
        h = round(value / top * (height - 20), 1)
        out.append({"x": round(gap + i * (bar_w + gap), 1), "y": round(height - h, 1), "w": round(bar_w, 1),
                    "h": h, "value": value})
    return out


@bp.route("")
@require_role("supervisor")
def index():
    weeks, since, until = _period()
    data = queries.report(since, until, lender_tz())
    record("report.viewed", "report", "complaints", weeks=weeks)
    return render_template("staff/complaints/reports.html", data=data, weeks=weeks, since=since, until=until,
                           week_bars=bars([w["received"] for w in data.weeks]),
                           category_bars=[(c, n, n / max(max((x for _c, x in data.categories), default=0), 1))
                                          for c, n in data.categories],
                           weeks_choices=WEEKS_CHOICES)


@bp.route("/complaints.csv")
@require_role("supervisor")
def csv_export() -> Response:
    weeks, since, until = _period()
    data = queries.report(since, until, lender_tz())
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(["section", "week_start", "category", "received", "decided", "decided_within_15_days",
                  "median_days_to_decision"])
    for w in data.weeks:
        out.writerow(["week", w["week"].isoformat(), "", w["received"], w["decided"], w["in_time"],
                      "" if w["median_days"] is None else w["median_days"]])
    for category, n in data.categories:
        out.writerow(["category", "", category, n, "", "", ""])
    out.writerow(["total", since.isoformat(), "", sum(w["received"] for w in data.weeks), data.decided,
                  data.decided_in_time, "" if data.median_days is None else data.median_days])
    record("report.exported", "report", "complaints", weeks=weeks)
    response = Response("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="complaints-{since}-{until}.csv"'
    return response


