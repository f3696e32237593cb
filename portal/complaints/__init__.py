"""Complaints about improper collection (issue 7)."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from portal.attention import register_attention
    from portal.complaints import staff_routes
    from portal.complaints.attention import needs_you
    from portal.complaints.routes import bp
    from portal.staff.queues import register_queue

    app.register_blueprint(bp)
    app.register_blueprint(staff_routes.bp)
    register_queue(app, staff_routes.my_work)
    register_attention(app, needs_you)
