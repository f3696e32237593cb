"""Complaints about improper collection (issue 7)."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from portal.attention import register_attention
    from portal.complaints import report_routes, routes, staff_routes  # noqa: F401 - their views join bp
    from portal.complaints.attention import needs_you
    from portal.complaints.blueprint import bp
    from portal.complaints.services import complaint_for_disputed_record
    from portal.complaints.tallies import SOURCE
    from portal.staff.queues import register_queue
    from portal.tallies import register_source
    from portal.visits.hooks import on_record_disputed

    app.register_blueprint(bp)
    app.register_blueprint(staff_routes.bp)
    register_queue(app, staff_routes.my_work)
    register_attention(app, needs_you)
    on_record_disputed(app, complaint_for_disputed_record)  # a disputed visit record opens a linked complaint
    register_source(SOURCE)  # the complaint report's figures per day (portal.tallies)
