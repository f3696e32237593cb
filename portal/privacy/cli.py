"""``flask --app portal retention [--dry-run]``: delete (or list) what the retention rules say is due."""
from __future__ import annotations

import click

from portal.privacy import retention


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted; change nothing.")
def retention_cmd(dry_run: bool) -> None:
    """Delete personal data past its retention period (counts go to the audit log)."""
    if dry_run:
        for rule, count in retention.due():
            click.echo(f"{rule.name}: {count} would be deleted ({rule.description})")
        return
    for name, count in retention.run().items():
        click.echo(f"{name}: {count} deleted")
