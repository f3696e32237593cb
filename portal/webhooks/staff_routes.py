"""``/staff/webhooks`` (supervisors): the endpoints events are POSTed to, and the delivery log with each
delivery's attempts and a redeliver button. Every change and every redelivery goes to the audit log; a secret is
shown once, on the page that answers its creation."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from portal.audit.services import record
from portal.extensions import db
from portal.forms import ActionForm
from portal.navigation import action_addresses
from portal.security import gate
from portal.staff.access import require_role
from portal.webhooks import outbox, queries, services, signing
from portal.webhooks.forms import EndpointForm, VersionForm
from portal.webhooks.labels import STATE_LABELS
from portal.webhooks.models import STATES, WebhookEndpoint

bp = Blueprint("staff_webhooks", __name__, url_prefix="/staff/webhooks")
gate(bp, kind="staff", login_endpoint="staff.login")
# A secret shown once (or a refused form), opened again with GET: the webhooks page, never the secret again.
action_addresses(bp, "index", "/endpoints", "/endpoints/<int:endpoint_id>/secret")


def _index(form: EndpointForm, status: int = 200):
    state = request.args.get("state", "all")
    state = state if state in STATES else "all"
    endpoint = request.args.get("endpoint", "all")
    rows, older = queries.delivery_page(state, endpoint, request.args.get("before", type=int))
    return render_template("staff/webhooks/index.html", rows=rows, older=older, state=state, endpoint=endpoint,
                           states=STATES, state_labels=STATE_LABELS, endpoints=queries.endpoints(), form=form,
                           config_url=current_app.config.get("WEBHOOK_URL"), config=queries.CONFIG,
                           action_form=ActionForm(), max_attempts=outbox.MAX_ATTEMPTS), status


@bp.route("")
@require_role("supervisor")
def index():
    record("webhooks.viewed", "webhook", "", state=request.args.get("state", "all"))
    return _index(EndpointForm(formdata=None))


@bp.route("/endpoints", methods=["POST"])
@require_role("supervisor")
def add_endpoint():
    form = EndpointForm()
    if form.validate_on_submit() and queries.name_taken(form.name.data):
        form.name.errors = [_("An endpoint of this name exists already.")]
    elif form.validate_on_submit():
        endpoint, made = services.add_endpoint(current_user, form.name.data, form.url.data, form.secret.data)
        return _secret_page(endpoint, made)
    return _index(form, 422)


def _secret_page(endpoint: WebhookEndpoint, secret: str | None):
    return render_template("staff/webhooks/secret.html", endpoint=endpoint, secret=secret)


def _endpoint_for_change(endpoint_id: int) -> WebhookEndpoint:
    endpoint = queries.endpoint_or_404(endpoint_id)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    if str(form.version.data) != str(endpoint.version):
        flash(_("Someone changed this endpoint in the meantime. Please look at it again."), "warning")
        abort(redirect(url_for("staff_webhooks.index")))
    return endpoint


@bp.route("/endpoints/<int:endpoint_id>/toggle", methods=["POST"])
@require_role("supervisor")
def toggle(endpoint_id: int):
    endpoint = _endpoint_for_change(endpoint_id)
    try:
        services.set_enabled(current_user, endpoint, not endpoint.enabled)
    except StaleDataError:
        abort(409)
    flash(_("The endpoint receives events again; what waited is sent now.") if endpoint.enabled else
          _("The endpoint is paused: its deliveries wait, nothing is lost."), "success")
    return redirect(url_for("staff_webhooks.index"))


@bp.route("/endpoints/<int:endpoint_id>/secret", methods=["POST"])
@require_role("supervisor")
def new_secret(endpoint_id: int):
    endpoint = _endpoint_for_change(endpoint_id)
    try:
        secret = services.replace_secret(current_user, endpoint)
    except StaleDataError:
        abort(409)
    return _secret_page(endpoint, secret)


@bp.route("/deliveries/<int:delivery_id>")
@require_role("supervisor")
def delivery(delivery_id: int):
    row = queries.delivery_or_404(delivery_id)
    record("webhook.delivery_viewed", "webhook_delivery", row.id)
    return render_template("staff/webhooks/delivery.html", row=row, state_labels=STATE_LABELS,
                           body=signing.body_of(row.event).decode(), form=ActionForm(),
                           max_attempts=outbox.MAX_ATTEMPTS)


@bp.route("/deliveries/<int:delivery_id>/redeliver", methods=["POST"])
@require_role("supervisor")
def redeliver(delivery_id: int):
    row = queries.delivery_or_404(delivery_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if row.state in ("pending", "sending"):
        flash(_("This delivery is still being tried, so there is nothing to send again."), "info")
        return redirect(url_for("staff_webhooks.delivery", delivery_id=row.id))
    again = outbox.redeliver(db.session, row)
    record("webhook.redelivered", "webhook_delivery", row.id, kind=row.event.type)
    flash(_("The event will be sent again as a new delivery, with up to %(tries)d tries.",
            tries=outbox.MAX_ATTEMPTS), "success")
    return redirect(url_for("staff_webhooks.delivery", delivery_id=again.id))
