"""Verification visits (issue 4): roster, visits, answers, records and the public visitor check."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from portal.visits.routes import bp
    from portal.visits.staff_routes import bp as staff_bp

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
