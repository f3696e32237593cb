"""Data requests tell the lender through the events table, in the same transaction as the change: a request
that is rolled back leaves no event, and the event carries references and states, not what the borrower typed."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.events import Event, emit
from portal.privacy import services
from portal.privacy.models import DataRequest


def _events(session) -> list[Event]:
    session.expire_all()
    return list(session.scalars(select(Event).order_by(Event.id)))


def test_a_filed_correction_and_its_answer_each_emit_an_event(app, client, create_borrower, create_staff,
                                                                  login, session):
    borrower = create_borrower(name="周八", address="上海市徐汇区漕溪北路 1 号")
    login(client, borrower)
    assert client.post("/settings/my-data", data={"kind": "correction",
                                                  "detail": "地址已改为北京市朝阳区"}).status_code == 302
    item = session.scalar(select(DataRequest))
    [filed] = _events(session)
    assert filed.type == "data_request.correction_requested" and filed.borrower_id == borrower.id
    assert filed.data == {"reference": item.reference, "kind": "correction", "due_on": item.due_on.isoformat()}
    assert filed.occurred_at.tzinfo is not None and filed.loan_ref is None
    assert "北京" not in str(filed.data) and "周八" not in str(filed.data)  # minimum necessary (Art. 6)

    staff_client = app.test_client()
    login(staff_client, create_staff(role="agent"))
    assert staff_client.post(f"/staff/requests/{item.id}/answer", data={
        "version": str(item.version), "outcome": "declined", "answer": "请提供新地址的证明。"}).status_code == 302
    answered = _events(session)[-1]
    assert answered.type == "data_request.answered" and answered.borrower_id == borrower.id
    assert answered.data == {"reference": item.reference, "kind": "correction", "outcome": "declined"}
    assert len(_events(session)) == 2


def test_a_deletion_request_emits_its_own_type(client, create_borrower, login, session):
    login(client, create_borrower())
    client.post("/settings/my-data", data={"kind": "deletion", "detail": "请删除我的旧电话号码"})
    assert [e.type for e in _events(session)] == ["data_request.deletion_requested"]


def test_a_rolled_back_request_emits_nothing(session, create_borrower, create_staff):
    borrower = create_borrower()
    session.commit()
    services.file_request(borrower, "correction", "地址错了")
    session.rollback()
    assert _events(session) == [] and session.scalar(select(DataRequest)) is None

    item = services.file_request(borrower, "deletion", "删除")
    staff = create_staff()
    session.commit()
    with pytest.raises(RuntimeError):
        with session.begin_nested():
            services.answer_request(staff, item, item.version, "done", "已删除。")
            raise RuntimeError("the answer fails after the event was added")
    assert [e.type for e in _events(session)] == ["data_request.deletion_requested"]


def test_a_refused_answer_emits_nothing(session, create_borrower, create_staff):
    item = services.file_request(create_borrower(), "correction", "x")
    session.commit()
    with pytest.raises(services.RequestError):
        services.answer_request(create_staff(), item, item.version + 1, "done", "已更正。")  # stale form
    session.rollback()
    assert [e.type for e in _events(session)] == ["data_request.correction_requested"]


def test_emit_refuses_an_empty_type(session):
    with pytest.raises(ValueError):
        emit(session, "", data={})
