"""Borrower portal: ``create_app`` only wires small ``configure_*`` steps together."""
from __future__ import annotations

import os

from flask import Flask

from portal.config import load_config
from portal.lifecycle import PortalFlask


def create_app(config: dict | None = None) -> Flask:
    instance_path = os.environ.get("PORTAL_INSTANCE_PATH") or None
    app = PortalFlask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)
    os.makedirs(app.instance_path, exist_ok=True)

    from portal import cli, errors, i18n, navigation, numbers, queue, security
    from portal.accounts.sessions import load_user
    from portal.extensions import csrf, db, limiter
    from portal.scale import cli as scale_cli
    from portal.staff.queues import configure_staff_console

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.configure_i18n(app)
    numbers.configure(app)
    security.configure_security(app)
    security.use_user_loader(load_user)  # accounts owns the login-session rows; security knows no models
    errors.configure_errors(app)
    navigation.configure_navigation(app)
    configure_staff_console(app)
    configure_blueprints(app)
    cli.configure_cli(app)
    scale_cli.configure_cli(app)
    queue.configure_queue(app)
    return app


def configure_blueprints(app: Flask) -> None:
    from portal import (agencies, api, complaints, contacts, housekeeping, imports, loans, notify, plans, privacy,
                        rights, tallies, uploads, visits, webhooks)
    from portal.accounts.routes import bp as accounts_bp
    from portal.health import bp as health_bp
    from portal.pages import bp as pages_bp
    from portal.staff import borrowers as staff_borrowers
    from portal.staff.routes import bp as staff_bp
    from portal.staff.audit_routes import bp as staff_audit_bp
    from portal.staff.report_routes import bp as staff_reports_bp
    from portal.staff.team_routes import bp as staff_team_bp

    for bp in (pages_bp, health_bp, accounts_bp, staff_bp, staff_team_bp, staff_audit_bp, staff_reports_bp):
        app.register_blueprint(bp)
    # Each domain registers its blueprints and its hooks (loan panels, staff queues, upload cleanup, the worker's
    # tasks).
    for domain in (loans, rights, uploads, agencies, visits, complaints, contacts, plans, privacy, staff_borrowers,
                   webhooks, api, imports, notify, housekeeping, tallies):
        domain.configure(app)
