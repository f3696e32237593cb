"""The landing page: for a logged-in borrower, what needs them now (each domain says what, through
``portal.attention``); for everyone else, what the portal is."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from portal.attention import attention_for
from portal.i18n import local_today

bp = Blueprint("pages", __name__)


@bp.route("/")
def home():
    if current_user.is_authenticated and getattr(current_user, "kind", None) == "borrower":
        return render_template("pages/home.html", items=attention_for(current_user, local_today()))
    return render_template("pages/landing.html")
