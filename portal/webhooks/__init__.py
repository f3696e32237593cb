"""Signed webhooks to the lender's systems (issue 15): every event, POSTed by the worker from a transactional
outbox, retried with back-off, in order per loan; endpoints and the delivery log in the console."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from portal.events import subscribe
    from portal.webhooks.outbox import on_event
    from portal.webhooks.staff_routes import bp

    subscribe(on_event)
    app.register_blueprint(bp)
