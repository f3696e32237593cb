"""Extensions created here and bound to the app in ``create_app``."""
from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker


class _AppSession(Session):
    """A session bound, at query time, to the engine of the current app (several apps may coexist)."""

    def get_bind(self, mapper=None, clause=None, **kwargs):
        if self.bind is not None:
            return self.bind
        return current_app.extensions["portal_db_engine"]


class Database:
    """One engine per app and one request-scoped session (flaskr-sized, no Flask-SQLAlchemy)."""

    def __init__(self) -> None:
        self._factory = sessionmaker(class_=_AppSession, expire_on_commit=False)
        self.session: scoped_session[Session] = scoped_session(self.new_session)

    def new_session(self) -> Session:
        """The request's session, made on its first use. In a read-only request on SQLite it does not autoflush
        (see ``PortalFlask.full_dispatch_request``): its writes wait for the commit point."""
        session = self._factory()
        if read_only_request() and current_app.extensions["portal_db_engine"].dialect.name == "sqlite":
            session.autoflush = False
        return session

    @property
    def engine(self) -> Engine:
        return current_app.extensions["portal_db_engine"]

    def init_app(self, app: Flask) -> None:
        url = app.config["DATABASE_URL"]
        kwargs: dict = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        else:
            kwargs["pool_pre_ping"] = True
        engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
            event.listen(engine, "before_cursor_execute", _sqlite_before_write)
        app.extensions["portal_db_engine"] = engine

        @app.teardown_appcontext
        def _remove_session(exc: BaseException | None) -> None:
            if exc is not None:
                self.session.rollback()
            self.session.remove()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy emits BEGIN itself (see _sqlite_begin).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


# Requests that only read (GET, HEAD, OPTIONS) begin DEFERRED: they read a WAL snapshot and never wait for or block
# a writer. Everything else (other requests, CLI commands, workers) begins IMMEDIATE, taking the write lock up front:
# a transaction that reads and then writes could otherwise fail at once with "database is locked" when another
# writer committed meanwhile (WAL cannot upgrade a stale snapshot); waiting writers queue on the busy timeout.
# A read-only request that writes after all (an audited staff read, a login session's last-seen time) never writes
# inside its snapshot: before its first write the read transaction is ended and an IMMEDIATE one begun, on the same
# connection (_sqlite_before_write). Its earlier reads are then from an older snapshot, as with READ COMMITTED on
# PostgreSQL; its session does not autoflush (PortalFlask), so the writes come together at the commit point and the
# write lock is held only for them.
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_MODE = "portal_sqlite_mode"


def read_only_request() -> bool:
    return has_request_context() and request.method in READ_ONLY_METHODS


def _sqlite_begin(conn) -> None:
    # Straight to the driver, as _sqlite_before_write does: SQLAlchemy's statement machinery is not needed here.
    dbapi_conn = conn.connection.dbapi_connection
    if read_only_request():
        conn.info[_MODE] = "deferred"
        dbapi_conn.execute("BEGIN")
    else:
        conn.info[_MODE] = "immediate"
        dbapi_conn.execute("BEGIN IMMEDIATE")


_READS = ("SELECT", "PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "EXPLAIN")


def _sqlite_before_write(conn, _cursor, statement: str, _parameters, _context, _executemany) -> None:
    if conn.info.get(_MODE) != "deferred" or statement.lstrip()[:8].upper().startswith(_READS):
        return
    # The first write (or SAVEPOINT, which a COMMIT would end) of a deferred transaction: nothing is written yet,
    # so ending it loses nothing; the IMMEDIATE transaction waits for the write lock and reads a fresh snapshot.
    _immediate(conn)


def write_lock(conn) -> None:
    """Before reading what a write is computed from: on SQLite, a deferred (read-only request's) transaction
    becomes IMMEDIATE now, so that what is read next cannot change before the write (PostgreSQL: nothing to do;
    lock the rows read instead, FOR UPDATE)."""
    if conn.info.get(_MODE) == "deferred":
        _immediate(conn)


def _immediate(conn) -> None:
    conn.info[_MODE] = "immediate"
    dbapi_conn = conn.connection.dbapi_connection
    dbapi_conn.execute("COMMIT")
    dbapi_conn.execute("BEGIN IMMEDIATE")


def _client_ip() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


db = Database()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=_client_ip, default_limits=[], headers_enabled=False)
