"""Staff console: login with a second factor, my-work home."""
from __future__ import annotations

import unicodedata

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import services
from portal.accounts.forms import StaffLoginForm
from portal.accounts.throttling import failed_attempt, throttled
from portal.audit.services import record
from portal.forms import ActionForm
from portal.accounts.sessions import end_session, start_session
from portal.security import gate, redirect_next

bp = Blueprint("staff", __name__, url_prefix="/staff")
gate(bp, kind="staff", login_endpoint="staff.login", public=frozenset({"staff.login"}))


def _username_key() -> str:
    """One budget per account however the name is typed (full-width letters, capitals, spaces around it)."""
    name = unicodedata.normalize("NFKC", request.form.get("username", "")).strip().casefold()[:64]
    return "staff:" + name if name else "ip:" + (request.remote_addr or "")


@bp.route("/login", methods=["GET", "POST"])
@throttled("LOGIN_LIMIT_PER_ACCOUNT", _username_key, failures_only=True)
def login():
    form = StaffLoginForm()
    failed = False
    if form.validate_on_submit():
        user = services.authenticate_staff(form.username.data, form.password.data, form.otp.data)
        if user is None:
            record("staff.login_failed", "staff", form.username.data[:64])
            failed_attempt()  # only failed logins use up the account's budget
            failed = True
        else:
            start_session(user)
            record("staff.login", "staff", user.id, staff=user)
            return redirect_next("staff.home")
    return render_template("staff/login.html", form=form, failed=failed)


@bp.route("/logout", methods=["POST"])
def logout():
    if ActionForm().validate_on_submit():
        record("staff.logout", "staff", current_user.id)
        end_session()
        flash(_("You have logged out."), "info")
    return redirect(url_for("staff.login"))


@bp.route("/")
def home():
    return render_template("staff/home.html")
