"""/staff/webhooks: supervisors add endpoints (a secret shown once), pause and resume them, replace secrets, read
the delivery log with its filters and each delivery's attempts, and send a delivery again; all audited."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from portal.audit.models import AuditEvent
from portal.webhooks import outbox
from portal.webhooks.models import WebhookDelivery, WebhookEndpoint

from tests.addresses import assert_no_dead_end

from .conftest import SECRET, consent_event, deliveries


@pytest.fixture
def boss(client, create_staff, login):
    user = create_staff(role="supervisor")
    login(client, user)
    return user


def _actions(session) -> list[str]:
    session.expire_all()
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    session.commit()
    return actions


def test_add_an_endpoint_and_its_secret_is_shown_once(client, boss, session, receiver):
    page = client.post("/staff/webhooks/endpoints", data={"name": "CRM", "url": receiver.url, "secret": ""})
    body = page.get_data(as_text=True)
    secret = re.search(r'<code class="secret">([^<]+)</code>', body).group(1)
    endpoint = session.scalars(select(WebhookEndpoint)).one()
    assert page.status_code == 200 and endpoint.secret == secret and secret.startswith("whsec_")
    assert secret not in client.get("/staff/webhooks").get_data(as_text=True)  # never again
    assert "webhook.endpoint_added" in _actions(session)


def test_an_own_secret_is_kept_and_not_echoed(client, boss, session, receiver):
    page = client.post("/staff/webhooks/endpoints", data={"name": "ERP", "url": receiver.url, "secret": SECRET})
    assert page.status_code == 200 and SECRET not in page.get_data(as_text=True)
    assert session.scalars(select(WebhookEndpoint.secret)).one() == SECRET


@pytest.mark.parametrize("data, field, message", [
    ({"name": "", "url": "https://lender.example/h"}, "name", "给这个接收地址起个名字"),
    ({"name": "x", "url": "ftp://lender.example/h"}, "url", "https://"),
    ({"name": "x", "url": "https://lender.example/h", "secret": "short"}, "secret", "16"),
])
def test_bad_input_is_answered_next_to_the_field_keeping_what_was_typed(client, boss, session, data, field,
                                                                         message):
    page = client.post("/staff/webhooks/endpoints", data=data)
    body = page.get_data(as_text=True)
    assert page.status_code == 422 and f'id="{field}-error"' in body and message in body
    assert 'value="https://lender.example/h"' in body or 'value="ftp://lender.example/h"' in body
    assert session.scalars(select(WebhookEndpoint)).all() == []


def test_a_second_endpoint_of_the_same_name_is_refused(client, boss, session, receiver):
    client.post("/staff/webhooks/endpoints", data={"name": "CRM", "url": receiver.url})
    again = client.post("/staff/webhooks/endpoints", data={"name": "CRM", "url": receiver.url})
    assert again.status_code == 422 and 'id="name-error"' in again.get_data(as_text=True)
    assert len(session.scalars(select(WebhookEndpoint)).all()) == 1


def test_pause_resume_and_replace_the_secret(client, boss, session, receiver):
    session.add(WebhookEndpoint(name="CRM", url=receiver.url, secret=SECRET, enabled=True))
    session.commit()
    endpoint = session.scalars(select(WebhookEndpoint)).one()
    eid, version = endpoint.id, endpoint.version
    session.commit()
    client.post(f"/staff/webhooks/endpoints/{eid}/toggle", data={"version": version})
    stale = client.post(f"/staff/webhooks/endpoints/{eid}/toggle", data={"version": version})  # an old tab
    session.expire_all()
    assert session.get(WebhookEndpoint, eid).enabled is False and stale.status_code == 302
    page = client.post(f"/staff/webhooks/endpoints/{eid}/secret", data={"version": version + 1})
    session.expire_all()
    new = session.get(WebhookEndpoint, eid).secret
    assert new != SECRET and new in page.get_data(as_text=True)
    session.commit()
    assert {"webhook.endpoint_disabled", "webhook.secret_replaced"} <= set(_actions(session))


@pytest.mark.parametrize("endpoint", ["²", str(2**63), "-1", "all"])
def test_an_endpoint_filter_that_names_no_endpoint_lists_all(client, boss, session, receiver, queued, endpoint):
    """"²" passed ``str.isdigit`` and failed ``int`` (500); any value that is not an endpoint's id filters nothing."""
    session.add(WebhookEndpoint(name="CRM", url=receiver.url, secret=SECRET, enabled=True))
    session.commit()
    consent_event(session, "L2024000123")
    response = client.get("/staff/webhooks", query_string={"endpoint": endpoint})
    assert response.status_code == 200 and "L2024000123" in response.get_data(as_text=True)


