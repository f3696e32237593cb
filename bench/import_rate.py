"""Import speed and memory: the operator's importer (import-loans) and the benchmark bulk path on one file.

Usage: PORTAL_DATABASE_URL=… python bench/import_rate.py FILE [importer|bulk]
Prints lines/s and the peak RSS of this process (resource.getrusage). Use a fresh database for each run.
"""
from __future__ import annotations

import resource
import sys
import time

from portal import create_app
from portal.extensions import db
from portal.models import metadata


def main() -> None:
    path, mode = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "importer")
    app = create_app()
    with app.app_context():
        metadata.create_all(db.engine)
        start = time.monotonic()
        with open(path, encoding="utf-8") as stream:
            if mode == "bulk":
                from portal.scale.bulk import load_loans

                with db.engine.connect() as conn:
                    report = load_loans(conn, stream)
                lines, rejected = report.loans, report.rejected
            else:
                from portal.loans.importer import import_lines

                report = import_lines(db.session, stream)
                lines, rejected = report.created + report.updated + report.unchanged, len(report.rejected)
        elapsed = time.monotonic() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{mode} on {db_kind(app)}: {lines} lines ({rejected} rejected) in {elapsed:.0f} s = "
          f"{lines / elapsed:.0f} lines/s, peak RSS {rss:.0f} MB")


def db_kind(app) -> str:
    return app.config["DATABASE_URL"].split(":", 1)[0]


if __name__ == "__main__":
    main()
