"""report tallies: the supervisor reports' figures per lender day (complaints, plans, visits), kept by every
change in its own transaction (portal.tallies)

The tallies are derived from the rows and counted in the lender's days, a setting this migration does not know:
it creates them empty and not built (report_tally_state.zone NULL). Until the worker builds them (within a
minute of starting; ``flask tallies rebuild`` by hand) the reports count the rows, as before.

Revision ID: c5a9e3d7f142
Revises: b3e8f1c6d925
Create Date: 2026-12-01 22:00:00
"""
from alembic import op
import sqlalchemy as sa

from portal.orm import UTCDateTime


revision = 'c5a9e3d7f142'
down_revision = 'b3e8f1c6d925'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_tallies',
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'day', 'key', name=op.f('pk_report_tallies')),
    )
    state = op.create_table(
        'report_tally_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('zone', sa.String(length=64), nullable=True),
        sa.Column('built_at', UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_tally_state')),
    )
    op.bulk_insert(state, [{'id': 1, 'zone': None, 'built_at': None}])


def downgrade() -> None:
    op.drop_table('report_tally_state')
    op.drop_table('report_tallies')
