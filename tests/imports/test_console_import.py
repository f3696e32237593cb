"""``/staff/imports``: supervisors upload a JSON Lines file, the worker imports it in batches with the importer the
command line uses, the page shows the progress and offers the rejected lines with their reasons."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.audit.models import AuditEvent
from portal.contacts.models import Contact
from portal.imports import worker
from portal.imports.models import ImportJob, ImportRejection
from portal.loans import importer as loans_importer
from portal.loans.models import Loan
from tests.conftest import make_id_number
from tests.loans.test_import import record


def loan_line(n: int, **over) -> dict:
    return record(**{"loan_ref": f"L{n:06d}", "phone": f"138{n:08d}", "id_number": make_id_number(n), **over})


def jsonl(items) -> bytes:
    return ("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in items) + "\n").encode()


GOOD_AND_BAD = [loan_line(1), loan_line(2, phone="12345"), "not json", "", loan_line(3),
                loan_line(4, principal="100.001")]


@pytest.fixture
def supervisor(client, login, create_staff):
    user = create_staff(role="supervisor")
    login(client, user)
    return user


def upload(client, data: bytes, kind="loans", name="loans.jsonl"):
    # encoded here, in memory: the test client's own encoder spools a large body to a file it leaves open when
    # the app does not read the body
    boundary, body = encode_multipart({"kind": kind, "file": FileStorage(io.BytesIO(data), name)})
    return client.post("/staff/imports", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def job_of(session) -> ImportJob:
    session.expire_all()
    return session.scalar(select(ImportJob).order_by(ImportJob.id.desc()))


def test_agents_are_refused_and_anonymous_sent_to_log_in(app, client, login, create_staff, session):
    assert client.get("/staff/imports").status_code == 302
    lead = app.test_client()
    login(lead, create_staff(role="supervisor"))
    upload(lead, jsonl([loan_line(1), "bad"]))
    job = job_of(session)
    login(client, create_staff(role="agent"))
    for path in ("/staff/imports", f"/staff/imports/{job.id}", f"/staff/imports/{job.id}/rejected.csv"):
        assert client.get(path).status_code == 403, path
    assert upload(client, jsonl([loan_line(2)])).status_code == 403
    assert session.scalar(select(func.count()).select_from(ImportJob)) == 1
    assert "Imports" not in client.get("/staff/").get_data(as_text=True)
    assert "/staff/imports" not in client.get("/staff/").get_data(as_text=True)  # not in an agent's menu


def test_upload_imports_good_lines_and_lists_the_bad_ones(client, supervisor, session):
    page = client.get("/staff/imports")
    assert page.status_code == 200 and 'type="file"' in page.get_data(as_text=True)
    response = upload(client, jsonl(GOOD_AND_BAD))
    assert response.status_code == 302
    job = job_of(session)
    assert response.headers["Location"].endswith(f"/staff/imports/{job.id}")
    # the queue is immediate in tests: the worker ran after the commit
    assert (job.state, job.lines_total, job.lines_done) == ("done", 6, 6)
    assert (job.accepted, job.created, job.rejected) == (2, 2, 3)
    assert sorted(session.scalars(select(Loan.loan_ref))) == ["L000001", "L000003"]
    reasons = {r.line: r.reason for r in session.scalars(select(ImportRejection))}
    assert set(reasons) == {2, 3, 6} and "invalid phone" in reasons[2] and "JSON" in reasons[3]
    shown = client.get(f"/staff/imports/{job.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in shown and '<progress id="import-progress" max="6" value="6">' in shown
    assert f"/staff/imports/{job.id}/rejected.csv" in shown
    actions = list(session.scalars(select(AuditEvent.action)))
    assert "import.uploaded" in actions


def stored_files(app) -> set[str]:
    import os

    root = app.config["EVIDENCE_DIR"]
    return {name for _dir, _sub, names in os.walk(root) for name in names} if os.path.isdir(root) else set()


@pytest.mark.parametrize(("data", "kind", "message"), [
    (b"name,phone\n\xe5\xbc\xa0\xe4\xb8\x89,138\n", "loans", "这不是 JSONL 文件"),
    (b"\xff\xfe{}\n", "loans", "这不是 JSONL 文件"),
    (b"[1, 2]\n", "loans", "这不是 JSONL 文件"),
    (b"", "loans", "文件是空的"),
    (b"\n  \n", "loans", "文件是空的"),
    (jsonl([{"contact_ref": "C-1", "loan_ref": "L1"}]), "loans", "这个文件的内容是催收联系记录，不是贷款"),
    (jsonl([loan_line(1)]), "contacts", "这个文件的内容是贷款，不是催收联系记录"),
    (jsonl([{"hello": "world"}]), "loans", "第一行既不是贷款，也不是催收联系记录"),
])
def test_bad_files_are_answered_next_to_the_field_and_nothing_is_stored(app, client, supervisor, session, data,
                                                                        kind, message):
    before = stored_files(app)
    response = upload(client, data, kind=kind)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="file-error"' in body and message in body and 'aria-invalid="true"' in body
    assert re.search(rf'<input checked [^>]*value="{kind}"', body)  # the choice is kept
    assert session.scalar(select(func.count()).select_from(ImportJob)) == 0
    assert stored_files(app) == before


def test_a_missing_file_or_kind_is_named(client, supervisor, session):
    response = client.post("/staff/imports", data={"kind": "loans"}, content_type="multipart/form-data")
    assert response.status_code == 400 and "请选择要导入的文件。" in response.get_data(as_text=True)
    response = upload(client, jsonl([loan_line(1)]), kind="mortgages")
    assert response.status_code == 400 and 'id="kind-error"' in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(ImportJob)) == 0


def test_a_file_over_the_limit_is_refused_without_storing_it(app, client, supervisor, session, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_MB", 1)
    before = stored_files(app)
    line = json.dumps(loan_line(1)).encode() + b"\n"
    big = line * (1024 * 1024 // len(line) + 1)  # just over 1 MB: read, counted, refused
    response = upload(client, big)
    assert response.status_code == 413 and "文件超过 1 MB" in response.get_data(as_text=True)
    huge = line * (2 * 1024 * 1024 // len(line))  # the request says it is too large: refused before reading it
    response = upload(client, huge)
    body = response.get_data(as_text=True)
    assert response.status_code == 413 and "文件超过 1 MB" in body and 'id="file-error"' in body
    assert session.scalar(select(func.count()).select_from(ImportJob)) == 0 and stored_files(app) == before


def test_an_agent_cannot_send_a_large_body(app, client, login, create_staff, monkeypatch):
    login(client, create_staff(role="agent"))
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    response = upload(client, b"{}\n" * 600_000)
    assert response.status_code == 413  # the evidence limit of every other form, not the import file's


def test_the_rejected_lines_download(client, supervisor, session):
    upload(client, jsonl(GOOD_AND_BAD))
    job = job_of(session)
    response = client.get(f"/staff/imports/{job.id}/rejected.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows[0]) == 3 and rows[0][1] == "原因"  # the page's language (zh_Hans by default)
    assert [r[0] for r in rows[1:]] == ["2", "3", "6"]
    assert "invalid phone" in rows[1][1] and json.loads(rows[1][2])["borrower"]["phone"] == "12345"
    assert rows[2][2] == "not json" and "2 decimal places" in rows[3][1]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "import.rejections_downloaded"))
    assert event is not None and event.object_id == str(job.id) and event.staff_id == supervisor.id


def test_the_rejected_lines_in_traditional_script(client, supervisor, session):
    upload(client, jsonl(GOOD_AND_BAD))
    job = job_of(session)
    client.set_cookie("portal_locale", "zh_Hant")
    page = client.get(f"/staff/imports/{job.id}").get_data(as_text=True)
    assert "匯入 loans.jsonl" in page and "已處理 6 行，共 6 行" in page and "导入" not in page
    header = client.get(f"/staff/imports/{job.id}/rejected.csv").get_data(as_text=True).splitlines()[0]
    assert header == "\ufeff行號,原因,原始行內容"


def test_other_imports_are_not_found(client, supervisor):
    assert client.get("/staff/imports/999").status_code == 404
    assert client.get("/staff/imports/999/rejected.csv").status_code == 404


def test_contacts_through_the_console(client, supervisor, session, create_borrower, create_loan):
    create_loan(create_borrower(), loan_ref="L2026000001")
    from tests.contacts.test_contact_import import record as contact

    response = upload(client, jsonl([contact(), contact(contact_ref="C-2", loan_ref="L404"),
                                     contact(contact_ref="C-3", channel="fax")]), kind="contacts",
                      name="contacts.jsonl")
    assert response.status_code == 302
    job = job_of(session)
    assert (job.kind, job.state, job.accepted, job.rejected) == ("contacts", "done", 1, 2)
    assert list(session.scalars(select(Contact.contact_ref))) == ["C-1"]


class Killed(BaseException):
    """A worker that dies between two batches (not an error it could record)."""


def test_progress_is_committed_per_batch_and_a_dead_workers_import_is_resumed(app, client, supervisor, session,
                                                                              monkeypatch):
    from datetime import timedelta

    from portal.imports import runner
    from portal.orm import utcnow

    monkeypatch.setattr(loans_importer, "BATCH", 2)
    lines = [loan_line(n) for n in range(1, 8)] + [loan_line(8, phone="1"), loan_line(9)]
    real_run, commits = runner.run, []

    def dies_after_two_batches(session_, lines_, import_batch, size, **kw):
        def on_batch(s, done, last):
            if len(commits) == 2:
                raise Killed()
            commits.append(last)
            return kw["on_batch"](s, done, last)
        return real_run(session_, lines_, import_batch, size, start_after=kw["start_after"], on_batch=on_batch)

    monkeypatch.setattr(runner, "run", dies_after_two_batches)
    with pytest.raises(Killed):
        upload(client, jsonl(lines))
    job = job_of(session)
    assert (job.state, job.lines_done, job.accepted, job.rejected) == ("running", 4, 4, 0)
    assert session.scalar(select(func.count()).select_from(Loan)) == 4
    page = client.get(f"/staff/imports/{job.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="3">' in page
    assert '<progress id="import-progress" max="9" value="4">' in page and "rejected.csv" not in page

    monkeypatch.setattr(runner, "run", real_run)
    assert worker.run(job.id) is None  # the dead worker's claim still holds
    assert worker.sweep() == 0
    session.execute(update(ImportJob).values(claimed_until=utcnow() - timedelta(seconds=1)))  # two minutes on
    session.commit()
    assert worker.sweep() == 1  # enqueued again (the immediate queue runs it at once, as a worker would)
    job = job_of(session)
    assert (job.state, job.lines_done, job.accepted, job.rejected, job.attempts) == ("done", 9, 8, 1, 2)
    assert session.scalar(select(func.count()).select_from(Loan)) == 8
    assert [r.line for r in session.scalars(select(ImportRejection))] == [8]
    assert 'http-equiv="refresh"' not in client.get(f"/staff/imports/{job.id}").get_data(as_text=True)


def test_an_import_whose_worker_dies_on_every_claim_is_failed_after_five_claims(app, client, supervisor, session,
                                                                                 monkeypatch):
    from datetime import timedelta

    from portal.imports import runner
    from portal.orm import utcnow

    def dies(*args, **kw):
        raise Killed()  # a line that crashes the worker process: nothing recorded, no batch committed

    monkeypatch.setattr(runner, "run", dies)
    with pytest.raises(Killed):
        upload(client, jsonl([loan_line(1), loan_line(2)]))
    for claims in range(2, 6):
        session.execute(update(ImportJob).values(claimed_until=utcnow() - timedelta(seconds=1)))  # claim ran out
        session.commit()
        with pytest.raises(Killed):
            worker.sweep()  # enqueued again; the immediate queue runs it and the worker dies again
        job = job_of(session)
        assert (job.state, job.idle_claims, job.attempts, job.lines_done) == ("running", claims, claims, 0)
    session.execute(update(ImportJob).values(claimed_until=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert worker.sweep() == 0  # failed instead of enqueued a sixth time
    job = job_of(session)
    assert (job.state, job.idle_claims, job.claim, job.claimed_until) == ("failed", 5, None, None)
    assert job.finished_at is not None and "5 times" in job.error
    assert worker.claim(session, job.id) is None and worker.sweep() == 0
    page = client.get(f"/staff/imports/{job.id}").get_data(as_text=True)
    assert "进程在这个文件上停止了 5 次" in page and "从第 1 行起" in page and 'http-equiv="refresh"' not in page
    client.set_cookie("portal_locale", "zh_Hant")
    assert "行程在這個檔案上停止了 5 次" in client.get(f"/staff/imports/{job.id}").get_data(as_text=True)


def test_progress_resets_the_count_of_claims_without_progress(app, client, supervisor, session, monkeypatch):
    from datetime import timedelta

    from portal.imports import runner
    from portal.orm import utcnow

    monkeypatch.setattr(loans_importer, "BATCH", 1)
    real_run = runner.run

    def one_batch_then_dies(session_, lines_, import_batch, size, **kw):
        def on_batch(s, done, last):
            kw["on_batch"](s, done, last)
            s.commit()
            raise Killed()
        return real_run(session_, lines_, import_batch, size, start_after=kw["start_after"], on_batch=on_batch)

    monkeypatch.setattr(runner, "run", one_batch_then_dies)
    with pytest.raises(Killed):
        upload(client, jsonl([loan_line(n) for n in range(1, 8)]))
    for done in range(2, 7):  # six claims in all, each importing one line: never five without progress
        session.execute(update(ImportJob).values(claimed_until=utcnow() - timedelta(seconds=1)))
        session.commit()
        with pytest.raises(Killed):
            worker.sweep()
        job = job_of(session)
        assert (job.state, job.lines_done, job.idle_claims) == ("running", done, 0)
    monkeypatch.setattr(runner, "run", real_run)
    session.execute(update(ImportJob).values(claimed_until=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert worker.sweep() == 1
    job = job_of(session)
    assert (job.state, job.lines_done, job.attempts) == ("done", 7, 7)


def test_an_import_whose_file_is_gone_fails_and_says_so(app, client, supervisor, session, monkeypatch):
    from portal import uploads
    from portal.queue import queue_of

    monkeypatch.setitem(queue_of(app).tasks, "run_import", lambda job_id: None)  # no worker yet
    upload(client, jsonl([loan_line(1)]))
    job = job_of(session)
    assert job.state == "queued"
    assert 'http-equiv="refresh"' in client.get(f"/staff/imports/{job.id}").get_data(as_text=True)
    uploads.delete(job.stored_name)
    assert worker.run(job.id) == "failed"
    job = job_of(session)
    assert job.state == "failed" and "FileNotFoundError" in job.error
    assert "导入在文件结束前停止了" in client.get(f"/staff/imports/{job.id}").get_data(as_text=True)


def test_the_command_line_and_the_console_give_the_same_result(app, client, supervisor, session, tmp_path):
    from sqlalchemy import delete

    from portal.accounts.models import Borrower
    from portal.loans.models import Instalment, Payment

    lines = GOOD_AND_BAD + [loan_line(1), loan_line(5, principal="1.00"), loan_line(7)]
    path = tmp_path / "loans.jsonl"
    path.write_bytes(jsonl(lines))
    cli = app.test_cli_runner().invoke(args=["import-loans", str(path)])
    assert cli.exit_code == 1

    def content():
        session.expire_all()
        loans = {l.loan_ref: (l.borrower.phone, l.principal_fen, [(i.seq, i.principal_fen) for i in l.instalments],
                              [p.amount_fen for p in l.payments]) for l in session.scalars(select(Loan))}
        return loans

    by_cli = content()
    cli_rejected = [line for line in cli.output.splitlines() if line.startswith("line ")]
    for model in (Instalment, Payment, Loan, Borrower):
        session.execute(delete(model))
    session.commit()
    upload(client, path.read_bytes())
    job = job_of(session)
    assert content() == by_cli and len(by_cli) == 3
    console_rejected = [f"line {r.line}: rejected: {r.reason}" for r in session.scalars(
        select(ImportRejection).order_by(ImportRejection.line))]
    assert console_rejected == cli_rejected and len(cli_rejected) == 4
    summary = cli.output.strip().splitlines()[-1]
    assert summary == (f"created {job.created}, updated {job.updated}, unchanged {job.unchanged}, "
                       f"rejected {job.rejected}")


def test_an_import_kept_on_the_object_store(s3_app, client, supervisor, session):
    from tests.uploads.conftest import s3_keys

    upload(client, jsonl(GOOD_AND_BAD))
    job = job_of(session)
    assert (job.state, job.accepted, job.rejected) == ("done", 2, 3)
    assert s3_keys(s3_app) == [f"{s3_app.s3_prefix}/{job.stored_name}"]
    rows = list(csv.reader(io.StringIO(client.get(f"/staff/imports/{job.id}/rejected.csv")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    assert [r[0] for r in rows[1:]] == ["2", "3", "6"] and rows[2][2] == "not json"
