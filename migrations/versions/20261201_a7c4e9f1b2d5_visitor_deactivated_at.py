"""visits: when a visitor left the roster (the retention clock of their photo)

Revision ID: a7c4e9f1b2d5
Revises: f3b8d2a4c6e1
Create Date: 2026-12-01 10:50:00
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa
import portal.orm


revision = 'a7c4e9f1b2d5'
down_revision = 'f3b8d2a4c6e1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('visitors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', portal.orm.UTCDateTime(), nullable=True))
    # Visitors already off the roster start their clock now (the day they left is not known).
    now = datetime.now(timezone.utc).replace(tzinfo=None)  # stored as naive UTC, as UTCDateTime does
    op.execute(sa.text("UPDATE visitors SET deactivated_at = :now WHERE NOT active").bindparams(now=now))


def downgrade() -> None:
    with op.batch_alter_table('visitors', schema=None) as batch_op:
        batch_op.drop_column('deactivated_at')
