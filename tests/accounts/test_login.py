"""Borrower login, sessions and throttling."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from portal.accounts.models import LoginSession
from portal.orm import utcnow
from tests.conftest import PASSWORD


def _strip_tokens(html: str) -> str:
    import re

    return re.sub(r'value="[^"]*"', "", html)


def test_login_with_full_width_digits_and_spaces(client, create_borrower):
    b = create_borrower(phone="13800138000")
    response = client.post("/login", data={"phone": "１３８ ００１３ ８０００", "password": PASSWORD})
    assert response.status_code == 302
    assert b.name in client.get("/").get_data(as_text=True)


def test_unknown_number_and_wrong_password_get_the_same_answer(client, create_borrower):
    create_borrower(phone="13800138000")
    wrong = client.post("/login", data={"phone": "13800138000", "password": "nope-nope-nope"})
    unknown = client.post("/login", data={"phone": "13900139999", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert _strip_tokens(wrong.get_data(as_text=True)) == _strip_tokens(unknown.get_data(as_text=True))


def test_login_redirects_only_to_local_next(client, create_borrower):
    create_borrower(phone="13800138000")
    evil = client.post("/login", data={"phone": "13800138000", "password": PASSWORD,
                                       "next": "https://evil.example/"})
    assert evil.headers["Location"] == "/"
    client.post("/logout")
    good = client.post("/login", data={"phone": "13800138000", "password": PASSWORD, "next": "/healthz"})
    assert good.headers["Location"] == "/healthz"


def test_session_id_rotates_at_login_and_dies_at_logout(client, create_borrower, session):
    create_borrower(phone="13800138000")
    with client.session_transaction() as s:
        s["planted"] = "by an attacker before login"
    client.post("/login", data={"phone": "13800138000", "password": PASSWORD})
    with client.session_transaction() as s:
        first = s["_user_id"]
        assert "planted" not in s
    client.post("/logout")
    client.post("/login", data={"phone": "13800138000", "password": PASSWORD})
    with client.session_transaction() as s:
        second = s["_user_id"]
    assert first != second
    assert session.scalar(select(func.count()).select_from(LoginSession)) == 1
    client.post("/logout")
    assert session.scalar(select(func.count()).select_from(LoginSession)) == 0
    with client.session_transaction() as s:
        s["_user_id"] = second  # a stolen cookie after logout
    assert "张三" not in client.get("/").get_data(as_text=True)


def test_idle_session_times_out_after_15_minutes(client, create_borrower, session):
    b = create_borrower(phone="13800138000")
    client.post("/login", data={"phone": "13800138000", "password": PASSWORD})
    assert b.name in client.get("/").get_data(as_text=True)
    session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(minutes=16)))
    session.commit()
    assert b.name not in client.get("/").get_data(as_text=True)


def test_password_is_rehashed_when_parameters_change(app, client, create_borrower, session):
    from argon2 import PasswordHasher

    from portal.accounts.models import Borrower
    from portal.security.hashing import _Hashing

    b = create_borrower(phone="13800138000")
    old_hash = b.password_hash
    original = app.extensions["argon2"]
    app.extensions["argon2"] = _Hashing(PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    try:
        assert client.post("/login", data={"phone": "13800138000", "password": PASSWORD}).status_code == 302
    finally:
        app.extensions["argon2"] = original
    new_hash = session.scalar(select(Borrower.password_hash).where(Borrower.id == b.id))
    assert new_hash != old_hash and new_hash.startswith("$argon2id$")


@pytest.mark.parametrize(("path", "allowed"), [("/login", 5), ("/activate", 10), ("/password/reset", 10)])
def test_brute_force_is_throttled_per_account_with_a_localized_page(client, create_borrower, path, allowed):
    create_borrower(phone="13800138000")
    data = {"phone": "13800138000", "password": "guess-guess", "id_tail": "000000"}
    codes = [client.post(path, data=data).status_code for _ in range(allowed + 1)]
    assert 429 not in codes[:allowed] and codes[allowed] == 429
    page = client.post(path, data=data, headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)
    assert 'lang="zh-Hant"' in page and "15" in page


def test_throttle_per_ip_across_accounts(app, client):
    limit = int(app.config["LOGIN_LIMIT_PER_IP"].split()[0])
    codes = [client.post("/login", data={"phone": f"139{i:08d}", "password": "x" * 10}).status_code
             for i in range(limit + 1)]
    assert codes[-1] == 429 and 429 not in codes[:-1]


def test_many_people_logging_in_from_one_address_are_never_throttled(app, client, create_borrower):
    """A mobile carrier puts many phones behind one address: the per-IP budget counts failed logins only."""
    limit = int(app.config["LOGIN_LIMIT_PER_IP"].split()[0])
    for i in range(limit + 5):
        create_borrower(phone=f"1370000{i:04d}")
        response = client.post("/login", data={"phone": f"1370000{i:04d}", "password": PASSWORD})
        assert response.status_code == 302, i
        client.post("/logout")
    wrong = [client.post("/login", data={"phone": f"1390000{i:04d}", "password": "x" * 10}).status_code
             for i in range(limit + 1)]
    assert wrong[-1] == 429 and 429 not in wrong[:-1]  # failures still lock the address


def test_successful_logins_never_use_up_the_account_budget(client, create_borrower):
    """The per-account limit is against password guessing: logging in and out all day is never throttled."""
    create_borrower(phone="13800138000")
    assert client.post("/login", data={"phone": "13800138000", "password": "wrong-wrong-1"}).status_code == 200
    for _ in range(10):
        response = client.post("/login", data={"phone": "13800138000", "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        client.post("/logout")


def test_five_failed_logins_lock_the_account_even_for_the_right_password(client, create_borrower):
    create_borrower(phone="13800138000")
    for _ in range(5):
        assert client.post("/login", data={"phone": "13800138000", "password": "wrong-wrong-1"}).status_code == 200
    assert client.post("/login", data={"phone": "13800138000", "password": PASSWORD}).status_code == 429
    assert client.post("/login", data={"phone": "13800138001", "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize("path", ["/activate", "/password/reset"])
def test_code_requests_count_against_the_account_even_when_they_succeed(client, create_borrower, path):
    """Each request for a code sends an SMS: a request that is answered normally counts all the same."""
    b = create_borrower(phone="13700137000", activated=path == "/password/reset")
    data = {"phone": "13700137000", "id_tail": b.id_number[-6:]}
    codes = [client.post(path, data=data).status_code for _ in range(11)]
    assert codes[:10] == [302] * 10 and codes[10] == 429
