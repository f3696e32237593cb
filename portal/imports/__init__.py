"""JSON Lines imports: the batch runner both importers use (``runner``), and the console's import of an uploaded
file by the worker (``/staff/imports``)."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from portal.imports.routes import configure_routes

    configure_routes(app)
