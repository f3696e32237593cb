"""What other domains do when something happens to a visit: they register a handler in their ``configure``; the
visits domain calls what is registered and imports none of them.

Usage, in a domain's ``configure``::

    from portal.visits.hooks import on_record_disputed
    on_record_disputed(app, my_handler)   # my_handler(borrower, visit, text) -> a reference or None
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

_DISPUTED = "visit_record_disputed"

DisputeHandler = Callable[[Any, Any, str], "str | None"]


def on_record_disputed(app: Flask, handler: DisputeHandler) -> None:
    handlers = app.extensions.setdefault(_DISPUTED, [])
    if handler not in handlers:
        handlers.append(handler)


def record_disputed(borrower, visit, text: str) -> str | None:
    """Run the registered handlers (in the caller's transaction); the last reference one returned, or None."""
    reference = None
    for handler in current_app.extensions.get(_DISPUTED, []):
        reference = handler(borrower, visit, text) or reference
    return reference
