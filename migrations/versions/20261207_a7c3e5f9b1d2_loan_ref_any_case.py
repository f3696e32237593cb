"""loans: an index of each loan reference in small letters, so staff find one whatever case it was stored in

Revision ID: a7c3e5f9b1d2
Revises: c5a9e3d7f142
Create Date: 2026-12-07 04:00:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = 'a7c3e5f9b1d2'
down_revision = 'c5a9e3d7f142'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_loans_loan_ref_folded', 'loans', [sa.text('lower(loan_ref)')], unique=False)


def downgrade() -> None:
    op.drop_index('ix_loans_loan_ref_folded', table_name='loans')
