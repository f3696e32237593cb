"""Rows of one borrower loaded once per request: ``per_request(key, load)``.

The borrower's home, ``/loans`` and the loan pages ask several domains for the same rows (the plan proposals for
the loan panels and for "what needs you", the open visits for the badges and for the home …). A loader wrapped in
``per_request`` runs once per request and key; the memo lives on the request object (never across requests) and
is dropped whenever the session flushes, commits or rolls back, so a handler that writes and then reads again
reads the database, never a stale copy. Outside a request the loader simply runs.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")
_ATTR = "_portal_memo"


def _store() -> dict | None:
    if not has_request_context():
        return None
    req = request._get_current_object()  # type: ignore[attr-defined]
    store = req.__dict__.get(_ATTR)
    if store is None:
        store = req.__dict__[_ATTR] = {}
    return store


def per_request(key: Hashable, load: Callable[[], T]) -> T:
    """``load()``, once per request for ``key`` (e.g. ``("plans.proposals", borrower_id)``)."""
    store = _store()
    if store is None:
        return load()
    try:
        return store[key]
    except KeyError:
        value = store[key] = load()
        return value


def forget() -> None:
    """Drop everything loaded in this request (the session wrote or ended a transaction)."""
    if has_request_context():
        request._get_current_object().__dict__.pop(_ATTR, None)  # type: ignore[attr-defined]


def _forget(*_args, **_kwargs) -> None:
    forget()


for _name in ("after_flush", "after_commit", "after_soft_rollback"):
    event.listen(Session, _name, _forget)
