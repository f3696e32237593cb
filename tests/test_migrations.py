"""Alembic owns the schema: head matches the models; every revision upgrades and downgrades (SecureDrop style)."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from portal import migrate
from portal.models import metadata


def _revisions():
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    return list(reversed(list(script.walk_revisions())))


def test_there_is_one_head():
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


# SQLite's reflection leaves out an index on an expression (ix_loans_loan_ref_folded) and says so; Alembic then
# leaves it out of the comparison there. PostgreSQL reflects and compares it.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index:UserWarning")
def test_head_matches_the_models(empty_database_url):
    migrate.upgrade(empty_database_url)
    engine = create_engine(empty_database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
        indexes = (set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'").scalars())
                   if conn.dialect.name == "sqlite" else None)
    engine.dispose()
    assert diff == []
    if indexes is not None:  # the one the comparison left out is there all the same
        assert "ix_loans_loan_ref_folded" in indexes


def test_every_revision_upgrades_and_downgrades(empty_database_url):
    engine = create_engine(empty_database_url)
    for rev in _revisions():
        migrate.upgrade(empty_database_url, rev.revision)
        migrate.downgrade(empty_database_url, rev.down_revision or "base")
        migrate.upgrade(empty_database_url, rev.revision)
    migrate.downgrade(empty_database_url, "base")
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    assert tables == set()


def test_file_names_are_date_prefixed():
    import os

    for name in os.listdir(migrate.MIGRATIONS_DIR + "/versions"):
        if name.endswith(".py"):
            assert name[:8].isdigit() and name[8] == "_", name
