"""``flask --app portal import-agencies FILE.jsonl``: the published list, as import-loans and import-contacts."""
from __future__ import annotations

import click

from portal.extensions import db


@click.command("import-agencies")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def import_agencies(file) -> None:
    """Import the lender's list of collection agencies (JSON Lines; idempotent on code; exit 1 if any rejected)."""
    from portal.agencies.importer import import_lines
    from portal.cli import _report_import

    _report_import(import_lines(db.session, file))
