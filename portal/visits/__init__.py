"""Verification visits (issue 4): roster, visits, answers, records and the public visitor check."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from portal.visits.routes import bp
    from portal.tallies import register_source
    from portal.visits.staff_routes import bp as staff_bp
    from portal.visits.tallies import SOURCE

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    register_source(SOURCE)
