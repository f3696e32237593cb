"""Verification visits (issue 4): roster, visits, answers, records and the public visitor check."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from portal.plans.hooks import on_plan_agreed
    from portal.visits.routes import bp
    from portal.visits.services import cancel_for_agreed_plan
    from portal.tallies import register_source
    from portal.visits.staff_routes import bp as staff_bp
    from portal.visits.tallies import SOURCE

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    register_source(SOURCE)
    on_plan_agreed(app, cancel_for_agreed_plan)  # an agreed plan replaces the visits: the open ones are cancelled
