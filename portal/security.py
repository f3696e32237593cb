"""Password hashing (argon2id), server-side login sessions, gates, headers and safe redirects."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Blueprint, Flask, g, redirect, request, session, url_for
from flask.json.provider import DefaultJSONProvider
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete
from sqlalchemy.exc import OperationalError
from werkzeug.routing import IntegerConverter

from portal.accounts.models import Borrower, LoginSession, StaffUser
from portal.extensions import db, login_manager
from portal.orm import utcnow

class _Hashing:
    """argon2id with the library's recommended parameters (tests may pass cheaper ones in the app config)."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        # Verifying against a hash of a random password costs as much as a real check, so an unknown
        # phone number and a wrong password take as long and answer the same.
        self.dummy = hasher.hash(secrets.token_urlsafe(16))


def _hashing() -> _Hashing:
    from flask import current_app

    return current_app.extensions["argon2"]


def hash_password(password: str) -> str:
    return _hashing().hasher.hash(password)


def verify_password(user, password: str) -> bool:
    """Check a password; rehash in place when the parameters changed. Unknown users still cost a hash."""
    hashing = _hashing()
    stored = getattr(user, "password_hash", None) if user is not None else None
    try:
        hashing.hasher.verify(stored or hashing.dummy, password)
    except (VerificationError, InvalidHashError):
        return False
    if stored is None:
        return False
    if hashing.hasher.check_needs_rehash(stored):
        user.password_hash = hashing.hasher.hash(password)
    return True


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_login_session(user: Borrower | StaffUser) -> str:
    """Add a server-side login session for ``user``; return its token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    row = LoginSession(token_hash=_token_hash(token))
    if isinstance(user, StaffUser):
        row.staff_id = user.id
    else:
        row.borrower_id = user.id
    db.session.add(row)
    return token


def start_session(user: Borrower | StaffUser) -> None:
    """Log in with a fresh server-side session id (rotated at every login)."""
    old = session.get("_user_id")
    if old:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == _token_hash(old)))
    session.clear()
    user.session_token = new_login_session(user)
    session.permanent = True
    login_user(user)


def end_sessions_of(user: Borrower | StaffUser, *, keep: str | None = None) -> None:
    """Delete every login session of ``user`` (all its browsers) except the one whose token is ``keep``."""
    column = LoginSession.staff_id if isinstance(user, StaffUser) else LoginSession.borrower_id
    query = delete(LoginSession).where(column == user.id)
    if keep:
        query = query.where(LoginSession.token_hash != _token_hash(keep))
    db.session.execute(query)


def end_session() -> None:
    token = session.get("_user_id")
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == _token_hash(token)))
    logout_user()
    session.clear()


@login_manager.user_loader
def _load_user(token: str):
    try:
        return _load_user_from_db(token)
    except OperationalError:
        # The database is unreachable: remember it so the request answers 503 (see configure_security),
        # and let error pages render as for an anonymous visitor.
        db.session.rollback()
        g.db_unavailable = True
        return None


def _load_user_from_db(token: str):
    from flask import current_app

    row = db.session.get(LoginSession, _token_hash(token))
    if row is None:
        return None
    now = utcnow()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    lifetime = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    if now - row.last_seen_at > idle or now - row.created_at > lifetime:
        db.session.delete(row)  # written with the request's commit (housekeeping deletes the rest)
        return None
    if now - row.last_seen_at > timedelta(seconds=30):
        row.last_seen_at = now
    user = db.session.get(StaffUser, row.staff_id) if row.staff_id else db.session.get(Borrower, row.borrower_id)
    if user is None or not user.is_active:
        return None
    user.session_token = token
    return user


def is_safe_next(target: str | None) -> bool:
    if not target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):  # CR/LF would split the header
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") \
        and "\\" not in target


def redirect_next(default_endpoint: str, **values):
    target = request.values.get("next")
    return redirect(target if is_safe_next(target) else url_for(default_endpoint, **values))


def gate(bp: Blueprint, *, kind: str, login_endpoint: str, public: frozenset[str] = frozenset()) -> None:
    """Deny by default: every endpoint of ``bp`` needs a logged-in ``kind`` user unless listed public."""
    bp.gate_kind = kind  # type: ignore[attr-defined]  # read by the access tests
    bp.public_endpoints = public  # type: ignore[attr-defined]

    @bp.before_request
    def _gate():
        if request.endpoint in public:
            return None
        if not current_user.is_authenticated or current_user.kind != kind:
            return redirect(url_for(login_endpoint, next=request.full_path.rstrip("?")))
        return None


DB_INT_MAX = 2**31 - 1  # PostgreSQL's INTEGER; SQLite's is wider, so this bound suits both


def db_int(raw: str) -> int:
    """``request.args.get(name, type=db_int)``: a positive id the database can hold, else the default."""
    value = int(raw)
    if not 0 < value <= DB_INT_MAX:
        raise ValueError(raw)
    return value


class _BoundedIntConverter(IntegerConverter):
    """``<int:…>`` in every route: an id beyond the database's integer range is simply not found (404)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


class _BoundedJSONProvider(DefaultJSONProvider):
    """Request JSON nested deeper than ``MAX_JSON_DEPTH`` is refused (400) before the parser could recurse."""

    MAX_JSON_DEPTH = 32

    def loads(self, s, **kwargs):
        text = s.decode("utf-8", "replace") if isinstance(s, (bytes, bytearray)) else s
        if json_depth(text) > self.MAX_JSON_DEPTH:
            raise ValueError("JSON nested too deeply")
        return super().loads(s, **kwargs)


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text`` (strings skipped), without recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def configure_input_bounds(app: Flask) -> None:
    app.url_map.converters["int"] = _BoundedIntConverter
    app.json = _BoundedJSONProvider(app)


def configure_proxy(app: Flask) -> None:
    """Behind ``PORTAL_PROXY_HOPS`` reverse proxies, take the client address, scheme and host from their
    X-Forwarded-* headers (so per-IP limits are per client and https is known); with 0, trust no header."""
    hops = app.config.get("PROXY_HOPS", 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def configure_security(app: Flask) -> None:
    configure_proxy(app)
    params = app.config.get("ARGON2_PARAMETERS") or {}
    app.extensions["argon2"] = _Hashing(PasswordHasher(**params))
    app.permanent_session_lifetime = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    login_manager.init_app(app)
    login_manager.session_protection = None  # the server-side session row is the protection

    configure_input_bounds(app)

    @app.before_request
    def _refuse_nul_bytes():
        """No path, text field or file name ever holds a NUL byte (PostgreSQL refuses them): answer 400 before
        any view or form sees one."""
        values = [request.path, *request.args.values()]
        if request.method in ("POST", "PUT", "PATCH"):
            values += list(request.form.values())
            values += [storage.filename or "" for storage in request.files.values()]
        if any("\x00" in value for value in values):
            from portal.errors import render_error

            return render_error(400)
        return None

    @app.before_request
    def _user_first():
        """Load the logged-in user before anything else, so a database outage answers 503, not 'logged out'."""
        if session.get("_user_id") and not current_user.is_authenticated and g.get("db_unavailable"):
            from portal.errors import render_error

            return render_error(503)
        return None

    @login_manager.unauthorized_handler
    def _unauthorized():
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))

    @app.after_request
    def _headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["PORTAL_ENV"] == "production":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint and not request.endpoint.startswith("static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
