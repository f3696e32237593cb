"""The published list of the lender and its collection agencies (issue 16): public page, "who called me?", console."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from portal.agencies.cli import import_agencies
    from portal.agencies.routes import bp
    from portal.agencies.staff_routes import bp as staff_bp

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    app.cli.add_command(import_agencies)
    from portal.agencies.queries import name_of

    app.jinja_env.globals.update(agency_name=name_of)  # pages that show a contact's agency (staff complaint)
