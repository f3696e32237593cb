"""Messages to people: gateways (``gateways.py``), message kinds and texts (``kinds.py``, ``texts.py``), the
notifications each change causes (``events.py``), scheduled reminders (``reminders.py``) and the transactional
outbox the worker delivers (``outbox.py``)."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from huey import crontab

    from portal.notify import outbox, reminders
    from portal.notify.staff_routes import bp
    from portal.queue import register_task

    app.register_blueprint(bp)
    register_task(app, outbox.DELIVER, outbox.deliver)
    register_task(app, outbox.SWEEP, outbox.sweep, every=crontab(minute="*"))
    # reminders and the staff digest: idempotent (a key per reminder), so a run that fires twice sends once
    register_task(app, "reminders", reminders.run_due, every=crontab(minute="*/5"))
