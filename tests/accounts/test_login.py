from tests.conftest import PASSWORD


def test_login_with_full_width_digits_and_spaces(client, create_borrower):
    create_borrower(phone="13800138000")
    response = client.post("/login", data={"phone": "１３８ ００１３ ８０００", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
