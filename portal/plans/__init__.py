"""Repayment plans (design §5): borrowers propose instalments, deferral or a waiver; staff answer."""
from __future__ import annotations

from flask import Flask


def configure(app: Flask) -> None:
    from portal.attention import register_attention
    from portal.loans.panels import register_loan_panel, register_plan_source
    from portal.plans.queries import agreed_plans, loan_panels, needs_you, queue_provider
    from portal.plans.routes import bp
    from portal.plans.staff_routes import bp as staff_bp
    from portal.plans.tallies import SOURCE
    from portal.staff.queues import register_queue
    from portal.tallies import register_source

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    register_loan_panel(app, loan_panels)
    register_plan_source(app, agreed_plans)
    register_queue(app, queue_provider)
    register_attention(app, needs_you)
    register_source(SOURCE)
