"""The shared loaders of the console's reads: keyset paging newest first, and a row by id or a 404."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from portal.imports.models import ImportJob
from portal.orm import get_or_404, keyset_page


def _jobs(session, count: int) -> list[int]:
    rows = [ImportJob(kind="loans", original_name=f"f{n}.jsonl", stored_name=f"s{n}", size=1, sha256="0" * 64,
                      lines_total=1) for n in range(count)]
    session.add_all(rows)
    session.commit()
    return [row.id for row in rows]


def test_keyset_pages_walk_every_row_once_newest_first(session):
    ids = _jobs(session, 5)
    query = select(ImportJob).where(ImportJob.id != ids[2])
    seen, before, pages = [], None, 0
    while True:
        rows, before = keyset_page(session, query, ImportJob.id, before, 2)
        seen += [row.id for row in rows]
        pages += 1
        if before is None:
            break
    assert seen == [ids[4], ids[3], ids[1], ids[0]] and pages == 2
    assert keyset_page(session, query, ImportJob.id, 2**31, 2)[0][0].id == ids[4]  # an impossible before: page 1
    assert keyset_page(session, query, ImportJob.id, ids[0], 2) == ([], None)


def test_get_or_404(session):
    [job_id] = _jobs(session, 1)
    assert get_or_404(session, ImportJob, job_id).id == job_id
    for bad in (job_id + 1, 0, -1, 2**31, 2**63):
        with pytest.raises(NotFound):
            get_or_404(session, ImportJob, bad)
