"""One commit point per request, and work that waits for the commit (in the spirit of indico's ``RH.process``).

A view never commits. When it returns, ``PortalFlask.dispatch_request`` commits the request's session; when it
raises (``abort()`` included), the session is rolled back and the error handlers answer. A view that must keep
some writes while undoing a refused action runs the action in a savepoint (``with db.session.begin_nested():``).

Services register work that may only happen once their change is durable -- enqueueing a message, deleting a
file -- with ``after_commit(fn)``. The callback runs once, right after the transaction it was registered in
commits; it is dropped when that transaction (or the savepoint it was registered in) rolls back, or when the
session ends without a commit. ``after_rollback(fn)`` is the mirror image (undo a file written for a row that
did not survive). Callbacks run after the commit, when the session can emit no more SQL: they get everything
they need as arguments (a phone number and a text, a file name), never a lazy relationship.
CLI commands commit explicitly (``session.commit()``): the same callbacks run there too.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

log = logging.getLogger(__name__)
_KEY = "portal_lifecycle_callbacks"


@dataclass
class _Pending:
    transaction: SessionTransaction  # the innermost transaction (or savepoint) when registered
    fn: Callable[[], object]
    on_commit: bool  # True: after_commit; False: after_rollback


def _session(session: Session | scoped_session | None) -> Session:
    if isinstance(session, scoped_session):
        return session()
    if session is not None:
        return session
    from portal.extensions import db

    return db.session()


def _register(fn: Callable[[], object], session: Session | None, on_commit: bool) -> None:
    s = _session(session)
    if not s.in_transaction():
        s.begin()  # no SQL yet: the work belongs to the transaction that starts now
    tx = s.get_nested_transaction() or s.get_transaction()
    s.info.setdefault(_KEY, []).append(_Pending(tx, fn, on_commit))


def after_commit(fn: Callable[[], object], session: Session | None = None) -> None:
    """Run ``fn()`` once the current transaction of ``session`` (default: the request's) has committed."""
    _register(fn, session, True)


def after_rollback(fn: Callable[[], object], session: Session | None = None) -> None:
    """Run ``fn()`` if the current transaction (or savepoint) of ``session`` is rolled back instead."""
    _register(fn, session, False)


def _run(items: list[_Pending]) -> None:
    for item in items:
        try:
            item.fn()
        except Exception:  # the change is committed (or undone) already: log, never undo it half-way
            log.exception("callback after the transaction failed")


def _within(item: _Pending, transaction: SessionTransaction) -> bool:
    tx = item.transaction
    while tx is not None:
        if tx is transaction:
            return True
        tx = tx.parent
    return False


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint was released: wait for the outermost commit
        return
    items = session.info.pop(_KEY, [])
    _run([item for item in items if item.on_commit])


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    items = session.info.get(_KEY)
    if not items:
        return
    undone = [item for item in items if _within(item, previous_transaction)]
    session.info[_KEY] = [item for item in items if item not in undone]
    _run([item for item in undone if not item.on_commit])


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ended without a commit (e.g. the session was closed): nothing of it is kept.
    if transaction.parent is None and session.info.get(_KEY):
        _run([item for item in session.info.pop(_KEY) if not item.on_commit])


class PortalFlask(Flask):
    """Flask with the request's one commit point around the view."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._checked_sync: dict = {}

    def ensure_sync(self, func):
        # Flask asks, for every hook and view on every request, whether it is a coroutine function; the portal's
        # functions do not change while it runs, so each is asked once.
        try:
            return self._checked_sync[func]
        except KeyError:
            wrapped = self._checked_sync[func] = super().ensure_sync(func)
            return wrapped
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)

    def full_dispatch_request(self):
        from portal.extensions import db, read_only_request

        if read_only_request() and self.extensions["portal_db_engine"].dialect.name == "sqlite":
            # A GET's few writes (an audited read, a login session's last-seen time) wait for the commit point, so
            # the SQLite write lock is taken only for them, after the reads (see portal.extensions). A session
            # begun later in the request is made without autoflush (Database.new_session).
            if db.session.registry.has():
                db.session.autoflush = False
        return super().full_dispatch_request()

    def dispatch_request(self):
        from portal.extensions import db

        try:
            rv = super().dispatch_request()
            if db.session.registry.has():  # a request that never used the database has nothing to commit
                db.session.commit()
        except BaseException:
            # Closing rolls the transaction back (after-commit work is dropped) without expiring what was loaded:
            # the error page may still read the logged-in user.
            db.session.close()
            raise
        return rv
