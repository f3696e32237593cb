"""Borrower account pages: login, first-time activation, password reset, logout, language switch."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import services
from portal.accounts.forms import (ActivateStartForm, ChangePasswordForm, LoginForm, NewPasswordForm,
                                   PreferencesForm, RequestCodeForm)
from portal.accounts.rules import InvalidPhone, fold, normalize_phone
from portal.accounts.throttling import failed_attempt, throttled
from portal.forms import ActionForm
from portal.i18n import LOCALE_COOKIE, LOCALES
from portal.accounts.sessions import end_session, start_session
from portal.security import gate, is_safe_next, redirect_next, verify_password

bp = Blueprint("accounts", __name__)
gate(bp, kind="borrower", login_endpoint="accounts.login",
     public=frozenset({"accounts.login", "accounts.logout", "accounts.activate", "accounts.password_reset",
                       "accounts.set_language"}))

_FLOWS = {
    "activate": {"session_key": "activation_phone", "endpoint": "accounts.activate"},
    "reset": {"session_key": "reset_phone", "endpoint": "accounts.password_reset"},
}


_FLOW_OF_ENDPOINT = {"accounts.activate": "activate", "accounts.password_reset": "reset"}


def _account_key() -> str:
    """Throttle per account: the number in E.164 form, however it was typed (+86…, 0086…, spaces, tel:).
    The code-entry step takes the number from the session the server wrote, never from a form field."""
    flow = _FLOW_OF_ENDPOINT.get(request.endpoint or "")
    if flow and request.args.get("step") == "code":
        phone = session.get(_FLOWS[flow]["session_key"])
    else:
        raw = request.form.get("phone", "")
        try:
            phone = normalize_phone(raw)
        except InvalidPhone:
            phone = fold(raw)[:32]
    return "acct:+86" + phone if phone else "ip:" + (request.remote_addr or "")


@bp.route("/login", methods=["GET", "POST"])
@throttled("LOGIN_LIMIT_PER_ACCOUNT", _account_key, failures_only=True)
def login():
    if current_user.is_authenticated and current_user.kind == "borrower":
        return redirect(url_for("pages.home"))
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        borrower = services.authenticate_borrower(form.phone.data, form.password.data)
        if borrower is not None:
            start_session(borrower)
            return redirect_next("pages.home")
        failed_attempt()  # only wrong passwords use up the account's budget
        failed = True
    return render_template("accounts/login.html", form=form, failed=failed)


@bp.route("/logout", methods=["POST"])
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        end_session()
        flash(_("You have logged out."), "info")
    return redirect(url_for("pages.home"))


def _code_flow(purpose: str, start_form_cls, template: str):
    flow = _FLOWS[purpose]
    if request.args.get("step") == "code" and session.get(flow["session_key"]):
        form = NewPasswordForm()
        failed = False
        if form.validate_on_submit():
            borrower = services.check_code(session[flow["session_key"]], purpose, form.code.data)
            if borrower is None:
                failed = True  # the view returns normally: the failed attempt is committed and counts
            else:
                services.set_password(borrower, form.password.data, purpose)
                session.pop(flow["session_key"], None)
                start_session(borrower)
                flash(_("Your password is set. You are logged in."), "success")
                return redirect(url_for("pages.home"))
        return render_template(template, step=2, form=form, failed=failed,
                               phone=session[flow["session_key"]])
    form = start_form_cls()
    if form.validate_on_submit():
        services.request_code(form.phone.data, purpose, getattr(form, "id_tail", None) and form.id_tail.data)
        session[flow["session_key"]] = normalize_phone(form.phone.data)
        return redirect(url_for(flow["endpoint"], step="code"))
    return render_template(template, step=1, form=form)


@bp.route("/activate", methods=["GET", "POST"])
@throttled("CODE_LIMIT_PER_ACCOUNT", _account_key, failures_only=False)
def activate():
    return _code_flow("activate", ActivateStartForm, "accounts/activate.html")


@bp.route("/password/reset", methods=["GET", "POST"])
@throttled("CODE_LIMIT_PER_ACCOUNT", _account_key, failures_only=False)
def password_reset():
    return _code_flow("reset", RequestCodeForm, "accounts/reset.html")


@bp.route("/language", methods=["POST"])
def set_language():
    form = ActionForm()
    locale = request.form.get("locale")
    target = request.form.get("next")
    response = make_response(redirect(target if is_safe_next(target) else url_for("pages.home")))
    if form.validate_on_submit() and locale in LOCALES:
        response.set_cookie(LOCALE_COOKIE, locale, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
        if current_user.is_authenticated and current_user.kind == "borrower":
            current_user.locale = locale
            current_user.locale_chosen = True
    return response


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    sent_prefs = request.method == "POST" and "prefs-submit" in request.form
    sent_password = request.method == "POST" and "pw-submit" in request.form
    # Only the form that was sent reads the request; the other shows the stored values.
    prefs = PreferencesForm(prefix="prefs", obj=current_user, **({} if sent_prefs else {"formdata": None}))
    password = ChangePasswordForm(prefix="pw", **({} if sent_password else {"formdata": None}))
    wrong_current = False
    if sent_prefs and prefs.validate_on_submit():
        services.update_preferences(current_user, prefs.locale.data, prefs.preferred_contact.data,
                                    prefs.family_contact_consent.data)
        flash(_("Your settings are saved."), "success")
        response = redirect(url_for("accounts.settings"))
        response.delete_cookie(LOCALE_COOKIE)  # the account setting now decides
        return response
    if sent_password and password.validate_on_submit():
        if verify_password(current_user, password.current.data):
            services.change_password(current_user, password.password.data)
            flash(_("Your password is changed."), "success")
            return redirect(url_for("accounts.settings"))
        wrong_current = True
    return render_template("accounts/settings.html", prefs=prefs, password=password, wrong_current=wrong_current)
