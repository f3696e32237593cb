"""Alembic environment: the URL comes from the portal's configuration (PORTAL_DATABASE_URL)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from portal.models import metadata

config = context.config
url = config.get_main_option("sqlalchemy.url")
# Tooling may pass a narrower metadata (to write one domain's revision at a time); normally it is all models.
metadata = config.attributes.get("target_metadata", metadata)


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
