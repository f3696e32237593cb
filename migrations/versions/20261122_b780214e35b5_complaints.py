"""complaints: complaints, evidence, messages, notes, events, extensions, counters

Revision ID: b780214e35b5
Revises: a9b2bfe629b4
Create Date: 2026-11-22 22:10:53.808817
"""
from alembic import op
import sqlalchemy as sa
import portal.orm


revision = 'b780214e35b5'
down_revision = 'a9b2bfe629b4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('complaint_counters',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.CheckConstraint('last_seq >= 0', name=op.f('ck_complaint_counters_last_seq_nonneg')),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_complaint_counters'))
    )
    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('borrower_id', sa.Integer(), nullable=True),
    sa.Column('loan_id', sa.Integer(), nullable=True),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('reporter_name', sa.String(length=100), nullable=False),
    sa.Column('reporter_relation', sa.String(length=16), nullable=True),
    sa.Column('debtor_name', sa.String(length=100), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=False),
    sa.Column('preferred_contact', sa.String(length=8), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=True),
    sa.Column('occurred_on', sa.Date(), nullable=True),
    sa.Column('occurred_time', sa.Time(), nullable=True),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('collector_name', sa.String(length=100), nullable=False),
    sa.Column('collector_badge', sa.String(length=40), nullable=False),
    sa.Column('collector_phone', sa.String(length=30), nullable=False),
    sa.Column('what_happened', sa.Text(), nullable=False),
    sa.Column('outcome_wanted', sa.Text(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('received_at', portal.orm.UTCDateTime(), nullable=False),
    sa.Column('acknowledged_at', portal.orm.UTCDateTime(), nullable=True),
    sa.Column('decided_at', portal.orm.UTCDateTime(), nullable=True),
    sa.Column('acknowledge_due', sa.Date(), nullable=False),
    sa.Column('decide_due', sa.Date(), nullable=False),
    sa.Column('extension_level', sa.Integer(), nullable=False),
    sa.Column('outcome_category', sa.String(length=32), nullable=True),
    sa.Column('outcome_explanation', sa.Text(), nullable=False),
    sa.Column('response', sa.String(length=16), nullable=True),
    sa.Column('responded_at', portal.orm.UTCDateTime(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("channel IN ('visit', 'phone', 'sms', 'app', 'other')", name=op.f('ck_complaints_channel')),
    sa.CheckConstraint("outcome_category IS NULL OR outcome_category IN ('upheld_corrected', 'upheld_staff_action', 'upheld_charges_refunded', 'partly_upheld', 'not_upheld_lawful', 'not_upheld_no_evidence', 'other')", name=op.f('ck_complaints_outcome')),
    sa.CheckConstraint("preferred_contact IN ('portal', 'phone', 'sms')", name=op.f('ck_complaints_preferred_contact')),
    sa.CheckConstraint("response IS NULL OR response IN ('accepted', 'not_satisfied')", name=op.f('ck_complaints_response')),
    sa.CheckConstraint("state IN ('received', 'acknowledged', 'investigating', 'resolved', 'not_upheld')", name=op.f('ck_complaints_state')),
    sa.CheckConstraint('borrower_id IS NOT NULL OR (reporter_relation IS NOT NULL AND secret_hash IS NOT NULL)', name=op.f('ck_complaints_complainant')),
    sa.CheckConstraint('extension_level >= 0 AND extension_level <= 2', name=op.f('ck_complaints_extension_level')),
    sa.ForeignKeyConstraint(['assignee_id'], ['staff_users.id'], name=op.f('fk_complaints_assignee_id_staff_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['borrower_id'], ['borrowers.id'], name=op.f('fk_complaints_borrower_id_borrowers'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_complaints_loan_id_loans'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_complaints_visit_id_visits'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_complaints_idempotency_key')),
    sa.UniqueConstraint('reference', name=op.f('uq_complaints_reference'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_borrower_id'), ['borrower_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_loan_id'), ['loan_id'], unique=False)
        batch_op.create_index('ix_complaints_received_at', ['received_at'], unique=False)
        batch_op.create_index('ix_complaints_state_decide_due', ['state', 'decide_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_visit_id'), ['visit_id'], unique=False)

    op.create_table('complaint_categories',
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=24), nullable=False),
    sa.CheckConstraint("category IN ('threats', 'insults', 'night_or_frequent', 'third_parties', 'disclosure', 'impersonation', 'false_statements', 'visit_conduct', 'home_entry', 'excess_demand', 'other')", name=op.f('ck_complaint_categories_category')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_categories_complaint_id_complaints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('complaint_id', 'category', name=op.f('pk_complaint_categories'))
    )
    with op.batch_alter_table('complaint_categories', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_categories_category', ['category', 'complaint_id'], unique=False)

    op.create_table('complaint_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('at', portal.orm.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_events_complaint_id_complaints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_events'))
    )
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_events_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('complaint_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('mime', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('added_by', sa.String(length=12), nullable=False),
    sa.Column('at', portal.orm.UTCDateTime(), nullable=False),
    sa.CheckConstraint("added_by IN ('complainant', 'staff')", name=op.f('ck_complaint_evidence_added_by')),
    sa.CheckConstraint('size > 0', name=op.f('ck_complaint_evidence_size_positive')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_evidence_complaint_id_complaints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_evidence')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_complaint_evidence_stored_name'))
    )
    with op.batch_alter_table('complaint_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_evidence_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('complaint_extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('new_due', sa.Date(), nullable=False),
    sa.Column('at', portal.orm.UTCDateTime(), nullable=False),
    sa.CheckConstraint('level IN (1, 2)', name=op.f('ck_complaint_extensions_level')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_extensions_complaint_id_complaints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_complaint_extensions_staff_id_staff_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_extensions')),
    sa.UniqueConstraint('complaint_id', 'level', name=op.f('uq_complaint_extensions_complaint_id'))
    )
    op.create_table('complaint_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('author_kind', sa.String(length=12), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('at', portal.orm.UTCDateTime(), nullable=False),
    sa.CheckConstraint("author_kind IN ('complainant', 'staff')", name=op.f('ck_complaint_messages_author_kind')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_messages_complaint_id_complaints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_complaint_messages_staff_id_staff_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_messages'))
    )
    with op.batch_alter_table('complaint_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_messages_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('complaint_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('at', portal.orm.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_notes_complaint_id_complaints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_complaint_notes_staff_id_staff_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_notes'))
    )
    with op.batch_alter_table('complaint_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_notes_complaint_id'), ['complaint_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('complaint_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_notes_complaint_id'))

    op.drop_table('complaint_notes')
    with op.batch_alter_table('complaint_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_messages_complaint_id'))

    op.drop_table('complaint_messages')
    op.drop_table('complaint_extensions')
    with op.batch_alter_table('complaint_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_evidence_complaint_id'))

    op.drop_table('complaint_evidence')
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_events_complaint_id'))

    op.drop_table('complaint_events')
    with op.batch_alter_table('complaint_categories', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_categories_category')

    op.drop_table('complaint_categories')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaints_visit_id'))
        batch_op.drop_index('ix_complaints_state_decide_due')
        batch_op.drop_index('ix_complaints_received_at')
        batch_op.drop_index(batch_op.f('ix_complaints_loan_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_borrower_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_assignee_id'))

    op.drop_table('complaints')
    op.drop_table('complaint_counters')
