"""Localized error pages: 400, 403, 404, 405, 409 (a parallel change), 410, 413, 429, 500, 503 and CSRF failure."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from portal.extensions import db

_MESSAGES = {
    400: (_l("Something in the request was wrong"),
          _l("Please go back, check what you entered and try again.")),
    403: (_l("You cannot open this page"),
          _l("Your account does not have permission for this page. If you think this is a mistake, contact "
             "support.")),
    404: (_l("Page not found"),
          _l("The page does not exist or is not available to you. Check the link, or start again from the home "
             "page.")),
    405: (_l("This action is not possible here"), _l("Please go back and use the buttons on the page.")),
    # Translators: an optimistic-lock conflict: two people (or two tabs) changed the same thing at once.
    409: (_l("Someone else changed this in the meantime"),
          _l("Nothing you sent was saved. Please go back, reload the page to see the current version and try "
             "again.")),
    410: (_l("This link has expired"),
          _l("Links to downloads work for a limited time. Please go back and ask for a new one.")),
    413: (_l("The file is too large"),
          _l("Each file may be at most %(mb)d MB. Please go back and choose a smaller file, or take a new photo "
             "at a lower resolution.")),
    429: (_l("Too many attempts"),
          _l("For your safety we paused this for a while. Please wait 15 minutes and try again. Nothing has been "
             "lost.")),
    500: (_l("Something went wrong on our side"),
          _l("Nothing you entered was half-saved. Please try again in a few minutes.")),
    503: (_l("The service is briefly unavailable"),
          _l("We could not reach our records just now. Please try again in a few minutes; nothing was saved "
             "half-way.")),
}


def render_error(code: int, title=None, message=None):
    default_title, default_message = _MESSAGES.get(code, _MESSAGES[500])
    from flask import current_app

    body = message or default_message
    if code == 413:
        body = body % {"mb": current_app.config["EVIDENCE_MAX_MB"]}
    staff = request.path.startswith("/staff")
    return render_template("errors/error.html", code=code, title=title or default_title, message=body,
                           staff=staff, db_down=code == 503), code


def configure_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_error(
            400, _l("This form has expired"),
            _l("For your safety, forms work only for a limited time and only from this site. Please go back, "
               "reload the page and submit again."),
        )

    @app.errorhandler(OperationalError)
    def _db_down(error):
        db.session.rollback()
        return render_error(503)

    @app.errorhandler(StaleDataError)
    def _conflict(error):
        # A parallel request changed the row between our read and our write (optimistic lock): nothing is kept.
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.response is not None:  # a page of its own (a rate limit's on_breach page)
            return error.response
        if error.code in _MESSAGES:
            return render_error(error.code)
        return error

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("unhandled error")
        db.session.rollback()
        return render_error(500)
