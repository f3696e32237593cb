"""complaints: stored queue_due (the staff queue's sort key) with its indexes

Revision ID: d4e1a7c2b9f0
Revises: c8c86d3fd892
Create Date: 2026-11-22 22:50:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'd4e1a7c2b9f0'
down_revision = 'c8c86d3fd892'
branch_labels = None
depends_on = None

QUEUE_DUE = "CASE WHEN state = 'received' THEN acknowledge_due ELSE decide_due END"
OPEN = "state IN ('received', 'acknowledged', 'investigating')"


def upgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queue_due', sa.Date(), nullable=True))
    # Data step: existing complaints get the deadline they work towards.
    op.execute(f"UPDATE complaints SET queue_due = {QUEUE_DUE}")
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.alter_column('queue_due', existing_type=sa.Date(), nullable=False)
        batch_op.create_check_constraint(op.f('ck_complaints_queue_due'), f"queue_due = {QUEUE_DUE}")
        batch_op.create_index('ix_complaints_queue', ['queue_due', 'id'], unique=False)
        batch_op.create_index('ix_complaints_state_queue', ['state', 'queue_due', 'id'], unique=False)
        batch_op.create_index('ix_complaints_open_queue', ['queue_due', 'id'], unique=False,
                              sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))


def downgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_open_queue', sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
        batch_op.drop_index('ix_complaints_state_queue')
        batch_op.drop_index('ix_complaints_queue')
        batch_op.drop_constraint(op.f('ck_complaints_queue_due'), type_='check')
        batch_op.drop_column('queue_due')
