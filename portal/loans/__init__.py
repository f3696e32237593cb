"""Overdue status (design §5): what borrowers owe, why, and what happens next."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from portal.attention import register_attention
    from portal.loans.attention import needs_you
    from portal.loans.routes import bp

    app.register_blueprint(bp)
    register_attention(app, needs_you)
