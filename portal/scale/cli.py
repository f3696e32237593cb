"""``generate-data`` (scale import file) and ``load-scale-data`` (the benchmark's bulk path)."""
from __future__ import annotations

import resource
import time
from datetime import date

import click
from flask import Flask

from portal.cli import development_only
from portal.extensions import db


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


@click.command("generate-data")
@click.option("--borrowers", type=click.IntRange(1, 10_000_000), required=True)
@click.option("--out", "out_path", default="scale-loans.jsonl", show_default=True,
              help="The import file (design §4 format); staff-side rows go to OUT with .staff.jsonl")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Reference day for schedules (default: today)")
@development_only
def generate_data(borrowers: int, out_path: str, seed: int, as_of) -> None:
    """Write a realistic import file of N borrowers (streamed: memory does not grow with N)."""
    from portal.scale.generate import Options, generate

    opts = Options(borrowers=borrowers, seed=seed, as_of=as_of.date() if as_of else date.today())
    staff_path = staff_file(out_path)
    start = time.monotonic()
    with open(out_path, "w", encoding="utf-8") as out, open(staff_path, "w", encoding="utf-8") as staff_out:
        loans, staff = generate(opts, out, staff_out)
    click.echo(f"wrote {loans} loans of {borrowers} borrowers to {out_path} and {staff} staff-side rows to "
               f"{staff_path} in {time.monotonic() - start:.1f} s (peak RSS {peak_rss_mb():.0f} MB)")


def staff_file(out_path: str) -> str:
    return (out_path[:-6] if out_path.endswith(".jsonl") else out_path) + ".staff.jsonl"


@click.command("load-scale-data")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--staff-side/--no-staff-side", default=True, show_default=True)
@development_only
def load_scale_data(file: str, staff_side: bool) -> None:
    """Benchmark only: bulk-load a generate-data file into a database without those loans yet."""
    import os

    from portal import tallies
    from portal.i18n import lender_tz
    from portal.scale.bulk import load_loans
    from portal.scale.staffside import load_staff_side

    tallies.unbuild()  # rows written without the ORM: the reports count them until the rebuild below
    db.session.commit()
    start = time.monotonic()
    with db.engine.connect() as conn, open(file, encoding="utf-8") as stream:
        def progress(report) -> None:
            if report.loans and report.loans % 100_000 == 0:
                click.echo(f"  {report.loans} loans, {report.loans / (time.monotonic() - start):.0f} lines/s, "
                           f"peak RSS {peak_rss_mb():.0f} MB", err=True)
        report = load_loans(conn, stream, on_batch=progress)
        elapsed = time.monotonic() - start
        click.echo(f"loaded {report.borrowers} borrowers, {report.loans} loans ({report.rejected} rejected) in "
                   f"{elapsed:.1f} s: {report.loans / max(elapsed, 1e-9):.0f} lines/s, peak RSS {peak_rss_mb():.0f} MB")
        staff_path = staff_file(file)
        if staff_side and os.path.exists(staff_path):
            with open(staff_path, encoding="utf-8") as staff_stream:
                load_staff_side(conn, staff_stream, report)
            click.echo(f"staff side: {report.complaints} complaints, {report.plans} plans, {report.visits} visits")
    tallies.rebuild(lender_tz())  # counted again from the rows
    db.session.commit()


def configure_cli(app: Flask) -> None:
    """The benchmarks' commands (bench/), beside the operator's (``portal.cli``)."""
    app.cli.add_command(generate_data)
    app.cli.add_command(load_scale_data)
