"""``create-api-token NAME --scopes …`` (prints the token once) and ``revoke-api-token NAME``."""
from __future__ import annotations

import click

from portal.api import tokens
from portal.api.models import SCOPES
from portal.audit.services import record
from portal.extensions import db


@click.command("create-api-token")
@click.argument("name")
@click.option("--scopes", required=True, help=f"comma-separated, of: {', '.join(SCOPES)}")
def create_api_token(name: str, scopes: str) -> None:
    """Create an API token for the lender's systems and print it (once: only its hash is stored)."""
    try:
        row, token = tokens.create_token(db.session, name, scopes)
    except tokens.TokenError as exc:
        raise click.ClickException(str(exc)) from None
    record("api_token.created", "api_token", row.id, name=row.name, scopes=row.scopes)
    db.session.commit()
    click.echo(f"Created API token {row.name} with scopes {row.scopes.replace(' ', ', ')}. It is shown only now:")
    click.echo(token)


@click.command("revoke-api-token")
@click.argument("name")
def revoke_api_token(name: str) -> None:
    """Revoke an API token: requests with it answer 401 from now on."""
    row = tokens.token_named(db.session, name)
    if row is None:
        raise click.ClickException(f"no API token named {name!r}")
    if not tokens.revoke_token(db.session, row):
        click.echo(f"API token {name} was revoked already.")
        return
    record("api_token.revoked", "api_token", row.id, name=row.name)
    db.session.commit()
    click.echo(f"Revoked API token {name}.")
