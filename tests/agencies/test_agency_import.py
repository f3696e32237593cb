"""``flask --app portal import-agencies``: upsert on code, the numbers replaced, bad lines named, idempotent."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from portal.agencies.models import Agency, AgencyNumber


def line(**over) -> dict:
    base = {"code": "AG-GZ02", "name": "广州示例信息咨询有限公司", "name_hant": "廣州示例資訊諮詢有限公司",
            "uscc": "91440101MA9DEM0029", "numbers": ["020-6123 4567", "+86 20 6123 4568"], "since": "2026-01-01"}
    base.update(over)
    return base


def run(app, tmp_path, lines):
    path = tmp_path / "agencies.jsonl"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
                    encoding="utf-8")
    return app.test_cli_runner().invoke(args=["import-agencies", str(path)])


def test_import_twice_changes_nothing_the_second_time(app, session, tmp_path):
    lines = [line(), line(code="LENDER", kind="lender", name="示例消费金融有限公司", uscc="91440300MA5DEM0019",
                          numbers=["0755 8888 6666"], since="2020-01-01")]
    first = run(app, tmp_path, lines)
    assert first.exit_code == 0 and "created 2, updated 0, unchanged 0, rejected 0" in first.output
    again = run(app, tmp_path, lines)
    assert again.exit_code == 0 and "created 0, updated 0, unchanged 2, rejected 0" in again.output
    agency = session.scalar(select(Agency).where(Agency.code == "AG-GZ02"))
    assert [n.number for n in agency.numbers] == ["02061234567", "02061234568"] and agency.until is None


def test_a_changed_line_updates_the_row_and_replaces_its_numbers(app, session, tmp_path):
    run(app, tmp_path, [line()])
    result = run(app, tmp_path, [line(numbers=["020 6123 9999"], until="2026-06-30")])
    assert "created 0, updated 1" in result.output
    session.expire_all()
    agency = session.scalar(select(Agency).where(Agency.code == "AG-GZ02"))
    assert [n.number for n in agency.numbers] == ["02061239999"] and str(agency.until) == "2026-06-30"
    assert session.scalar(select(func.count()).select_from(AgencyNumber)) == 1


def test_bad_lines_are_named_with_line_number_and_reason_and_nothing_of_them_is_stored(app, session, tmp_path):
    result = run(app, tmp_path, [
        line(code="OK-1"),
        "{not json",
        line(code="BAD-2", uscc="91440101MA9DEM002X"),
        line(code="BAD-3", uscc="91330100716105852F", numbers=["020 6123 4567", "hello"]),
        line(code="BAD-4", uscc="91110108551385082Q", since="2026-02-30"),
        line(code="BAD-5", uscc="91110108551385082Q", since="2026-03-01", until="2026-02-01"),
        line(code="BAD-6", uscc="91440101MA9DEM0029"),  # the uscc of OK-1
        line(code="BAD-7", uscc="91110108551385082Q", kind="bank"),
        line(code="LENDER-2", kind="lender", uscc="91110108551385082Q"),
        line(code="LENDER-3", kind="lender", uscc="91330100716105852F"),
    ])
    assert result.exit_code == 1
    err = result.stderr if hasattr(result, "stderr") else result.output
    assert "line 2: rejected: not valid JSON" in err
    assert "line 3: rejected: uscc check character does not match" in err
    assert "line 4: rejected: not a phone number: 'hello'" in err
    assert "line 5: rejected: since is not a possible date" in err
    assert "line 6: rejected: until is before since" in err
    assert "line 7: rejected: uscc already used by another agency" in err
    assert "line 8: rejected: unknown kind 'bank'" in err
    assert "line 10: rejected: there is already a row of kind lender" in err
    assert "created 2, updated 0, unchanged 0, rejected 8" in result.output
    codes = set(session.scalars(select(Agency.code)))
    assert codes == {"OK-1", "LENDER-2"}
    assert session.scalar(select(func.count()).select_from(AgencyNumber)) == 4


def test_lines_go_through_the_shared_batch_runner_one_commit_per_batch(app, session, tmp_path, monkeypatch):
    from portal.agencies import importer
    from portal.imports import runner

    commits = []
    real_run = runner.run

    def counting_run(session_, lines, import_batch, size, **kw):
        assert import_batch is importer.import_batch
        return real_run(session_, lines, import_batch, size,
                        on_batch=lambda s, done, last: commits.append((done.accepted, last)) or True)

    monkeypatch.setattr(importer, "BATCH", 2)
    monkeypatch.setattr(runner, "run", counting_run)
    result = run(app, tmp_path, [line(code="A-1"), "", line(code="A-2", uscc="91330100716105852F"),
                                 line(code="A-3", uscc="91110108551385082Q")])
    assert result.exit_code == 0 and "created 3, updated 0, unchanged 0, rejected 0" in result.output
    assert commits == [(2, 3), (1, 4)]  # two batches; the blank line counted, not imported
    assert session.scalar(select(func.count()).select_from(Agency)) == 3
