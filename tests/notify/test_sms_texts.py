"""What a borrower's phone shows: every SMS but a code links to its page in the portal, opens with the gateway's
signature (which names the lender, so the text does not repeat it) and stays within its number of segments with
realistic long values, in both scripts; rows queued before a kind changed are still sent in its current shape."""
from __future__ import annotations

import json

import pytest

from portal.notify.links import current_params
from portal.notify.gateways import make_sms, sms_backend
from portal.notify.kinds import IMMEDIATE_KINDS, SMS_KINDS
from portal.notify.texts import render_sms, segments, template_text
from tests.notify.fake_gateways import FakeAliyun, FakeTencent

SCRIPTS = ("zh_Hans", "zh_Hant")
BASE = "https://huankuan.example-xiaofei.cn"  # a realistic PORTAL_BASE_URL
CODES = {"account_code"}  # the only kind without a link: a code is typed, never followed
DEMO_REF, LONGEST_REF = "L2024000123", "L2024000123-" + "A" * 20  # the demo's loan refs; the importer's longest (32)
COMPLAINT = "TS-20261231-12345"
PAGES = {  # the page each kind links to (design §3)
    "account_active": "/login", "visit": "/visits/123456", "plan_": "/plans/123456", "instalment": "/loans/{ref}",
    "plan_payment": "/loans/{ref}", "complaint": f"/complaints/{COMPLAINT}", "report": "/report/status",
}
VALUES = {"code": "123456", "when": "2026年12月31日 10:00至12:00", "date": "2026年12月31日", "amount": "¥12,345.67",
          "state": "调查处理中"}
# Segments a gateway bills (70 characters in one SMS, 67 a part when longer), signature included. A code fits
# one; every other kind two with the demo's loan references, three with the longest the importer accepts.
MAX_SEGMENTS = {"account_code": 1}


def _page(kind: str, ref: str) -> str:
    prefix = max((p for p in PAGES if kind.startswith(p)), key=len)
    return PAGES[prefix].format(ref=ref)


def realistic(kind: str, ref: str = DEMO_REF) -> dict[str, str]:
    params = {name: VALUES.get(name, "") for name in SMS_KINDS[kind]}
    if "ref" in params:
        params["ref"] = COMPLAINT if kind.startswith(("complaint", "report")) else ref
    if "url" in params:
        params["url"] = BASE + _page(kind, ref)
    return params


