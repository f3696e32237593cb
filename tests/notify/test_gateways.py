"""Each SMS backend against a local fake of its provider, the e-mail backends against a local SMTP server, and the
start-up checks of the gateway settings."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from portal import create_app
from portal.config import ConfigError, load_config
from portal.notify.gateways import (EmailRequest, GatewayError, SmsRequest, e164, email_backend, make_sms,
                                    parse_smtp_url, render_sms, sms_backend)
from portal.notify.kinds import SMS_KINDS
from tests.notify.fake_gateways import FakeAliyun, FakeTencent

TEMPLATES = {"account_code": {"zh_Hans": "SMS_100001", "zh_Hant": "SMS_100002"},
             "visit_proposed": {"zh_Hans": "SMS_200001"}}


@pytest.fixture
def aliyun():
    fake = FakeAliyun().start()
    yield fake
    fake.stop()


@pytest.fixture
def tencent():
    fake = FakeTencent().start()
    yield fake
    fake.stop()


def _config(app, backend: str, endpoint: str) -> dict:
    return {**app.config, "SMS_BACKEND": backend, "SMS_ENDPOINT": endpoint, "SMS_ACCESS_KEY_ID": "key-id",
            "SMS_ACCESS_KEY_SECRET": "key-secret", "SMS_SIGN_NAME": "示例金融", "SMS_SDK_APP_ID": "1400000000",
            "SMS_TEMPLATES": TEMPLATES, "SMS_TIMEOUT_S": 1}


def _code_request(app, out_id: str = "42", locale: str = "zh_Hans") -> SmsRequest:
    with app.app_context():
        return make_sms("13800138000", "account_code", locale, {"code": "123456"}, out_id)


# ---- texts ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(SMS_KINDS))
def test_every_kind_has_a_text_in_both_scripts(app, kind):
    params = {name: f"<{name}>" for name in SMS_KINDS[kind]}
    with app.app_context():
        hans, hant = render_sms(kind, "zh_Hans", params), render_sms(kind, "zh_Hant", params)
    for text in (hans, hant):
        assert all(f"<{name}>" in text for name in params)  # every parameter is shown
        assert not re.search(r"[A-Za-z]{4,}", re.sub(r"<\w+>", "", text))  # translated, not the English id
    assert hans != hant
    assert "示例消费金融有限公司" in hans and "示例消費金融有限公司" in hant


def test_a_kind_with_wrong_parameters_fails_permanently(app):
    with app.app_context(), pytest.raises(GatewayError) as err:
        make_sms("13800138000", "account_code", "zh_Hans", {"pin": "1"}, "1")
    assert err.value.permanent and "account_code" in err.value.message


def test_numbers_travel_in_e164():
    assert e164("13800138000") == "+8613800138000" == e164("+86 138 0013 8000")


# ---- file backend ----------------------------------------------------------------------------------------

def test_file_backend_writes_a_line_readable_as_before(app, outbox):
    req = _code_request(app, "7", "zh_Hant")
    result = sms_backend(app.config).send(req)
    line = outbox()[-1]
    assert line["to"] == "13800138000" and line["template"] == "account_code" and line["params"] == {"code": "123456"}
    assert "123456" in line["text"] and "驗證碼" in line["text"] and line["out_id"] == "7" and line["sent_at"]
    assert result.provider_id == "file-7"


# ---- Aliyun ------------------------------------------------------------------------------------------------

def test_aliyun_success_sends_the_template_and_its_parameters(app, aliyun):
    result = sms_backend(_config(app, "aliyun", aliyun.endpoint)).send(_code_request(app, "42", "zh_Hant"))
    assert result.provider_id == "biz-42"
    seen = aliyun.requests[-1]
    assert seen.headers["x-acs-action"] == "SendSms" and seen.headers["authorization"].startswith("ACS3-HMAC-SHA256")
    assert seen.query["PhoneNumbers"] == "+8613800138000" and seen.query["SignName"] == "示例金融"
    assert seen.query["TemplateCode"] == "SMS_100002"  # the Traditional template
    assert json.loads(seen.query["TemplateParam"]) == {"code": "123456"} and seen.query["OutId"] == "42"


@pytest.mark.parametrize(("mode", "code", "permanent"), [
    ("business", "isv.MOBILE_NUMBER_ILLEGAL", True),
    ("template", "isv.SMS_TEMPLATE_ILLEGAL", True),
    ("limit", "isv.BUSINESS_LIMIT_CONTROL", False),
    ("500", "InternalError", False),
    ("malformed", None, False),
    ("timeout", None, False),
])
def test_aliyun_refusals_and_faults_are_classified(app, aliyun, mode, code, permanent):
    aliyun.mode = mode
    with pytest.raises(GatewayError) as err:
        sms_backend(_config(app, "aliyun", aliyun.endpoint)).send(_code_request(app))
    assert err.value.permanent is permanent
    if code:
        assert err.value.code == code
    assert len(aliyun.requests) == 1  # the SDK tries once; retrying is the worker's decision


def test_aliyun_retry_after_a_500_succeeds(app, aliyun):
    backend = sms_backend(_config(app, "aliyun", aliyun.endpoint))
    aliyun.mode = "500"
    with pytest.raises(GatewayError) as err:
        backend.send(_code_request(app, "9"))
    assert not err.value.permanent
    aliyun.mode = "ok"
    assert backend.send(_code_request(app, "9")).provider_id == "biz-9"
    assert [r.query["OutId"] for r in aliyun.requests] == ["9", "9"]  # the resend carries the same out-id


def test_missing_template_id_fails_permanently_naming_kind_and_locale(app, aliyun):
    with app.app_context():
        req = make_sms("13800138000", "visit_proposed", "zh_Hant", {"when": "12月3日", "url": "https://x/v/1"}, "5")
    with pytest.raises(GatewayError) as err:
        sms_backend(_config(app, "aliyun", aliyun.endpoint)).send(req)
    assert err.value.permanent and "visit_proposed" in err.value.message and "zh_Hant" in err.value.message
    assert aliyun.requests == []  # nothing reached the gateway


# ---- Tencent ----------------------------------------------------------------------------------------------

def test_tencent_success_sends_the_template_and_ordered_parameters(app, tencent):
    with app.app_context():
        req = make_sms("13800138000", "visit_proposed", "zh_Hans", {"when": "12月3日 9:00", "url": "https://x/v/1"},
                       "43")
    result = sms_backend(_config(app, "tencent", tencent.endpoint)).send(req)
    assert result.provider_id == "2433:43"
    seen = tencent.requests[-1]
    assert seen.headers["x-tc-action"] == "SendSms" and seen.headers["authorization"].startswith("TC3-HMAC-SHA256")
    body = seen.json()
    assert body["PhoneNumberSet"] == ["+8613800138000"] and body["SmsSdkAppId"] == "1400000000"
    assert body["TemplateId"] == "SMS_200001" and body["TemplateParamSet"] == ["12月3日 9:00", "https://x/v/1"]
    assert body["SignName"] == "示例金融" and body["SessionContext"] == "43"


@pytest.mark.parametrize(("mode", "code", "permanent"), [
    ("business", "InvalidParameterValue.IncorrectPhoneNumber", True),
    ("template", "FailedOperation.TemplateIncorrectOrUnapproved", True),
    ("limit", "LimitExceeded.PhoneNumberThirtySecondLimit", False),
    ("500", "ServerNetworkError", False),
    ("malformed", None, False),
    ("timeout", None, False),
])
def test_tencent_refusals_and_faults_are_classified(app, tencent, mode, code, permanent):
    tencent.mode = mode
    with pytest.raises(GatewayError) as err:
        sms_backend(_config(app, "tencent", tencent.endpoint)).send(_code_request(app))
    assert err.value.permanent is permanent
    if code:
        assert err.value.code == code
    assert len(tencent.requests) == 1


def test_tencent_retry_after_a_500_succeeds(app, tencent):
    backend = sms_backend(_config(app, "tencent", tencent.endpoint))
    tencent.mode = "500"
    with pytest.raises(GatewayError):
        backend.send(_code_request(app, "11"))
    tencent.mode = "ok"
    assert backend.send(_code_request(app, "11")).provider_id == "2433:11"


# ---- e-mail ---------------------------------------------------------------------------------------------

def test_file_email_backend(app, tmp_path):
    path = tmp_path / "mail.jsonl"
    backend = email_backend({**app.config, "EMAIL_BACKEND": "file", "EMAIL_OUTBOX": str(path)})
    backend.send(EmailRequest(to="agent@example.com", subject="摘要", text="两件投诉今天到期", out_id="3"))
    line = json.loads(path.read_text(encoding="utf-8").splitlines()[-1])
    assert line["to"] == "agent@example.com" and line["subject"] == "摘要" and line["text"] == "两件投诉今天到期"


def test_smtp_url_forms():
    s = parse_smtp_url("smtp://digest%40lender.cn:p%40ss@mail.lender.cn:587?starttls=1")
    assert (s.host, s.port, s.username, s.password, s.security) == ("mail.lender.cn", 587, "digest@lender.cn",
                                                                    "p@ss", "starttls")
    assert parse_smtp_url("smtps://u:p@mail.lender.cn").port == 465
    assert parse_smtp_url("smtp://relay").security == "none"
    with pytest.raises(ValueError):
        parse_smtp_url("http://mail")


# ---- start-up checks ---------------------------------------------------------------------------------------

def _production(monkeypatch, tmp_path, **env):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PORTAL_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:16404")  # production refuses memory://
    monkeypatch.setenv("PORTAL_BASE_URL", "https://portal.example.cn")  # production requires an https base URL
    for name, value in env.items():
        monkeypatch.setenv("PORTAL_" + name, value)


def _all_templates() -> str:
    return json.dumps({k: {"zh_Hans": f"SMS_{i}1", "zh_Hant": f"SMS_{i}2"} for i, k in enumerate(SMS_KINDS)})


GATEWAY = {"SMS_BACKEND": "aliyun", "SMS_ACCESS_KEY_ID": "id", "SMS_ACCESS_KEY_SECRET": "secret",
           "SMS_SIGN_NAME": "示例金融", "EMAIL_BACKEND": "smtp", "SMTP_URL": "smtp://u:p@127.0.0.1:2525?starttls=1"}


def production_gateways() -> dict[str, str]:
    """The environment of a complete production gateway configuration (for other tests that start production)."""
    return {"PORTAL_" + k: v for k, v in {**GATEWAY, "SMS_TEMPLATES": _all_templates(),
                                          "BASE_URL": "https://portal.example.cn"}.items()}


def test_production_refuses_the_file_sms_backend(monkeypatch, tmp_path):
    _production(monkeypatch, tmp_path, **{**GATEWAY, "SMS_BACKEND": "file", "SMS_TEMPLATES": _all_templates()})
    with pytest.raises(ConfigError, match="SMS_BACKEND"):
        create_app()


def test_production_refuses_a_kind_without_a_template_for_a_locale(monkeypatch, tmp_path):
    templates = json.loads(_all_templates())
    del templates["complaint_extended"]["zh_Hant"]
    _production(monkeypatch, tmp_path, **GATEWAY, SMS_TEMPLATES=json.dumps(templates))
    with pytest.raises(ConfigError, match="complaint_extended/zh_Hant"):
        create_app()


def test_production_starts_with_a_complete_gateway_configuration(monkeypatch, tmp_path):
    _production(monkeypatch, tmp_path, **GATEWAY, SMS_TEMPLATES=_all_templates())
    # load_config, not create_app: a second app would rebind the shared limiter to that Redis.
    config = load_config(str(tmp_path))
    assert config["SMS_BACKEND"] == "aliyun" and len(config["SMS_TEMPLATES"]) == len(SMS_KINDS)


def test_templates_naming_an_unknown_kind_are_refused(monkeypatch):
    monkeypatch.setenv("PORTAL_SMS_TEMPLATES", json.dumps({"vist_proposed": {"zh_Hans": "SMS_1"}}))
    with pytest.raises(ConfigError, match="vist_proposed"):
        create_app()


def test_outbox_file_is_the_configured_path(app):
    assert Path(app.config["SMS_OUTBOX"]).name == "sms-outbox.jsonl"


def test_digest_email_in_both_scripts_and_sent_through_the_file_backend(app, tmp_path):
    from portal.notify.gateways import make_request, send

    params = {"count": "2", "items": "TS-20261201-0001 …", "url": "https://portal.example/staff/"}
    with app.app_context():
        hans = make_request("email", "agent@lender.example", "staff_digest", "zh_Hans", params, 8)
        hant = make_request("email", "agent@lender.example", "staff_digest", "zh_Hant", params, 8)
    assert "2" in hans.subject and hans.subject != hant.subject and "TS-20261201-0001" in hans.text
    assert "https://portal.example/staff/" in hant.text and not re.search(r"[A-Za-z]{5,}", hant.subject)
    path = tmp_path / "mail.jsonl"
    result = send({**app.config, "EMAIL_BACKEND": "file", "EMAIL_OUTBOX": str(path)}, hans)
    assert result.provider_id == "file-8" and json.loads(path.read_text(encoding="utf-8"))["subject"] == hans.subject
    with app.app_context(), pytest.raises(GatewayError) as err:
        make_request("email", "a@b", "staff_digest", "zh_Hans", {"count": "1"}, 9)
    assert err.value.permanent
