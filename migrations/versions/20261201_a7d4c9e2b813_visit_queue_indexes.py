"""visits: indexes for the staff queue (waiting for staff, upcoming) at any number of visits

Revision ID: a7d4c9e2b813
Revises: c2d9e4a7b615
Create Date: 2026-12-01 20:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'a7d4c9e2b813'
down_revision = 'c2d9e4a7b615'
branch_labels = None
depends_on = None

SCHEDULED_SQL = "state IN ('confirmed', 'proposed', 'rescheduled')"
DISPUTED_SQL = "record_answer = 'disputed'"


def upgrade() -> None:
    op.create_index('ix_visits_state_window_end', 'visits', ['state', 'window_end'], unique=False)
    op.create_index('ix_visits_disputed', 'visits', ['id'], unique=False,
                    sqlite_where=sa.text(DISPUTED_SQL), postgresql_where=sa.text(DISPUTED_SQL))
    op.create_index('ix_visits_scheduled_start', 'visits', ['window_start', 'id'], unique=False,
                    sqlite_where=sa.text(SCHEDULED_SQL), postgresql_where=sa.text(SCHEDULED_SQL))


def downgrade() -> None:
    op.drop_index('ix_visits_scheduled_start', table_name='visits')
    op.drop_index('ix_visits_disputed', table_name='visits')
    op.drop_index('ix_visits_state_window_end', table_name='visits')
