"""Login through Flask-Login with a user loader the accounts domain registers (``use_user_loader``): this module
knows no models. A database outage while loading the user answers 503, not "logged out"."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask, g, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from portal.extensions import db, login_manager

_loader: list[Callable[[str], object]] = []


def use_user_loader(load: Callable[[str], object]) -> None:
    """Register how a session token becomes a user (or None): ``portal.accounts.sessions.load_user``."""
    _loader[:] = [load]


@login_manager.user_loader
def _load_user(token: str):
    if not _loader:
        return None
    try:
        return _loader[0](token)
    except OperationalError:
        # The database is unreachable: remember it so the request answers 503 (see configure_sessions),
        # and let error pages render as for an anonymous visitor.
        db.session.rollback()
        g.db_unavailable = True
        return None


def configure_sessions(app: Flask) -> None:
    app.permanent_session_lifetime = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    login_manager.init_app(app)
    login_manager.session_protection = None  # the server-side session row is the protection

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
