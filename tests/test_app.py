"""App-wide behaviour: configuration, headers, errors, CSRF, health check, locale negotiation."""
from __future__ import annotations

import pytest

from portal import create_app
from portal.config import ConfigError, load_config, parse_hours
from portal.i18n import locale_from_accept_language
from tests.notify.test_gateways import production_gateways


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app()


def test_production_refuses_debug(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PORTAL_DEBUG", "1")
    with pytest.raises(ConfigError):
        create_app()


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_SECRET_KEY", "x" * 40)
    for name, value in production_gateways().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PORTAL_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:16404")
    # load_config, not create_app: a second app would rebind the shared limiter to that Redis.
    config = load_config(str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("raw", ["21-23", "7-20", "20-9", "nine-five"])
def test_visit_hours_can_never_reach_into_the_night(raw):
    with pytest.raises(ConfigError):
        parse_hours(raw)


@pytest.mark.parametrize(("header", "expected"), [
    ([("zh-TW", 1)], "zh_Hant"), ([("zh-HK", 1)], "zh_Hant"), ([("zh-MO", 1)], "zh_Hant"),
    ([("zh-Hant-TW", 1)], "zh_Hant"), ([("zh-CN", 1)], "zh_Hans"), ([("zh-SG", 1)], "zh_Hans"),
    ([("zh", 1)], "zh_Hans"), ([("en-US", 1)], "zh_Hans"), ([("en", 1), ("zh-TW", 0.5)], "zh_Hant"), ([], "zh_Hans"),
])
def test_script_based_negotiation(header, expected):
    assert locale_from_accept_language(header) == expected


def test_html_lang_follows_accept_language(client):
    assert 'lang="zh-Hant"' in client.get("/", headers={"Accept-Language": "zh-HK"}).get_data(as_text=True)
    assert 'lang="zh-Hans"' in client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)


def test_switch_link_sets_a_cookie_that_beats_accept_language(client):
    response = client.post("/language", data={"locale": "zh_Hant", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert 'lang="zh-Hant"' in page and 'value="zh_Hans"' in page  # the switch now offers the other script


def test_switch_refuses_foreign_redirects_and_unknown_locales(client):
    response = client.post("/language", data={"locale": "en", "next": "//evil.example"})
    assert response.headers["Location"] == "/"
    assert 'lang="zh-Hans"' in client.get("/").get_data(as_text=True)


def test_switch_is_saved_on_the_account(client, create_borrower, login, session):
    from portal.accounts.models import Borrower

    b = create_borrower(locale="zh_Hans")
    login(client, b)
    client.post("/language", data={"locale": "zh_Hant"})
    assert session.get(Borrower, b.id).locale == "zh_Hant"


def test_account_setting_beats_accept_language(client, create_borrower, login):
    b = create_borrower(locale="zh_Hant")
    login(client, b)
    assert 'lang="zh-Hant"' in client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_pages_load_nothing_from_other_hosts_and_no_inline_script(client):
    html = client.get("/").get_data(as_text=True)
    assert "<script" not in html
    assert "http://" not in html and "https://" not in html


@pytest.mark.parametrize(("accept", "needle"), [("zh-CN", "页面"), ("zh-TW", "頁面")])
def test_404_is_localized(client, accept, needle):
    response = client.get("/no-such-page", headers={"Accept-Language": accept})
    assert response.status_code == 404 and needle in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused_with_a_localized_page(client, csrf_on):
    response = client.post("/login", data={"phone": "13800138000", "password": "x"},
                           headers={"Accept-Language": "zh-TW"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'lang="zh-Hant"' in page and "表單" in page


def test_oversized_request_gets_the_localized_413_page(app, client):
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/login", data=big, content_type="application/octet-stream")
    assert response.status_code == 413 and "MB" in response.get_data(as_text=True)


def test_unexpected_errors_render_a_calm_localized_500_page(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3", "SECRET_KEY": "t"})

    @app.route("/_boom_test")
    def _boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/_boom_test", headers={"Accept-Language": "zh-TW"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and 'lang="zh-Hant"' in page and "RuntimeError" not in page


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["database"] is True


def test_healthz_answers_503_when_the_database_does_not(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/missing-dir/nope.sqlite3",
                      "SECRET_KEY": "t"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["database"] is False


def test_database_outage_gives_a_localized_503_and_recovers_without_restart(tmp_path):
    """The database directory vanishes and comes back: pages answer 503 meanwhile, then work again."""
    import shutil

    from portal.extensions import db
    from portal.models import metadata

    folder = tmp_path / "db"
    folder.mkdir()
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder}/p.sqlite3", "SECRET_KEY": "t",
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        metadata.create_all(db.engine)
        db.engine.dispose()
    client = app.test_client()
    with client.session_transaction() as s:
        s["_user_id"] = "some-session-token"  # a logged-in cookie makes every page ask the database
    assert client.get("/healthz").status_code == 200
    shutil.rmtree(folder)
    with app.app_context():
        db.engine.dispose()
    down = client.get("/", headers={"Accept-Language": "zh-TW"})
    assert down.status_code == 503 and 'lang="zh-Hant"' in down.get_data(as_text=True)
    assert client.get("/healthz").status_code == 503
    folder.mkdir()
    with app.app_context():
        metadata.create_all(db.engine)
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200


def test_nul_bytes_are_refused_everywhere_with_a_localized_400(client):
    response = client.post("/login", data={"phone": "138\x0000138000", "password": "x"},
                           headers={"Accept-Language": "zh-TW"})
    assert response.status_code == 400 and 'lang="zh-Hant"' in response.get_data(as_text=True)
    assert client.get("/rights?q=%00").status_code == 400
