from sqlalchemy import select

from portal.accounts.models import Borrower
from portal.audit.models import AuditEvent
from tests.conftest import PASSWORD


def test_settings_need_login(client):
    assert client.get("/settings").headers["Location"].startswith("/login")


def test_preferences_are_saved_and_decide_the_language(client, create_borrower, login, session):
    b = create_borrower(locale="zh_Hans")
    login(client, b)
    response = client.post("/settings", data={"prefs-locale": "zh_Hant", "prefs-preferred_contact": "portal",
                                              "prefs-family_contact_consent": "y", "prefs-submit": "1"})
    assert response.status_code == 302
    stored = session.scalar(select(Borrower).where(Borrower.id == b.id))
    assert (stored.locale, stored.preferred_contact, stored.family_contact_consent) == ("zh_Hant", "portal", True)
    assert 'lang="zh-Hant"' in client.get("/settings", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "borrower.family_contact_consent"))


def test_bad_preferences_are_refused_next_to_the_field(client, create_borrower, login):
    login(client, create_borrower())
    page = client.post("/settings", data={"prefs-locale": "en", "prefs-preferred_contact": "fax",
                                          "prefs-submit": "1"}).get_data(as_text=True)
    assert 'id="prefs-preferred_contact-error"' in page or "prefs-preferred_contact" in page
    assert 'role="alert"' in page


def test_change_password_needs_the_current_one(client, create_borrower, login):
    b = create_borrower(phone="13800138000")
    login(client, b)
    data = {"pw-current": "wrong-password", "pw-password": "another-pass-1", "pw-confirm": "another-pass-1",
            "pw-submit": "1"}
    assert client.post("/settings", data=data).status_code == 200
    assert client.post("/settings", data={**data, "pw-current": PASSWORD}).status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"phone": "13800138000", "password": "another-pass-1"}).status_code == 302
