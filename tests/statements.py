"""Count the SQL statements a block runs (for "at most N statements whatever the number of rows" tests)."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from portal.extensions import db


@contextmanager
def count_statements(app):
    """Yields the list of statements run inside the block (BEGIN and COMMIT included as the driver sees them)."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def statements_of(app, client, path: str) -> list[str]:
    """The statements one GET of ``path`` runs (the answer must be a 200)."""
    with count_statements(app) as statements:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
    return statements
