"""Overdue status (design §5): what borrowers owe, why, and what happens next."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from portal.loans.routes import bp

    app.register_blueprint(bp)
