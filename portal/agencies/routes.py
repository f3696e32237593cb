"""Public pages: the published list of the lender and its collection agencies, and "who called me?"."""
from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template

from portal.agencies import queries
from portal.agencies.forms import WhoCalledForm
from portal.contacts.labels import CBA
from portal.extensions import limiter
from portal.i18n import local_today
from portal.security import gate

bp = Blueprint("agencies", __name__)
gate(bp, kind="borrower", login_endpoint="accounts.login", public=frozenset({"agencies.index"}))


def _too_many(_limit):
    # Flask-Limiter uses what on_breach returns only when it is a Response (a tuple is ignored).
    return make_response(render_template("agencies/index.html", agencies=queries.published(), today=local_today(),
                                         form=WhoCalledForm(), answer=None, limited=True, cba_source=CBA), 429)


@bp.route("/agencies", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["WHO_CALLED_LIMIT"], methods=["POST"], on_breach=_too_many)
def index():
    """The list, and below it the answer for a number (POST; nothing typed here is stored)."""
    form = WhoCalledForm()
    today = local_today()
    answer = queries.who_called(form.number.data, today) if form.validate_on_submit() else None
    return render_template("agencies/index.html", agencies=queries.published(), today=today, form=form,
                           answer=answer, limited=False, cba_source=CBA)
