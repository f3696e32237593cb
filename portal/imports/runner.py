"""The batch runner of every JSON Lines import (loans, contacts), from the command line and from the console.

A file is read line by line and handed to the importer in batches; each batch is committed on its own, so memory
stays bounded and a file of any size can be imported. The importer's ``import_batch(session, lines, report)``
writes and flushes (never commits) and adds its outcomes to the report; ``on_batch`` (the console's progress and
claim) runs in the same transaction, just before the commit, so progress and data are durable together.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Union

from sqlalchemy.orm import Session

from portal.imports.report import ImportReport

__all__ = ["ImportReport", "BatchImporter", "batches", "run", "split_lines"]

Line = Union[str, bytes]
BatchImporter = Callable[[Session, list[tuple[int, str]], ImportReport], None]
OnBatch = Callable[[Session, ImportReport, int], bool]


def _text(raw: Line) -> str:
    if isinstance(raw, bytes):
        return raw.decode("utf-8", errors="replace")
    return raw


def split_lines(fh, chunk: int = 1024 * 1024) -> Iterator[bytes]:
    """A stored file's lines, split on LF only (as the upload counts them), read in chunks from any store's file
    object (a local file or an object store's stream)."""
    rest = b""
    while data := fh.read(chunk):
        *lines, rest = (rest + data).split(b"\n")
        yield from lines
    if rest:
        yield rest


def batches(lines: Iterable[Line], size: int, start_after: int = 0) -> Iterator[tuple[list[tuple[int, str]], int]]:
    """``(batch, last line number read)``: up to ``size`` non-blank lines numbered from 1, after line
    ``start_after`` (a resumed import); the last batch may be empty when the file ends with blank lines."""
    batch: list[tuple[int, str]] = []
    number = start_after
    for number, raw in enumerate(lines, 1):
        if number <= start_after:
            continue
        text = _text(raw)
        if not text.strip():
            continue
        batch.append((number, text))
        if len(batch) == size:
            yield batch, number
            batch = []
    if batch or number > start_after:
        yield batch, number


def run(session: Session, lines: Iterable[Line], import_batch: BatchImporter, size: int, *,
        start_after: int = 0, on_batch: OnBatch | None = None) -> ImportReport:
    """Import ``lines`` batch by batch, one commit per batch; each line is all-or-nothing (the importer's rule).

    ``on_batch(session, batch_report, last_line)`` runs before each commit; when it returns False the batch is
    rolled back and the run stops (the console lost its claim to another worker)."""
    report = ImportReport()
    for batch, last in batches(lines, size, start_after):
        done = ImportReport()
        import_batch(session, batch, done)
        if on_batch is not None and not on_batch(session, done, last):
            session.rollback()
            break
        session.commit()
        session.expunge_all()
        report.add(done)
    return report
