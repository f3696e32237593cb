"""contacts: the collection contact log, and the contacts a complaint is about

Revision ID: c4d7e2a1b9f6
Revises: f6b2d1e8c4a3
Create Date: 2026-12-01 11:45:00
"""
from alembic import op
import sqlalchemy as sa
import portal.orm

revision = 'c4d7e2a1b9f6'
down_revision = 'f6b2d1e8c4a3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'contacts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contact_ref', sa.String(length=64), nullable=False),
        sa.Column('loan_id', sa.Integer(), nullable=False),
        sa.Column('at', portal.orm.UTCDateTime(), nullable=False),
        sa.Column('channel', sa.String(length=8), nullable=False),
        sa.Column('answered', sa.Boolean(), nullable=True),
        sa.Column('duration_s', sa.Integer(), nullable=True),
        sa.Column('to_number', sa.String(length=20), nullable=False),
        sa.Column('to_party', sa.String(length=12), nullable=False),
        sa.Column('from_number', sa.String(length=20), nullable=False),
        sa.Column('agent', sa.String(length=100), nullable=False),
        sa.Column('agency_code', sa.String(length=32), nullable=False),
        sa.Column('summary', sa.String(length=200), nullable=False),
        sa.Column('collectors_count', sa.Integer(), nullable=True),
        sa.Column('source_digest', sa.String(length=64), nullable=False),
        sa.Column('imported_at', portal.orm.UTCDateTime(), nullable=False),
        sa.CheckConstraint("channel IN ('call', 'sms', 'visit', 'app', 'letter')", name=op.f('ck_contacts_channel')),
        sa.CheckConstraint("to_party IN ('borrower', 'guarantor', 'family', 'employer', 'other')",
                           name=op.f('ck_contacts_to_party')),
        sa.CheckConstraint('duration_s IS NULL OR duration_s >= 0', name=op.f('ck_contacts_duration_nonneg')),
        sa.CheckConstraint('collectors_count IS NULL OR collectors_count >= 0',
                           name=op.f('ck_contacts_collectors_nonneg')),
        sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_contacts_loan_id_loans'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts')),
        sa.UniqueConstraint('contact_ref', name=op.f('uq_contacts_contact_ref')),
    )
    op.create_index('ix_contacts_loan_at', 'contacts', ['loan_id', 'at', 'id'], unique=False)
    op.create_table(
        'complaint_contacts',
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'],
                                name=op.f('fk_complaint_contacts_complaint_id_complaints'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'],
                                name=op.f('fk_complaint_contacts_contact_id_contacts'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('complaint_id', 'contact_id', name=op.f('pk_complaint_contacts')),
    )
    op.create_index(op.f('ix_complaint_contacts_contact_id'), 'complaint_contacts', ['contact_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_complaint_contacts_contact_id'), table_name='complaint_contacts')
    op.drop_table('complaint_contacts')
    op.drop_index('ix_contacts_loan_at', table_name='contacts')
    op.drop_table('contacts')
