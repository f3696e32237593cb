"""agencies: the published list (the lender and its collection agencies, their numbers); a visitor's agency

Revision ID: fd1934a0a062
Revises: c7e4a91d2b58
Create Date: 2026-12-01 13:18:02
"""
from alembic import op
import sqlalchemy as sa
import portal.orm


revision = 'fd1934a0a062'
down_revision = 'c7e4a91d2b58'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_hant', sa.String(length=100), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.orm.UTCDateTime(), nullable=False),
    sa.Column('updated_at', portal.orm.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('lender', 'agency')", name=op.f('ck_agencies_kind')),
    sa.CheckConstraint('until IS NULL OR until >= since', name=op.f('ck_agencies_dates_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
    sa.UniqueConstraint('code', name=op.f('uq_agencies_code')),
    sa.UniqueConstraint('uscc', name=op.f('uq_agencies_uscc'))
    )
    op.create_table('agency_numbers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_agency_numbers_agency_id_agencies'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_numbers')),
    sa.UniqueConstraint('agency_id', 'number', name='agency_number')
    )
    with op.batch_alter_table('agency_numbers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_numbers_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agency_numbers_number'), ['number'], unique=False)

    with op.batch_alter_table('visitors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agency_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_visitors_agency_id'), ['agency_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_visitors_agency_id_agencies'), 'agencies', ['agency_id'], ['id'],
                                    ondelete='RESTRICT')



def downgrade() -> None:
    with op.batch_alter_table('visitors', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_visitors_agency_id_agencies'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_visitors_agency_id'))
        batch_op.drop_column('agency_id')

    with op.batch_alter_table('agency_numbers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_numbers_number'))
        batch_op.drop_index(batch_op.f('ix_agency_numbers_agency_id'))

    op.drop_table('agency_numbers')
    op.drop_table('agencies')
