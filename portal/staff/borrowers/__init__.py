"""Staff view of one borrower (issue 14): the lookup that finds the person who phones in, and their page."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from portal.staff.borrowers.routes import bp

    app.register_blueprint(bp)
