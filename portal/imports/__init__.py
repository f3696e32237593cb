"""JSON Lines imports: the batch runner both importers use (``runner``), and the console's import of an uploaded
file by the worker (``/staff/imports``)."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from huey import crontab

    from portal.imports import worker
    from portal.imports.routes import configure_routes
    from portal.queue import register_task

    configure_routes(app)
    register_task(app, worker.RUN, worker.run)
    register_task(app, worker.SWEEP, worker.sweep, every=crontab(minute="*"))
