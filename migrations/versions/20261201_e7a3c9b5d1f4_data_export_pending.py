"""privacy: a data download is pending until the worker has built it (ready_at; no file name yet)

Revision ID: e7a3c9b5d1f4
Revises: d2f8a4c6e0b3
Create Date: 2026-12-01 12:05:00
"""
from alembic import op
import sqlalchemy as sa
import portal.orm


revision = 'e7a3c9b5d1f4'
down_revision = 'd2f8a4c6e0b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('data_exports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ready_at', portal.orm.UTCDateTime(), nullable=True))
        batch_op.alter_column('stored_name', existing_type=sa.String(length=32), nullable=True)
    op.execute("UPDATE data_exports SET ready_at = created_at")  # the ones built in the request are ready


def downgrade() -> None:
    op.execute("DELETE FROM data_exports WHERE stored_name IS NULL")  # pending ones cannot be kept without a file
    with op.batch_alter_table('data_exports', schema=None) as batch_op:
        batch_op.alter_column('stored_name', existing_type=sa.String(length=32), nullable=False)
        batch_op.drop_column('ready_at')