@pytest.mark.parametrize("made", ["added", "replaced"])
def test_a_secret_page_opened_again_leads_to_the_webhooks_page_without_the_secret(client, boss, session, receiver,
                                                                                 made):
    """A reload from the address bar, the history or the language switch: the webhooks page, not 405; the secret
    is not shown again, and the page says how to make a new one."""
    if made == "added":
        action_url = "/staff/webhooks/endpoints"
        shown = client.post(action_url, data={"name": "CRM", "url": receiver.url, "secret": ""})
    else:
        session.add(WebhookEndpoint(name="CRM", url=receiver.url, secret=SECRET, enabled=True))
        session.commit()
        endpoint = session.scalars(select(WebhookEndpoint)).one()
        action_url = f"/staff/webhooks/endpoints/{endpoint.id}/secret"
        shown = client.post(action_url, data={"version": endpoint.version})
        session.commit()
    secret = re.search(r'<code class="secret">([^<]+)</code>', shown.get_data(as_text=True)).group(1)
    assert_no_dead_end(client, shown, action_url, "/staff/webhooks")
    page = client.get(action_url, follow_redirects=True)
    body = page.get_data(as_text=True)
    assert page.request.path == "/staff/webhooks" and secret not in body
    assert "金鑰只在產生時顯示一次。如果沒有複製，請按「更換金鑰」產生新的；舊金鑰隨即失效。" in body


def test_the_log_filters_by_state_shows_attempts_and_redelivers(app, client, boss, session, receiver, queued):
    session.add(WebhookEndpoint(name="CRM", url=receiver.url, secret=SECRET, enabled=True))
    session.commit()
    receiver.answers = [500]
    consent_event(session, "L2024000123")
    consent_event(session, "L2024000999")
    first, second = deliveries(session)
    outbox.deliver(first.id)
    session.execute(update(WebhookDelivery).where(WebhookDelivery.id == first.id).values(state="failed"))
    session.commit()
    failed = client.get("/staff/webhooks?state=failed").get_data(as_text=True)
    assert "L2024000123" in failed and "L2024000999" not in failed
    assert "L2024000999" in client.get("/staff/webhooks?state=pending").get_data(as_text=True)
    detail = client.get(f"/staff/webhooks/deliveries/{first.id}").get_data(as_text=True)
    assert "HTTP 500" in detail and first.uid in detail and "consent.changed" in detail
    response = client.post(f"/staff/webhooks/deliveries/{first.id}/redeliver")
    rows = deliveries(session)
    assert response.status_code == 302 and len(rows) == 3 and rows[-1].redelivery_of_id == first.id
    assert response.headers["Location"].endswith(f"/staff/webhooks/deliveries/{rows[-1].id}")
    assert client.post(f"/staff/webhooks/deliveries/{second.id}/redeliver").status_code == 302  # still pending:
    assert len(deliveries(session)) == 3                                                     # nothing added
    actions = _actions(session)
    assert {"webhooks.viewed", "webhook.delivery_viewed", "webhook.redelivered"} <= set(actions)
    assert actions.count("webhook.redelivered") == 1


def test_agents_get_403_and_unknown_objects_404(client, create_staff, login, session):
    login(client, create_staff(role="agent"))
    assert client.get("/staff/webhooks").status_code == 403
    assert client.post("/staff/webhooks/deliveries/1/redeliver").status_code == 403
    client.post("/logout")
    login(client, create_staff(role="supervisor"))
    assert client.get("/staff/webhooks/deliveries/999999").status_code == 404
    assert client.post("/staff/webhooks/endpoints/999999/toggle", data={"version": "1"}).status_code == 404
