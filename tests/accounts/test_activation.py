"""First-time activation and password reset by SMS code."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from portal.accounts.models import Borrower, VerificationCode
from portal.extensions import db
from portal.orm import utcnow
from tests.conftest import PASSWORD


def _code(outbox) -> str:
    return re.search(r"\b(\d{6})\b", outbox()[-1]["text"]).group(1)


def _start(client, phone, tail):
    return client.post("/activate", data={"phone": phone, "id_tail": tail})


def test_activation_sends_a_code_and_sets_the_password(client, create_borrower, outbox):
    b = create_borrower(phone="13800138000", activated=False)
    response = _start(client, "138 0013 8000", b.id_number[-6:])
    assert response.status_code == 302 and response.headers["Location"].endswith("/activate?step=code")
    messages = outbox()
    assert len(messages) == 1 and messages[0]["to"] == "13800138000"
    assert "10" in messages[0]["text"]  # validity is stated
    page = client.get("/activate?step=code").get_data(as_text=True)
    assert "138****8000" in page
    done = client.post("/activate?step=code", data={"code": _code(outbox), "password": "new-password-1",
                                                     "confirm": "new-password-1"})
    assert done.status_code == 302
    assert client.get("/").get_data(as_text=True).count(b.name) >= 1  # logged in: greeting by name
    client.post("/logout")
    assert client.post("/login", data={"phone": "13800138000", "password": "new-password-1"}).status_code == 302


def test_wrong_id_tail_answers_the_same_but_sends_nothing(client, create_borrower, outbox):
    create_borrower(phone="13800138000", activated=False)
    response = _start(client, "13800138000", "000000")
    assert response.status_code == 302 and response.headers["Location"].endswith("step=code")
    assert outbox() == []
    unknown = _start(client, "13912345678", "123456")
    assert unknown.status_code == 302 and outbox() == []


def test_full_width_id_tail_and_lower_case_x_are_accepted(client, create_borrower, outbox):
    b = create_borrower(phone="13800138000", activated=False)
    tail = b.id_number[-6:]
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c.lower() for c in tail)
    _start(client, "13800138000", full_width)
    assert len(outbox()) == 1


def test_bad_input_keeps_what_was_typed_with_messages_next_to_fields(client):
    page = client.post("/activate", data={"phone": "12345", "id_tail": "12"}).get_data(as_text=True)
    assert 'value="12345"' in page and 'value="12"' in page
    assert 'id="phone-error"' in page and 'id="id_tail-error"' in page
    assert 'aria-invalid="true"' in page and 'href="#phone"' in page  # error summary links to the field


def test_code_allows_five_tries_then_stops(client, create_borrower, outbox):
    b = create_borrower(phone="13800138000", activated=False)
    _start(client, "13800138000", b.id_number[-6:])
    good = _code(outbox)
    wrong = "000000" if good != "000000" else "111111"
    form = {"password": "new-password-1", "confirm": "new-password-1"}
    for _ in range(5):
        page = client.post("/activate?step=code", data={**form, "code": wrong}).get_data(as_text=True)
        assert 'role="alert"' in page
    client.post("/activate?step=code", data={**form, "code": good})
    assert db.session.scalar(select(Borrower.password_hash).where(Borrower.id == b.id)) is None


def test_code_expires_after_ten_minutes(client, create_borrower, outbox, session):
    b = create_borrower(phone="13800138000", activated=False)
    _start(client, "13800138000", b.id_number[-6:])
    session.execute(update(VerificationCode).values(expires_at=utcnow() - timedelta(minutes=1)))
    session.commit()
    client.post("/activate?step=code", data={"code": _code(outbox), "password": "new-password-1",
                                             "confirm": "new-password-1"})
    assert session.scalar(select(Borrower.password_hash).where(Borrower.id == b.id)) is None


def test_passwords_must_match_and_be_long_enough(client, create_borrower, outbox):
    b = create_borrower(phone="13800138000", activated=False)
    _start(client, "13800138000", b.id_number[-6:])
    page = client.post("/activate?step=code", data={"code": _code(outbox), "password": "short",
                                                    "confirm": "other"}).get_data(as_text=True)
    assert 'id="password-error"' in page and 'id="confirm-error"' in page


def test_already_active_account_gets_a_hint_by_sms_not_a_code(client, create_borrower, outbox):
    b = create_borrower(phone="13800138000", activated=True)
    _start(client, "13800138000", b.id_number[-6:])
    assert len(outbox()) == 1 and not re.search(r"\b\d{6}\b", outbox()[0]["text"])


def test_sms_is_written_in_the_borrowers_script(client, create_borrower, outbox):
    b = create_borrower(phone="13800138000", activated=False, locale="zh_Hant")
    _start(client, "13800138000", b.id_number[-6:])
    import opencc

    text = outbox()[0]["text"]
    assert opencc.OpenCC("s2tw").convert(text) == text


def test_password_reset_by_sms(client, create_borrower, outbox):
    create_borrower(phone="13800138000")
    assert client.post("/password/reset", data={"phone": "13800138000"}).status_code == 302
    client.post("/password/reset?step=code", data={"code": _code(outbox), "password": "brand-new-pass",
                                                   "confirm": "brand-new-pass"})
    client.post("/logout")
    assert client.post("/login", data={"phone": "13800138000", "password": PASSWORD}).status_code == 200
    assert client.post("/login", data={"phone": "13800138000", "password": "brand-new-pass"}).status_code == 302


def test_reset_for_a_never_activated_account_sends_nothing(client, create_borrower, outbox):
    create_borrower(phone="13800138000", activated=False)
    client.post("/password/reset", data={"phone": "13800138000"})
    assert outbox() == []