@pytest.fixture
def base_app(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", BASE)
    monkeypatch.setitem(app.config, "SMS_SIGN_NAME", None)
    return app


@pytest.mark.parametrize("kind", sorted(SMS_KINDS))
def test_every_sms_but_a_code_links_to_its_page_in_the_portal(base_app, kind):
    if kind in CODES:
        assert "url" not in SMS_KINDS[kind]
        return
    assert "url" in SMS_KINDS[kind]  # the gateway template has the link as a parameter
    params = realistic(kind)
    with base_app.app_context():
        for locale in SCRIPTS:
            text = render_sms(kind, locale, params)
            assert BASE + "/" in text and text.endswith(params["url"]), text  # last: nothing sticks to the link
            assert "登录借款人服务平台" not in text and "登入借款人服務平臺" not in text  # no "go and find it"


@pytest.mark.parametrize("ref", [DEMO_REF, LONGEST_REF])
@pytest.mark.parametrize("kind", sorted(SMS_KINDS))
def test_every_sms_stays_within_its_segments_in_both_scripts(base_app, kind, ref):
    budget = MAX_SEGMENTS.get(kind, 2 if ref == DEMO_REF else 3)
    with base_app.app_context():
        for locale in SCRIPTS:
            text = render_sms(kind, locale, realistic(kind, ref))
            assert segments(text) <= budget, f"{kind} {locale}: {len(text)} characters, {segments(text)} SMS: {text}"


def test_segments_are_counted_as_gateways_count_them():
    assert [segments("字" * n) for n in (1, 70, 71, 134, 135, 201, 202)] == [1, 1, 2, 2, 3, 3, 4]


@pytest.mark.parametrize("kind", sorted(SMS_KINDS))
def test_the_signature_names_the_lender_once_and_the_text_does_not_repeat_it(base_app, monkeypatch, kind):
    with base_app.app_context():
        for locale, name in (("zh_Hans", "示例消费金融有限公司"), ("zh_Hant", "示例消費金融有限公司")):
            body = template_text(kind, locale, realistic(kind))
            assert name not in body  # what the lender registers as the template
            assert render_sms(kind, locale, realistic(kind)) == f"【{name}】" + body  # no signature configured
        monkeypatch.setitem(base_app.config, "SMS_SIGN_NAME", "示例金融")
        assert render_sms(kind, "zh_Hant", realistic(kind)).startswith("【示例金融】")


def test_the_file_backend_writes_the_text_as_the_phone_shows_it(base_app, monkeypatch, outbox):
    monkeypatch.setitem(base_app.config, "SMS_SIGN_NAME", "示例金融")
    with base_app.app_context():
        req = make_sms("13800138000", "plan_payment_missed", "zh_Hans", realistic("plan_payment_missed"), "5")
    sms_backend(base_app.config).send(req)
    line = outbox()[-1]
    assert line["text"].startswith("【示例金融】") and line["text"].count("示例") == 1
    assert line["params"]["url"] == BASE + f"/loans/{DEMO_REF}"


@pytest.mark.parametrize("backend", ["aliyun", "tencent"])
def test_the_gateways_get_the_new_parameters_of_each_template(base_app, backend):
    fake = (FakeAliyun if backend == "aliyun" else FakeTencent)().start()
    try:
        config = {**base_app.config, "SMS_BACKEND": backend, "SMS_ENDPOINT": fake.endpoint, "SMS_SIGN_NAME": "示例金融",
                  "SMS_ACCESS_KEY_ID": "id", "SMS_ACCESS_KEY_SECRET": "secret", "SMS_SDK_APP_ID": "1400000000",
                  "SMS_TIMEOUT_S": 1, "SMS_TEMPLATES": {k: {"zh_Hans": f"SMS_{k}"} for k in SMS_KINDS}}
        for kind in ("plan_payment_missed", "complaint_extended", "plan_agreed"):
            params = realistic(kind)
            with base_app.app_context():
                sms_backend(config).send(make_sms("13800138000", kind, "zh_Hans", params, "9"))
            seen = fake.requests[-1]
            if backend == "aliyun":
                assert seen.query["TemplateCode"] == f"SMS_{kind}" and json.loads(seen.query["TemplateParam"]) == params
            else:
                body = seen.json()
                assert body["TemplateId"] == f"SMS_{kind}"
                assert body["TemplateParamSet"] == [params[name] for name in SMS_KINDS[kind]]
            assert "reason" not in SMS_KINDS["complaint_extended"]
    finally:
        fake.stop()


def test_codes_are_the_only_kinds_sent_at_night():
    assert IMMEDIATE_KINDS <= set(SMS_KINDS) and "plan_payment_missed" not in IMMEDIATE_KINDS


def test_a_row_queued_before_a_kind_changed_is_sent_in_its_current_shape(base_app, session, outbox):
    """Rows wait for 08:00 across a deploy: an old extension's free-text reason is dropped, a missing link added."""
    from portal.notify import outbox as box
    from portal.notify.models import Outbox

    old = [("complaint_extended", {"ref": COMPLAINT, "date": "2026年12月31日", "reason": "需要调取通话录音。",
                                   "url": BASE + f"/complaints/{COMPLAINT}"}),
           ("instalment_missed", {"ref": DEMO_REF, "date": "2026年12月31日", "amount": "¥1,216.77"}),
           ("plan_agreed", {"ref": DEMO_REF}),
           ("report_updated", {"ref": COMPLAINT, "state": "调查处理中"})]
    with base_app.app_context():
        assert current_params(*old[1]) == {**old[1][1], "url": BASE + f"/loans/{DEMO_REF}"}
    rows = [Outbox(channel="sms", recipient="13800138000", kind=k, params=p, locale="zh_Hans") for k, p in old]
    session.add_all(rows)
    session.commit()
    for row in rows:
        assert box.deliver(row.id) == "sent"
    texts = [line["text"] for line in outbox()]
    assert len(texts) == 4 and "通话录音" not in texts[0] and all(BASE + "/" in t for t in texts)
