"""Extensions created here and bound to the app in ``create_app``."""
from __future__ import annotations

from flask import Flask, current_app, request
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
        self.session: scoped_session[Session] = scoped_session(self._factory)

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


def _sqlite_begin(conn) -> None:
    # IMMEDIATE takes the write lock up front: a transaction that reads and then writes can otherwise fail at
    # once with "database is locked" when another writer committed meanwhile (WAL cannot upgrade its snapshot).
    # Waiting writers queue on the busy timeout instead.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _client_ip() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


db = Database()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=_client_ip, default_limits=[], headers_enabled=False)
