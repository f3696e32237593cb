"""``/staff/api-tokens`` (supervisors): the lender's API tokens -- list, create (the token is shown once), revoke.
Creating and revoking go to the audit log."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from portal.api import tokens
from portal.api.labels import SCOPE_LABELS
from portal.api.models import SCOPES
from portal.audit.services import record
from portal.extensions import db
from portal.forms import ActionForm, stripped
from portal.security import gate
from portal.staff.access import require_role

bp = Blueprint("staff_api_tokens", __name__, url_prefix="/staff/api-tokens")
gate(bp, kind="staff", login_endpoint="staff.login")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NewTokenForm(ActionForm):
    # Translators: the name given to a thing (a system, an address, an organisation), not a person: 名称
    name = StringField(_l("Label"), description=_l("Which system uses it, for example the core banking system. 1 to "
                                                  "64 letters, digits, dots, hyphens or underscores."),
                       filters=[stripped],
                       validators=[DataRequired(message=_l("This field is required.")),
                                   Regexp(tokens.NAME.pattern, message=_l(
                                       "Use 1 to 64 letters, digits, dots, hyphens or underscores."))])
    scopes = CheckboxesField(_l("What it may do"),
                             choices=[SelectChoice(s, SCOPE_LABELS[s]) for s in SCOPES],
                             validators=[DataRequired(message=_l("Choose at least one."))])


@bp.route("")
@require_role("supervisor")
def index():
    return render_template("staff/api_tokens/index.html", rows=tokens.all_tokens(db.session),
                           scope_labels=SCOPE_LABELS, form=ActionForm())


@bp.route("/new", methods=["GET", "POST"])
@require_role("supervisor")
def new():
    form = NewTokenForm()
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():  # a name taken meanwhile by another supervisor is refused here
                row, token = tokens.create_token(db.session, form.name.data, form.scopes.data, staff=current_user)
        except (tokens.TokenError, IntegrityError):
            form.name.errors.append(_("A token with this name exists already. Choose another name."))
        else:
            record("api_token.created", "api_token", row.id, name=row.name, scopes=row.scopes)
            return render_template("staff/api_tokens/created.html", row=row, token=token,
                                   scope_labels=SCOPE_LABELS)
    return render_template("staff/api_tokens/new.html", form=form)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@require_role("supervisor")
def revoke(token_id: int):
    row = tokens.token_by_id(db.session, token_id)
    if row is None:
        abort(404)
    if ActionForm().validate_on_submit():
        if tokens.revoke_token(db.session, row):
            record("api_token.revoked", "api_token", row.id, name=row.name)
            flash(_("The token %(name)s is revoked: requests with it are refused from now on.", name=row.name),
                  "success")
        else:
            flash(_("This token was revoked already."), "info")
    return redirect(url_for("staff_api_tokens.index"))
