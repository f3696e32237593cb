"""The batch runner both importers use: line numbers, blank lines, resuming, chunked reading, stopping."""
from __future__ import annotations

import io

import pytest

from portal.imports import runner
from portal.imports.report import ImportReport, Rejected, digest, json_object


def test_batches_number_every_line_skip_blanks_and_resume():
    lines = ["a\n", "\n", "b\n", "c\n", "  \n", "d\n", "\n"]
    assert list(runner.batches(lines, 2)) == [([(1, "a\n"), (3, "b\n")], 3), ([(4, "c\n"), (6, "d\n")], 6),
                                              ([], 7)]
    assert list(runner.batches(lines, 2, start_after=3)) == [([(4, "c\n"), (6, "d\n")], 6), ([], 7)]
    assert list(runner.batches([b"x\n", "\u5f20".encode()], 5)) == [([(1, "x\n"), (2, "张")], 2)]
    assert list(runner.batches([], 5)) == []


def test_split_lines_reads_in_chunks_and_splits_on_lf_only():
    data = b"one\r\ntwo\rstill two\n\nthree"
    assert list(runner.split_lines(io.BytesIO(data), chunk=3)) == [b"one\r", b"two\rstill two", b"", b"three"]
    assert list(runner.split_lines(io.BytesIO(b"a\n"), chunk=1)) == [b"a"]


class FakeSession:
    def __init__(self):
        self.log = []

    def commit(self):
        self.log.append("commit")

    def rollback(self):
        self.log.append("rollback")

    def expunge_all(self):
        pass


def test_run_commits_each_batch_with_its_progress_and_stops_when_told():
    def import_batch(session, lines, report):
        for number, raw in lines:
            if raw.startswith("bad"):
                report.rejected.append((number, "bad line"))
            else:
                report.created += 1

    seen = []

    def on_batch(session, done, last):
        seen.append((done.accepted, len(done.rejected), last))
        session.log.append(f"progress {last}")
        return last < 4

    session = FakeSession()
    report = runner.run(session, ["ok\n", "bad\n", "ok\n", "ok\n", "ok\n"], import_batch, 2, on_batch=on_batch)
    assert seen == [(1, 1, 2), (2, 0, 4)]
    assert session.log == ["progress 2", "commit", "progress 4", "rollback"]  # the refused batch is undone
    assert (report.created, report.rejected) == (1, [(2, "bad line")])


def test_json_object_and_digest():
    with pytest.raises(Rejected, match="not valid JSON"):
        json_object("{nope")
    with pytest.raises(Rejected, match="one JSON object"):
        json_object("[1]")
    assert digest(json_object('{"b": 1, "a": "张"}')) == digest({"a": "张", "b": 1})
    assert ImportReport(created=1, updated=2, unchanged=3).accepted == 6
