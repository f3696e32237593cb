"""The audit log reads as words for imports, personal information requests and webhooks too: the action, its
object and the codes in its details (a kind, an outcome, a status), in both scripts."""
from __future__ import annotations

import re

import pytest

from portal.audit.services import record
from portal.extensions import db
from portal.privacy import services as privacy_services
from portal.webhooks import services as webhook_services
from tests.imports.test_console_import import jsonl, loan_line, upload


@pytest.fixture
def lead(client, login, create_staff):
    user = create_staff(role="supervisor", username="lead", display_name="赵主管")
    login(client, user)
    return user


def _rows(client, lang="zh-CN") -> str:
    """The log's rows as text, one line each, tags left out."""
    page = client.get("/staff/audit", headers={"Accept-Language": lang}).get_data(as_text=True)
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return "\n".join(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)) for row in body.split("<tr")[1:])


def test_an_import_reads_as_words(client, lead, session):
    assert upload(client, jsonl([loan_line(1)]), name="march.jsonl").status_code == 302
    hans, hant = _rows(client), _rows(client, "zh-TW")
    assert "上传了一个导入文件 导入 march.jsonl 类型: 贷款" in hans and "loans" not in hans
    assert "上傳了一個匯入檔案 匯入 march.jsonl 類型: 貸款" in hant and "loans" not in hant
    assert "/staff/imports/" in client.get("/staff/audit").get_data(as_text=True)  # the import is a link


def test_a_data_request_reads_as_words(app, client, lead, session, create_borrower):
    borrower = create_borrower()
    with app.test_request_context():
        item = privacy_services.file_request(borrower, "deletion", "请删除我的照片")
        privacy_services.answer_request(lead, item, item.version, "declined", "照片是投诉的证据，需要保留。")
        db.session.commit()
        ref = item.reference
    hans, hant = _rows(client), _rows(client, "zh-TW")
    assert "提交了个人信息申请" in hans and f"{ref} · 删除" in hans and "类型: 删除" in hans
    assert "答复了个人信息申请" in hans and "结果: 未办理" in hans
    assert "类型: 刪除" not in hant and "類型: 刪除" in hant and "結果: 未辦理" in hant
    for code in ("deletion", "declined"):
        assert code not in hans and code not in hant


def test_webhook_changes_and_the_delivery_filter_read_as_words(app, client, lead, session):
    with app.test_request_context():
        endpoint, _secret = webhook_services.add_endpoint(lead, "催收系统", "https://lender.example/hook")
        webhook_services.set_enabled(lead, endpoint, False)
        db.session.commit()
    assert client.get("/staff/webhooks?state=failed").status_code == 200
    hans, hant = _rows(client), _rows(client, "zh-TW")
    assert "查看了事件推送记录" in hans and "状态: 发送失败" in hans and "failed" not in hans
    assert "暂停了事件推送接收地址 接收地址“催收系统”" in hans and "暫停了事件推送接收位址 接收位址「催收系统」" in hant
    assert "事件推送推送" not in hans and "事件推送推送" not in hant
    assert "狀態: 傳送失敗" in hant and "failed" not in hant


def test_the_retention_run_is_the_systems_and_names_what_it_deleted(app, client, lead, session):
    with app.app_context():  # as the housekeeping command runs it: no request, nobody logged in
        record("retention.deleted", "retention", "", verification_codes=3, visitor_photos=1)
        db.session.commit()
    hans, hant = _rows(client), _rows(client, "zh-TW")
    assert "系统 删除了超过保存期限的数据" in hans and "短信验证码: 3" in hans and "核实人员照片: 1" in hans
    assert "系統 刪除了超過保存期限的資料" in hant and "簡訊驗證碼: 3" in hant
    assert "公众" not in hans and "verification_codes" not in hans
