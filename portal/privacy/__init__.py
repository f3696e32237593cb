"""The borrower's data rights (PIPL Arts. 44-47, design §6): what the portal holds about them, correction and
deletion requests answered by staff, and the retention rules that delete what is no longer needed."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from portal.privacy import export
    from portal.privacy.cli import retention_cmd
    from portal.privacy.queries import queue_provider
    from portal.privacy.routes import bp
    from portal.privacy.staff_routes import bp as staff_bp
    from portal.queue import register_task
    from portal.staff.queues import register_queue

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    register_queue(app, queue_provider)
    app.cli.add_command(retention_cmd)
    register_task(app, export.BUILD, export.build)
