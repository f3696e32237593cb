"""``flask --app portal import-contacts``: idempotent on contact_ref, each line all-or-nothing, bad lines named."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from portal.contacts.importer import import_lines
from portal.contacts.models import Contact


def record(**over) -> dict:
    base = {"contact_ref": "C-1", "loan_ref": "L2026000001", "at": "2026-11-30T23:30:00+00:00", "channel": "call",
            "answered": False, "duration_s": 0, "to_number": "138 0013 8000", "to_party": "borrower",
            "from_number": "0755-8888 6666", "agent": "A017", "agency_code": "AG01", "summary": "催收电话"}
    base.update(over)
    return base


def write(tmp_path, lines) -> str:
    path = tmp_path / "contacts.jsonl"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
                    encoding="utf-8")
    return str(path)


def run(app, path):
    return app.test_cli_runner().invoke(args=["import-contacts", path])


@pytest.fixture
def loan(create_borrower, create_loan):
    return create_loan(create_borrower(), loan_ref="L2026000001")


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Contact))


def test_import_stores_contacts_in_utc_with_normalised_numbers(app, session, loan, tmp_path):
    result = run(app, write(tmp_path, [record(), record(contact_ref="C-2", channel="visit", to_number="",
                                                         from_number="", collectors_count=1, answered=None)]))
    assert result.exit_code == 0, result.output
    assert "created 2, updated 0, unchanged 0, rejected 0" in result.output
    call = session.scalar(select(Contact).where(Contact.contact_ref == "C-1"))
    assert call.at == datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc)
    assert call.to_number == "13800138000" and call.from_number == "075588886666"
    assert call.loan_id == loan.id and call.answered is False
    visit = session.scalar(select(Contact).where(Contact.contact_ref == "C-2"))
    assert visit.collectors_count == 1 and visit.answered is None


def test_same_file_twice_changes_nothing_and_changed_line_updates(app, session, loan, tmp_path):
    path = write(tmp_path, [record()])
    assert run(app, path).exit_code == 0
    again = run(app, path)
    assert "created 0, updated 0, unchanged 1" in again.output
    changed = run(app, write(tmp_path, [record(answered=True, duration_s=95)]))
    assert "created 0, updated 1, unchanged 0" in changed.output
    session.expire_all()
    assert count(session) == 1
    contact = session.scalar(select(Contact))
    assert contact.answered is True and contact.duration_s == 95


def test_offset_time_is_converted_not_taken_as_utc(app, session, loan, tmp_path):
    run(app, write(tmp_path, [record(at="2026-12-01T07:30:00+08:00")]))
    assert session.scalar(select(Contact.at)) == datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("over, reason", [
    ({"at": "2026-02-30T10:00:00+08:00"}, "not a possible time"),
    ({"at": "2026-11-30T10:00:00"}, "no UTC offset"),
    ({"at": 1700000000}, "ISO 8601"),
    ({"loan_ref": "L9999999999"}, "unknown loan_ref"),
    ({"channel": "email"}, "unknown channel"),
    ({"to_party": "neighbour"}, "unknown to_party"),
    ({"to_number": "12345"}, "to_number is not a phone number"),
    ({"from_number": "call me"}, "from_number is not a phone number"),
    ({"to_number": ""}, "to_number is not a phone number"),
    ({"answered": "yes"}, "answered must be"),
    ({"duration_s": -1}, "duration_s must be"),
    ({"summary": "长" * 201}, "summary must be text of at most 200"),
    ({"contact_ref": ""}, "invalid contact_ref"),
])
def test_bad_lines_are_named_and_nothing_of_them_is_stored(app, session, loan, tmp_path, over, reason):
    result = run(app, write(tmp_path, [record(contact_ref="OK-1"), record(**over)]))
    assert result.exit_code == 1
    assert "line 2: rejected: " in result.output and reason in result.output
    assert "created 1" in result.output
    assert count(session) == 1


def test_not_json_and_not_object_are_rejected(app, session, loan, tmp_path):
    result = run(app, write(tmp_path, ["{not json", "[1, 2]", json.dumps(record())]))
    assert result.exit_code == 1
    assert "line 1: rejected: not valid JSON" in result.output
    assert "line 2: rejected: a line must be one JSON object" in result.output
    assert count(session) == 1


def test_batches_commit_and_repeat_in_one_file_is_one_row(app, session, loan, tmp_path, monkeypatch):
    monkeypatch.setattr("portal.contacts.importer.BATCH", 3)
    lines = [record(contact_ref=f"C-{i}") for i in range(7)] + [record(contact_ref="C-1", answered=True)]
    path = write(tmp_path, lines)
    with open(path, encoding="utf-8") as stream:
        report = import_lines(session, stream)
    assert (report.created, report.updated, report.rejected) == (7, 1, [])
    assert count(session) == 7
    assert session.scalar(select(Contact.answered).where(Contact.contact_ref == "C-1")) is True


@pytest.mark.parametrize("over, field", [
    ({"at": "2026-02-30T10:00:00+08:00"}, "at"), ({"channel": "email"}, "channel"), ({"to_party": "x"}, "to_party"),
    ({"to_number": "12345"}, "to_number"), ({"answered": "yes"}, "answered"), ({"duration_s": -1}, "duration_s"),
    ({"summary": "长" * 201}, "summary"), ({"contact_ref": ""}, "contact_ref"), ({"loan_ref": 7}, "loan_ref"),
])
def test_rejections_name_the_field_at_fault(over, field):
    from portal.contacts.importer import parse_line
    from portal.loans.importer import Rejected

    with pytest.raises(Rejected) as caught:
        parse_line(json.dumps(record(**over), ensure_ascii=False))
    assert caught.value.field == field


def test_a_contact_keeps_its_loan_and_finds_it_in_any_case(app, session, loan, create_borrower, create_loan,
                                                           tmp_path):
    create_loan(create_borrower(), loan_ref="L-B")
    result = run(app, write(tmp_path, [record(loan_ref="l2026000001"),
                                       record(loan_ref="L-B", summary="另一笔")]))
    assert "line 2: rejected: contact_ref 'C-1' is already recorded for another loan" in result.output
    session.expire_all()
    assert session.execute(select(Contact.loan_id, Contact.summary)).all() == [(loan.id, "催收电话")]
