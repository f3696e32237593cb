"""What other domains do when a repayment plan is agreed: they register a handler in their ``configure``; the plans
domain calls what is registered and imports none of them.

Usage, in a domain's ``configure``::

    from portal.plans.hooks import on_plan_agreed
    on_plan_agreed(app, my_handler)   # my_handler(proposal, staff) -> None

``staff`` is the staff member who approved the plan, or None when the borrower accepted a counter-offer (then no
staff member acted; the staff member who made the offer is ``proposal.decided_by``).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

_AGREED = "plan_agreed"

AgreedHandler = Callable[[Any, Any], None]


def on_plan_agreed(app: Flask, handler: AgreedHandler) -> None:
    handlers = app.extensions.setdefault(_AGREED, [])
    if handler not in handlers:
        handlers.append(handler)


def plan_agreed(proposal, staff=None) -> None:
    """Run the registered handlers, in the caller's transaction (what they write commits or rolls back with the
    plan's change)."""
    for handler in current_app.extensions.get(_AGREED, []):
        handler(proposal, staff)
