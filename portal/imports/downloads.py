"""The rejected lines of an import as CSV: line number, reason, and the line as the file had it (read back from
the stored file, so a large file's rejects are never held in memory)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import uploads
from portal.imports import runner
from portal.imports.models import ImportRejection

PAGE = 1000
MAX_LINE_CHARS = 100_000  # a rejected line longer than this is cut in the download


def _rejections(session: Session, import_id: int) -> Iterator[ImportRejection]:
    after = 0
    while True:
        page = list(session.scalars(select(ImportRejection)
                                    .where(ImportRejection.import_id == import_id, ImportRejection.line > after)
                                    .order_by(ImportRejection.line).limit(PAGE)))
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1].line


def _row(values: list) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()


def rejections_csv(import_id: int, stored_name: str, header: list[str]) -> Iterator[str]:
    from portal.extensions import db

    yield "\ufeff" + _row(header)  # the BOM lets spreadsheet programs read the Chinese text as UTF-8
    with Session(bind=db.engine) as session, uploads.open_file(stored_name) as fh:
        lines = enumerate(runner.split_lines(fh), 1)
        for rejection in _rejections(session, import_id):
            text = ""
            for number, raw in lines:
                if number == rejection.line:
                    text = raw.decode("utf-8", errors="replace").rstrip("\r")[:MAX_LINE_CHARS]
                    break
            yield _row([rejection.line, rejection.reason, text])
