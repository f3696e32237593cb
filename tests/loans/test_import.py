"""``flask --app portal import-loans``: design §4."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from portal.accounts.models import Borrower
from portal.loans.models import Instalment, Loan, Payment
from tests.conftest import make_id_number

GOOD_ID = "110101199003074514"


def record(**over) -> dict:
    base = {
        "loan_ref": "L2024000123", "product": "消费贷",
        "borrower": {"name": "张三", "phone": "13800138000", "id_number": GOOD_ID,
                     "address": "北京市东城区…", "locale": "zh_Hans"},
        "principal": "3000.00", "annual_rate": "0.18", "penalty_daily_rate": "0.0005", "start_date": "2024-01-15",
        "schedule": [
            {"due_date": "2024-02-15", "principal": "1000.00", "interest": "45.00", "fee": "0.00"},
            {"due_date": "2024-03-15", "principal": "1000.00", "interest": "30.00", "fee": "0.00"},
            {"due_date": "2024-04-15", "principal": "1000.00", "interest": "15.00", "fee": "5.00"},
        ],
        "payments": [{"paid_on": "2024-02-14", "amount": "1045.00"}],
    }
    for key, value in over.items():
        if key in base["borrower"]:
            base["borrower"][key] = value
        else:
            base[key] = value
    return base


def write(tmp_path, lines) -> str:
    path = tmp_path / "loans.jsonl"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
                    encoding="utf-8")
    return str(path)


def run(app, path):
    return app.test_cli_runner().invoke(args=["import-loans", path])


def snapshot(session):
    session.expire_all()
    return [
        session.scalars(select(Borrower.id, ).order_by(Borrower.id)).all(),
        [(l.loan_ref, l.principal_fen, str(l.annual_rate)) for l in session.scalars(select(Loan).order_by(Loan.id))],
        session.execute(select(Instalment.id, Instalment.principal_fen).order_by(Instalment.id)).all(),
        session.execute(select(Payment.id, Payment.amount_fen).order_by(Payment.id)).all(),
    ]


def test_good_and_bad_lines(app, tmp_path, session):
    lines = [
        record(),
        record(loan_ref="L2", phone="12345"),                                       # 2 invalid phone
        record(loan_ref="L3", phone="13900139000", id_number="110101199003074515"),  # 3 bad ID checksum
        record(loan_ref="L4", phone="13700137000", id_number=make_id_number(7), principal="3500.00"),  # 4 sum
        record(loan_ref="L5", phone="13600136000", id_number=make_id_number(8), locale="en_US"),      # 5 locale
        "{not json",                                                                 # 6
        record(loan_ref="L7", phone="13500135000", id_number=make_id_number(9)),
    ]
    result = run(app, write(tmp_path, lines))
    assert result.exit_code == 1
    out = result.output
    assert "line 2: rejected: invalid phone" in out
    assert "line 3: rejected: invalid resident ID number" in out
    assert "line 4: rejected: schedule principal sums to 3000.00, not the principal 3500.00" in out
    assert "line 5: rejected: unknown locale" in out
    assert "line 6: rejected: not valid JSON" in out
    assert "created 2, updated 0, unchanged 0, rejected 5" in out
    assert session.scalar(select(func.count()).select_from(Loan)) == 2
    loan = session.scalar(select(Loan).where(Loan.loan_ref == "L2024000123"))
    assert [i.principal_fen for i in loan.instalments] == [100000, 100000, 100000]
    assert loan.instalments[2].fee_fen == 500 and loan.payments[0].amount_fen == 104500


def test_importing_the_same_file_twice_changes_nothing(app, tmp_path, session):
    path = write(tmp_path, [record(), record(loan_ref="L2", phone="12")])
    run(app, path)
    before = snapshot(session)
    again = run(app, path)
    assert "created 0, updated 0, unchanged 1, rejected 1" in again.output
    assert snapshot(session) == before


def test_a_changed_line_updates_that_loan(app, tmp_path, session):
    run(app, write(tmp_path, [record()]))
    changed = record(payments=[{"paid_on": "2024-02-14", "amount": "1045.00"},
                               {"paid_on": "2024-03-20", "amount": "500.00"}], name="张三丰")
    result = run(app, write(tmp_path, [changed]))
    assert result.exit_code == 0 and "updated 1" in result.output
    session.expire_all()
    loan = session.scalar(select(Loan))
    assert [p.amount_fen for p in loan.payments] == [104500, 50000]
    assert session.scalar(select(Borrower.name)) == "张三丰"
    assert session.scalar(select(func.count()).select_from(Borrower)) == 1


def test_borrower_is_matched_on_phone_and_id_number(app, tmp_path, session):
    run(app, write(tmp_path, [record()]))
    clash = record(loan_ref="L9", id_number=make_id_number(5))  # same phone, another person
    result = run(app, write(tmp_path, [clash]))
    assert result.exit_code == 1 and "another ID number" in result.output
    second_loan = record(loan_ref="L10")
    assert run(app, write(tmp_path, [second_loan])).exit_code == 0
    assert session.scalar(select(func.count()).select_from(Borrower)) == 1


def test_full_width_phone_and_lower_case_x_are_normalized(app, tmp_path, session):
    rec = record(phone="１３８ ００１３ ８０００")
    assert run(app, write(tmp_path, [rec])).exit_code == 0
    assert session.scalar(select(Borrower.phone)) == "13800138000"


def test_money_must_be_exact_decimal_strings(app, tmp_path):
    result = run(app, write(tmp_path, [record(principal=3000.0), record(loan_ref="L2", principal="3000.001")]))
    assert "line 1: rejected: principal must be a decimal string" in result.output
    assert "line 2: rejected: principal must have at most 2 decimal places" in result.output


def test_a_line_that_fails_half_way_leaves_nothing_behind(app, tmp_path, session):
    run(app, write(tmp_path, [record()]))
    other = record(loan_ref="L2024000123", phone="13900139000", id_number=make_id_number(3))
    result = run(app, write(tmp_path, [other]))  # new borrower would be created, then the loan clash rejects it
    assert "belongs to another borrower" in result.output
    assert session.scalar(select(func.count()).select_from(Borrower)) == 1


def test_batches_take_the_fast_path_and_replay_a_failing_batch_line_by_line(app, tmp_path, session, monkeypatch):
    from portal.loans import importer

    monkeypatch.setattr(importer, "BATCH", 4)
    replayed = []
    line_by_line = importer._replay
    monkeypatch.setattr(importer, "_replay", lambda s, lines, r: replayed.append([n for n, _ in lines]) or
                        line_by_line(s, lines, r))
    x, y, z = GOOD_ID, make_id_number(7), make_id_number(8)
    changed = record(loan_ref="R2", id_number=x, principal="3000.00")
    changed["schedule"][0]["interest"] = "44.00"
    lines = [
        record(loan_ref="R1", id_number=x),
        record(loan_ref="R2", id_number=x),  # the same new borrower, second loan, same batch
        record(loan_ref="R3", id_number=y),  # phone of x, another person: rejected, batch 1 is replayed
        record(loan_ref="R4", id_number=x, phone="13900139002"),  # x with another phone: refused, never changed
        record(loan_ref="R5", id_number=z, phone="13900139005"),  # a new borrower
        "{not json",
        record(loan_ref="R1", id_number=x),  # unchanged
        changed,  # updated
    ]
    result = run(app, write(tmp_path, lines))
    assert "line 3: rejected: this phone number is registered to a borrower with another ID number" in result.output
    assert "line 4: rejected: this resident ID number is registered with another phone number" in result.output
    assert "line 6: rejected: not valid JSON" in result.output
    assert replayed == [[1, 2, 3, 4]]  # batch 1 line by line; batch 2 fast (R2's update included)
    session.expire_all()
    assert {a: b for a, b in session.execute(select(Borrower.id_number, Borrower.phone))} == {x: "13800138000",
                                                                                              z: "13900139005"}
    assert session.scalars(select(Loan.loan_ref).order_by(Loan.loan_ref)).all() == ["R1", "R2", "R5"]
    assert session.scalar(select(func.count()).select_from(Instalment)) == 9
    assert session.scalar(select(Instalment.interest_fen).join(Loan).where(Loan.loan_ref == "R2",
                                                                           Instalment.seq == 1)) == 4400


def test_rejections_name_the_field_at_fault():
    """Each reason says which part of the record is wrong (the API answers per field with it)."""
    import pytest

    from portal.loans.importer import Rejected, parse_line

    schedule = record()["schedule"]
    cases = [
        (record(phone="12345"), "borrower.phone"),
        (record(id_number="110101199003074515"), "borrower.id_number"),
        (record(locale="en"), "borrower.locale"),
        (record(principal="3000.001"), "principal"),
        (record(start_date="2024-02-30"), "start_date"),
        (record(schedule=[*schedule[:2], {**schedule[2], "due_date": "2024-04-31"}]), "schedule.2.due_date"),
        (record(schedule=[{**schedule[0], "interest": "1.234"}, *schedule[1:]]), "schedule.0.interest"),
        (record(schedule=schedule[:2]), "schedule"),
        (record(payments=[{"paid_on": "2024-02-14", "amount": "-1"}]), "payments.0.amount"),
        (record(loan_ref="bad ref"), "loan_ref"),
    ]
    for data, field in cases:
        with pytest.raises(Rejected) as caught:
            parse_line(json.dumps(data, ensure_ascii=False))
        assert caught.value.field == field, (field, str(caught.value))
    with pytest.raises(Rejected) as caught:
        parse_line("{not json")
    assert caught.value.field is None


def test_an_import_never_changes_a_borrowers_phone(app, tmp_path, session):
    """The phone is the borrower's login and where their codes go: a line pairing their resident ID with another
    phone is refused (not a phone change), and so is their phone with another ID; nothing of it is stored."""
    run(app, write(tmp_path, [record()]))
    result = run(app, write(tmp_path, [record(loan_ref="LRVS1", phone="13312345678"),
                                       record(loan_ref="LRVS2", phone="13800138000", id_number=make_id_number(4)),
                                       record(loan_ref="LRVS3", name="张三丰")]))
    assert result.exit_code == 1
    assert "line 1: rejected: this resident ID number is registered with another phone number" in result.output
    assert "line 2: rejected: this phone number is registered to a borrower with another ID number" in result.output
    session.expire_all()
    assert session.execute(select(Borrower.phone, Borrower.name)).all() == [("13800138000", "张三丰")]
    assert session.scalars(select(Loan.loan_ref).order_by(Loan.loan_ref)).all() == ["L2024000123", "LRVS3"]


def test_a_loan_ref_in_another_case_updates_the_stored_loan(app, tmp_path, session):
    run(app, write(tmp_path, [record(loan_ref="LRV0001")]))
    result = run(app, write(tmp_path, [record(loan_ref="lrv0001", product="消费贷 B"),
                                       record(loan_ref="Lrv0001", product="消费贷 B")]))
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert session.execute(select(Loan.loan_ref, Loan.product)).all() == [("LRV0001", "消费贷 B")]
    assert session.scalar(select(func.count()).select_from(Instalment)) == 3


def test_two_legacy_loan_refs_differing_in_case_are_not_guessed_between(app, tmp_path, session, create_borrower,
                                                                        create_loan):
    owner = create_borrower(phone="13800138000", id_number=GOOD_ID)
    create_loan(owner, loan_ref="LX1")
    create_loan(owner, loan_ref="lx1")
    result = run(app, write(tmp_path, [record(loan_ref="Lx1"), record(loan_ref="LX1")]))
    assert "line 1: rejected: loan_ref 'Lx1' matches 2 loans whose references differ only in case" in result.output
    assert "line 2:" not in result.output  # spelt exactly as one of them: that one is updated
    session.expire_all()
    assert session.scalar(select(Loan.product).where(Loan.loan_ref == "LX1")) == "消费贷"
    assert session.scalar(select(func.count()).select_from(Loan)) == 2


def test_out_of_range_lines_are_refused_and_the_others_imported(app, tmp_path, session):
    result = run(app, write(tmp_path, [record(loan_ref="L1", principal="100000000000000000000"),
                                       record(loan_ref="L2", start_date="0001-01-01"),
                                       record(loan_ref="L3", principal="３000.00"),
                                       record(loan_ref="L4")]))
    assert "line 1: rejected: principal must be at most 10000000.00" in result.output
    assert "line 2: rejected: start_date must be in the years 1970 to 2100" in result.output
    assert "line 3: rejected: principal must be digits 0-9" in result.output
    assert session.scalars(select(Loan.loan_ref)).all() == ["L4"]
