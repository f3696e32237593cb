"""plans: partial index for the staff waiting queue

Revision ID: d21d04fe1573
Revises: d4e1a7c2b9f0
Create Date: 2026-11-22 23:28:56.735161
"""
from alembic import op
import sqlalchemy as sa
import portal.orm


revision = 'd21d04fe1573'
down_revision = 'd4e1a7c2b9f0'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plan_proposals', schema=None) as batch_op:
        batch_op.create_index('ix_plan_proposals_waiting', ['submitted_at', 'id'], unique=False, sqlite_where=sa.text("state IN ('submitted', 'under_review')"), postgresql_where=sa.text("state IN ('submitted', 'under_review')"))



def downgrade() -> None:
    with op.batch_alter_table('plan_proposals', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_proposals_waiting', sqlite_where=sa.text("state IN ('submitted', 'under_review')"), postgresql_where=sa.text("state IN ('submitted', 'under_review')"))

