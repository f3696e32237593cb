"""Signed webhooks to the lender's systems (issue 15): every event, POSTed by the worker from a transactional
outbox, retried with back-off, in order per loan; endpoints and the delivery log in the console."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from huey import crontab

    from portal.events import subscribe
    from portal.queue import register_task
    from portal.webhooks import outbox
    from portal.webhooks.staff_routes import bp

    subscribe(outbox.on_event)
    app.register_blueprint(bp)
    register_task(app, outbox.DELIVER, outbox.deliver)
    register_task(app, outbox.SWEEP, outbox.sweep, every=crontab(minute="*"))
