"""The collection contact log (issue 16): every contact the lender or its agencies made, and the rules it breaks."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from portal.contacts.routes import bp

    app.register_blueprint(bp)
