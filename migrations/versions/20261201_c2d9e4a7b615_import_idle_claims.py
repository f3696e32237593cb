"""imports: claims in a row that imported no batch (an import whose worker dies every time is stopped)

Revision ID: c2d9e4a7b615
Revises: 4bb59c59e3e5
Create Date: 2026-12-01 15:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'c2d9e4a7b615'
down_revision = '4bb59c59e3e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idle_claims', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.drop_column('idle_claims')
