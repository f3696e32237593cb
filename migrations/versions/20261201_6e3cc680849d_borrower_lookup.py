"""borrowers: search keys for the staff lookup (name in either script, last 4 of the ID number), backfilled

Revision ID: 6e3cc680849d
Revises: a7c4e9f1b2d5
Create Date: 2026-12-01 10:10:00
"""
from alembic import op
import sqlalchemy as sa

from portal.accounts import rules

revision = '6e3cc680849d'
down_revision = 'a7c4e9f1b2d5'
branch_labels = None
depends_on = None

BATCH = 5000
NAME_KEY = sa.String(100).with_variant(sa.String(100, collation="C"), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table('borrowers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', NAME_KEY, nullable=False, server_default=''))
        batch_op.add_column(sa.Column('id_tail', sa.String(length=4), nullable=False, server_default=''))
    _backfill()
    with op.batch_alter_table('borrowers', schema=None) as batch_op:
        batch_op.alter_column('name_key', server_default=None)
        batch_op.alter_column('id_tail', server_default=None)
        batch_op.create_index('ix_borrowers_name_key', ['name_key', 'id'], unique=False)
        batch_op.create_index('ix_borrowers_id_tail', ['id_tail', 'name_key', 'id'], unique=False)


def _backfill() -> None:
    """Compute the keys in Python (OpenCC folds the script), a batch of rows at a time in id order."""
    conn = op.get_bind()
    borrowers = sa.table('borrowers', sa.column('id', sa.Integer), sa.column('name', sa.String),
                         sa.column('id_number', sa.String), sa.column('name_key', sa.String),
                         sa.column('id_tail', sa.String))
    update = (borrowers.update().where(borrowers.c.id == sa.bindparam('b_id'))
              .values(name_key=sa.bindparam('b_name_key'), id_tail=sa.bindparam('b_id_tail')))
    last = 0
    while True:
        rows = conn.execute(sa.select(borrowers.c.id, borrowers.c.name, borrowers.c.id_number)
                            .where(borrowers.c.id > last).order_by(borrowers.c.id).limit(BATCH)).all()
        if not rows:
            break
        conn.execute(update, [{'b_id': r.id, 'b_name_key': rules.name_key(r.name),
                               'b_id_tail': rules.id_tail(r.id_number)} for r in rows])
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table('borrowers', schema=None) as batch_op:
        batch_op.drop_index('ix_borrowers_id_tail')
        batch_op.drop_index('ix_borrowers_name_key')
        batch_op.drop_column('id_tail')
        batch_op.drop_column('name_key')
