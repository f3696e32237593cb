"""Fix 2: the per-account throttles count the account (the E.164 number), not the way it was typed."""
from __future__ import annotations

import itertools

import pytest

SPELLINGS = ["+8613700137000", "008613700137000", "137 0013 7000", "tel:+86-137-0013-7000"]


@pytest.mark.parametrize(("path", "allowed"), [("/login", 5), ("/activate", 10), ("/password/reset", 10)])
def test_fix2_every_spelling_of_a_number_shares_one_budget(client, create_borrower, path, allowed):
    create_borrower(phone="13700137000")
    spellings = itertools.cycle(SPELLINGS)
    codes = [client.post(path, data={"phone": next(spellings), "password": "guess-guess", "id_tail": "000000"})
             .status_code for _ in range(allowed + 1)]
    assert 429 not in codes[:allowed]
    assert codes[allowed] == 429


def test_fix2_another_number_keeps_its_own_budget(client, create_borrower):
    create_borrower(phone="13700137000")
    for spelling in SPELLINGS + ["13700137000"]:
        client.post("/login", data={"phone": spelling, "password": "guess-guess"})
    assert client.post("/login", data={"phone": "13700137000", "password": "guess-guess"}).status_code == 429
    assert client.post("/login", data={"phone": "13800138000", "password": "guess-guess"}).status_code == 200


@pytest.mark.parametrize("path", ["/activate", "/password/reset"])
def test_fix2_code_step_counts_the_number_in_the_session_not_a_form_field(client, create_borrower, path):
    b = create_borrower(phone="13700137000", activated=path == "/password/reset")
    assert client.post(path, data={"phone": "137 0013 7000", "id_tail": b.id_number[-6:]}).status_code == 302
    # Nine more tries fit the budget of 10; each sends a different "phone" field, which must not matter.
    for i in range(9):
        response = client.post(f"{path}?step=code", data={"phone": f"1390013{i:04d}", "code": f"{i:06d}",
                                                           "password": "another-pass-1", "confirm": "another-pass-1"})
        assert response.status_code == 200
    last = client.post(f"{path}?step=code", data={"phone": "13900139999", "code": "999999",
                                                  "password": "another-pass-1", "confirm": "another-pass-1"})
    assert last.status_code == 429


def test_fix2_staff_login_budget_is_per_account_however_the_name_is_typed(client, create_staff):
    create_staff(role="agent", username="agent9")
    spellings = itertools.cycle(["agent9", "AGENT9", " agent9 ", "ａｇｅｎｔ９"])
    codes = [client.post("/staff/login", data={"username": next(spellings), "password": "guess-guess-1",
                                               "otp": "000000"}).status_code for _ in range(6)]
    assert 429 not in codes[:5] and codes[5] == 429
