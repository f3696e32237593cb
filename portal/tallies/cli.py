"""``flask tallies rebuild`` (count every row again) and ``flask tallies check`` (compare, change nothing)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

tallies_cli = AppGroup("tallies", help="The supervisor reports' figures per day.")


@tallies_cli.command("rebuild")
def rebuild_cmd() -> None:
    """Count every complaint, plan and visit again in the lender's days."""
    from portal import tallies
    from portal.extensions import db
    from portal.i18n import lender_tz

    rows = tallies.rebuild(lender_tz())
    db.session.commit()
    click.echo(f"report tallies rebuilt for {lender_tz().key}: {rows} rows")


@tallies_cli.command("check")
def check_cmd() -> None:
    """Compare the tallies with the rows; exit 1 when they differ (or are not built for the lender's zone)."""
    from portal import tallies
    from portal.i18n import lender_tz

    if not tallies.ready(lender_tz()):
        raise click.ClickException(f"the report tallies are not built for {lender_tz().key} (the worker builds "
                                   "them, or: flask tallies rebuild)")
    found = tallies.differences(lender_tz())
    for (kind, day, key), (have, want) in found.items():
        click.echo(f"{kind} {day.isoformat()} {key!r}: stored {have}, counted {want}")
    if found:
        raise click.ClickException(f"{len(found)} tallies differ from the rows")
    click.echo("the report tallies agree with the rows")
