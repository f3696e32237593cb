"""Fix 3: the 5-tries limit of an SMS code, the single use of a TOTP code and optimistic locks hold when
requests run in parallel (PostgreSQL runs them truly at once; SQLite's single writer queues them)."""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pyotp
import pytest
from sqlalchemy import select

from portal.accounts.models import VerificationCode
from tests.conftest import PASSWORD


def _at_once(app, n: int, prepare, send) -> list:
    """``n`` requests from ``n`` browsers released together; ``prepare(client)`` runs first in each."""
    clients = [app.test_client() for _ in range(n)]
    for c in clients:
        prepare(c)
    barrier = threading.Barrier(n)

    def run(c):
        barrier.wait()
        return send(c)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, clients))


@pytest.fixture
def loose_limits(app, monkeypatch):
    for key in ("CODE_LIMIT_PER_ACCOUNT", "LOGIN_LIMIT_PER_ACCOUNT", "LOGIN_LIMIT_PER_IP"):
        monkeypatch.setitem(app.config, key, "1000 per minute")


def _reset_code_sent(client, outbox) -> str:
    assert client.post("/password/reset", data={"phone": "13700137000"}).status_code == 302
    return re.search(r"\b(\d{6})\b", outbox()[-1]["text"]).group(1)


def _in_code_step(client):
    with client.session_transaction() as s:
        s["reset_phone"] = "13700137000"


def _try(code):
    return lambda c: c.post("/password/reset?step=code", data={"code": code, "password": "another-pass-1",
                                                              "confirm": "another-pass-1"}).status_code


@pytest.mark.postgres_only
def test_fix3_twenty_parallel_wrong_codes_count_exactly_five(app, client, create_borrower, outbox, session,
                                                              loose_limits):
    create_borrower(phone="13700137000")
    code = _reset_code_sent(client, outbox)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    statuses = _at_once(app, 20, _in_code_step, _try(wrong))
    assert statuses == [200] * 20
    session.expire_all()
    row = session.scalar(select(VerificationCode).where(VerificationCode.used_at.is_(None)))
    assert row.attempts == 5
    # Five tries were spent: even the right code is refused now.
    assert _try(code)(client) == 200
    assert client.post("/login", data={"phone": "13700137000", "password": "another-pass-1"}).status_code == 200


def test_fix3_code_tries_are_counted_in_one_statement_on_any_database(app, client, create_borrower, outbox,
                                                                      session, loose_limits):
    create_borrower(phone="13700137000")
    code = _reset_code_sent(client, outbox)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert _at_once(app, 8, _in_code_step, _try(wrong)) == [200] * 8
    session.expire_all()
    assert session.scalar(select(VerificationCode.attempts)) == 5
    assert _try(code)(client) == 200


@pytest.mark.postgres_only
def test_fix3_eight_parallel_logins_with_one_totp_code_one_succeeds(app, create_staff, loose_limits):
    user = create_staff(role="agent", username="agent8")
    code = pyotp.TOTP(user.otp_secret).now()
    statuses = _at_once(app, 8, lambda c: None, lambda c: c.post(
        "/staff/login", data={"username": "agent8", "password": PASSWORD, "otp": code}).status_code)
    assert sorted(statuses) == [200] * 7 + [302]
