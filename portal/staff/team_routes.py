"""Team administration (supervisors) and the member's one-time setup link (public, token in the path)."""
from __future__ import annotations

import segno
from flask import (Blueprint, abort, current_app, flash, redirect, render_template, url_for)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from portal.accounts import team
from portal.accounts.models import StaffUser
from portal.extensions import db, limiter
from portal.forms import ActionForm
from portal.navigation import action_addresses
from portal.security import gate
from portal.staff.access import require_role
from portal.staff.team_forms import NewMemberForm, RoleForm, SetupForm

bp = Blueprint("staff_team", __name__, url_prefix="/staff")
gate(bp, kind="staff", login_endpoint="staff.login", public=frozenset({"staff_team.setup"}))
# A link, secret or codes shown once, opened again with GET (a reload, the history, a login): the member's page,
# which says how to make new ones; what was shown is never shown again.
action_addresses(bp, "member", *(f"/team/<int:staff_id>/{a}" for a in ("password", "second-factor", "recovery-codes")))

RULE_MESSAGES = {
    "last_supervisor": lambda: _("Refused: this is the last active supervisor. Make someone else a supervisor "
                                 "first."),
    "self": lambda: _("You cannot disable your own account."),
    "role": lambda: _("Choose a role."),
}


def _member_or_404(staff_id: int) -> StaffUser:
    user = team.member(staff_id)
    if user is None:
        abort(404)
    return user


def _qr(uri: str) -> Markup:
    svg = segno.make_qr(uri, error="m").svg_inline(scale=4, title=_("QR code for the authenticator app"),
                                                   svgclass="qr-code")
    return Markup(svg)


def otpauth_uri(user: StaffUser) -> str:
    from portal.accounts.services import otpauth_uri as uri

    return uri(user)


@bp.route("/team")
@require_role("supervisor")
def index():
    return render_template("staff/team/index.html", members=[(m, team.member_state(m)) for m in team.team()])


@bp.route("/team/new", methods=["GET", "POST"])
@require_role("supervisor")
def new():
    form = NewMemberForm()
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():  # a name taken meanwhile by another supervisor is refused here
                user, token = team.create_member(current_user, form.username.data, form.display_name.data,
                                                 form.role.data)
        except (team.TeamRuleError, IntegrityError):
            form.username.errors.append(_("This username is taken. Choose another."))
        else:
            return _show_link(user, token, "invite")
    return render_template("staff/team/new.html", form=form)


def _show_link(user: StaffUser, token: str, purpose: str):
    link = url_for("staff_team.setup", token=token, _external=True)
    return render_template("staff/team/link.html", member=user, link=link, purpose=purpose,
                           hours=int(team.SETUP_LINK_TTL.total_seconds() // 3600))


@bp.route("/team/<int:staff_id>")
@require_role("supervisor")
def member(staff_id: int):
    user = _member_or_404(staff_id)
    return render_template("staff/team/member.html", member=user, state=team.member_state(user),
                           role_form=RoleForm(formdata=None, role=user.role),
                           codes_left=team.unused_recovery_codes(user))


def _refused(user: StaffUser, error: team.TeamRuleError):
    """Nothing was written: the rule is checked before any change."""
    flash(RULE_MESSAGES.get(error.code, RULE_MESSAGES["role"])(), "error")
    return redirect(url_for("staff_team.member", staff_id=user.id))


@bp.route("/team/<int:staff_id>/role", methods=["POST"])
@require_role("supervisor")
def change_role(staff_id: int):
    user = _member_or_404(staff_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            team.change_role(current_user, user, form.role.data)
        except team.TeamRuleError as error:
            return _refused(user, error)
        flash(_("%(name)s is now: %(role)s.", name=user.display_name,
                role=_("Supervisor") if user.role == "supervisor" else _("Agent")), "success")
    return redirect(url_for("staff_team.member", staff_id=user.id))


@bp.route("/team/<int:staff_id>/disable", methods=["POST"])
@require_role("supervisor")
def disable(staff_id: int):
    return _set_active(staff_id, False)


@bp.route("/team/<int:staff_id>/enable", methods=["POST"])
@require_role("supervisor")
def enable(staff_id: int):
    return _set_active(staff_id, True)


def _set_active(staff_id: int, active: bool):
    user = _member_or_404(staff_id)
    if ActionForm().validate_on_submit():
        try:
            team.set_active(current_user, user, active)
        except team.TeamRuleError as error:
            return _refused(user, error)
        flash(_("%(name)s can log in again.", name=user.display_name) if active else
              _("%(name)s is disabled and was logged out everywhere.", name=user.display_name), "success")
    return redirect(url_for("staff_team.member", staff_id=user.id))


@bp.route("/team/<int:staff_id>/password", methods=["POST"])
@require_role("supervisor")
def reset_password(staff_id: int):
    user = _member_or_404(staff_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("staff_team.member", staff_id=user.id))
    token = team.reset_password(current_user, user)
    return _show_link(user, token, "reset")


@bp.route("/team/<int:staff_id>/second-factor", methods=["POST"])
@require_role("supervisor")
def reenrol(staff_id: int):
    user = _member_or_404(staff_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("staff_team.member", staff_id=user.id))
    secret = team.reenrol_second_factor(current_user, user)
    return render_template("staff/team/second_factor.html", member=user, secret=secret,
                           qr=_qr(otpauth_uri(user)))


@bp.route("/team/<int:staff_id>/recovery-codes", methods=["POST"])
@require_role("supervisor")
def recovery_codes(staff_id: int):
    user = _member_or_404(staff_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("staff_team.member", staff_id=user.id))
    codes = team.new_recovery_codes(current_user, user)
    return render_template("staff/team/recovery_codes.html", member=user, codes=codes)


@bp.route("/setup/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
def setup(token: str):
    opened = team.open_link(token) if len(token) <= 64 else None
    if opened is None:
        return render_template("staff/team/link_invalid.html"), 404
    link, user = opened
    form = SetupForm()
    wrong_code = False
    if form.validate_on_submit():
        codes = team.complete_setup(link, user, form.password.data, form.otp.data)
        if codes is not None:
            return render_template("staff/team/setup_done.html", member=user, codes=codes)
        wrong_code = True
    invite = link.purpose == "invite"
    return render_template("staff/team/setup.html", form=form, member=user, invite=invite, wrong_code=wrong_code,
                           secret=user.otp_secret if invite else None,
                           qr=_qr(otpauth_uri(user)) if invite else None)
