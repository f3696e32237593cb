"""plans: proposals, lines, proofs

Revision ID: c8c86d3fd892
Revises: b780214e35b5
Create Date: 2026-11-22 22:13:25.151826
"""
from alembic import op
import sqlalchemy as sa
import portal.orm


revision = 'c8c86d3fd892'
down_revision = 'b780214e35b5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plan_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('borrower_id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('draft_json', sa.Text(), nullable=False),
    sa.Column('draft_token', sa.String(length=64), nullable=True),
    sa.Column('created_at', portal.orm.UTCDateTime(), nullable=False),
    sa.Column('updated_at', portal.orm.UTCDateTime(), nullable=False),
    sa.Column('submitted_at', portal.orm.UTCDateTime(), nullable=True),
    sa.Column('decided_at', portal.orm.UTCDateTime(), nullable=True),
    sa.Column('closed_at', portal.orm.UTCDateTime(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=True),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('deferral_days', sa.Integer(), nullable=False),
    sa.Column('owed_principal_fen', sa.Integer(), nullable=True),
    sa.Column('owed_interest_fen', sa.Integer(), nullable=True),
    sa.Column('owed_penalty_fen', sa.Integer(), nullable=True),
    sa.Column('owed_fee_fen', sa.Integer(), nullable=True),
    sa.Column('owed_later_fen', sa.Integer(), nullable=True),
    sa.Column('income_fen', sa.Integer(), nullable=True),
    sa.Column('housing_fen', sa.Integer(), nullable=True),
    sa.Column('food_fen', sa.Integer(), nullable=True),
    sa.Column('utilities_fen', sa.Integer(), nullable=True),
    sa.Column('transport_fen', sa.Integer(), nullable=True),
    sa.Column('medical_fen', sa.Integer(), nullable=True),
    sa.Column('education_fen', sa.Integer(), nullable=True),
    sa.Column('dependants_fen', sa.Integer(), nullable=True),
    sa.Column('other_debts_fen', sa.Integer(), nullable=True),
    sa.Column('dependants', sa.Integer(), nullable=False),
    sa.Column('hardship_reason', sa.String(length=24), nullable=True),
    sa.Column('hardship_detail', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decline_reason', sa.String(length=32), nullable=True),
    sa.Column('answer_note', sa.Text(), nullable=False),
    sa.Column('counter_kind', sa.String(length=24), nullable=True),
    sa.Column('counter_months', sa.Integer(), nullable=False),
    sa.Column('counter_deferral_days', sa.Integer(), nullable=False),
    sa.Column('counter_start_date', sa.Date(), nullable=True),
    sa.CheckConstraint("counter_kind IS NULL OR counter_kind IN ('instalments', 'deferral', 'waiver', 'instalments_waiver')", name=op.f('ck_plan_proposals_counter_kind')),
    sa.CheckConstraint("decline_reason IS NULL OR decline_reason IN ('budget_does_not_support', 'missing_information', 'outside_policy', 'previous_plan_broken', 'other')", name=op.f('ck_plan_proposals_decline_reason')),
    sa.CheckConstraint("hardship_reason IS NULL OR hardship_reason IN ('job_loss', 'illness', 'business_failure', 'family_emergency', 'other')", name=op.f('ck_plan_proposals_hardship_reason')),
    sa.CheckConstraint("kind IS NULL OR kind IN ('instalments', 'deferral', 'waiver', 'instalments_waiver')", name=op.f('ck_plan_proposals_kind')),
    sa.CheckConstraint("state <> 'declined' OR decline_reason IS NOT NULL", name=op.f('ck_plan_proposals_declined_has_reason')),
    sa.CheckConstraint("state = 'draft' OR (kind IS NOT NULL AND income_fen IS NOT NULL AND submitted_at IS NOT NULL)", name=op.f('ck_plan_proposals_sent_is_complete')),
    sa.CheckConstraint("state IN ('draft', 'submitted', 'under_review', 'approved', 'declined', 'countered', 'accepted', 'withdrawn')", name=op.f('ck_plan_proposals_state')),
    sa.CheckConstraint('(income_fen IS NULL OR income_fen >= 0) AND (housing_fen IS NULL OR housing_fen >= 0) AND (food_fen IS NULL OR food_fen >= 0) AND (utilities_fen IS NULL OR utilities_fen >= 0) AND (transport_fen IS NULL OR transport_fen >= 0) AND (medical_fen IS NULL OR medical_fen >= 0) AND (education_fen IS NULL OR education_fen >= 0) AND (dependants_fen IS NULL OR dependants_fen >= 0) AND (other_debts_fen IS NULL OR other_debts_fen >= 0) AND (owed_principal_fen IS NULL OR owed_principal_fen >= 0) AND (owed_interest_fen IS NULL OR owed_interest_fen >= 0) AND (owed_penalty_fen IS NULL OR owed_penalty_fen >= 0) AND (owed_fee_fen IS NULL OR owed_fee_fen >= 0) AND (owed_later_fen IS NULL OR owed_later_fen >= 0)', name=op.f('ck_plan_proposals_amounts_nonneg')),
    sa.CheckConstraint('months >= 0 AND deferral_days >= 0 AND counter_months >= 0 AND counter_deferral_days >= 0 AND dependants >= 0', name=op.f('ck_plan_proposals_terms_nonneg')),
    sa.ForeignKeyConstraint(['borrower_id'], ['borrowers.id'], name=op.f('fk_plan_proposals_borrower_id_borrowers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_users.id'], name=op.f('fk_plan_proposals_decided_by_id_staff_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_plan_proposals_loan_id_loans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_proposals'))
    )
    with op.batch_alter_table('plan_proposals', schema=None) as batch_op:
        batch_op.create_index('ix_plan_proposals_borrower_created', ['borrower_id', 'created_at'], unique=False)
        batch_op.create_index('ix_plan_proposals_loan_state', ['loan_id', 'state'], unique=False)
        batch_op.create_index('ix_plan_proposals_state_submitted', ['state', 'submitted_at'], unique=False)
        batch_op.create_index('uq_plan_proposals_draft', ['borrower_id', 'loan_id'], unique=True, sqlite_where=sa.text("state = 'draft'"), postgresql_where=sa.text("state = 'draft'"))
        batch_op.create_index('uq_plan_proposals_open_loan', ['loan_id'], unique=True, sqlite_where=sa.text("state IN ('submitted', 'under_review', 'countered')"), postgresql_where=sa.text("state IN ('submitted', 'under_review', 'countered')"))

    op.create_table('plan_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('which', sa.String(length=10), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.CheckConstraint("which IN ('proposed', 'counter')", name=op.f('ck_plan_lines_which')),
    sa.CheckConstraint('amount_fen >= 0', name=op.f('ck_plan_lines_amount_nonneg')),
    sa.CheckConstraint('seq >= 1', name=op.f('ck_plan_lines_seq_positive')),
    sa.ForeignKeyConstraint(['proposal_id'], ['plan_proposals.id'], name=op.f('fk_plan_lines_proposal_id_plan_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_lines')),
    sa.UniqueConstraint('proposal_id', 'which', 'seq', name=op.f('uq_plan_lines_proposal_id'))
    )
    op.create_table('plan_proofs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=32), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('mime', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.orm.UTCDateTime(), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_plan_proofs_size_positive')),
    sa.ForeignKeyConstraint(['proposal_id'], ['plan_proposals.id'], name=op.f('fk_plan_proofs_proposal_id_plan_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_proofs')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_plan_proofs_stored_name'))
    )
    with op.batch_alter_table('plan_proofs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_proofs_proposal_id'), ['proposal_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('plan_proofs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_proofs_proposal_id'))

    op.drop_table('plan_proofs')
    op.drop_table('plan_lines')
    with op.batch_alter_table('plan_proposals', schema=None) as batch_op:
        batch_op.drop_index('uq_plan_proposals_open_loan', sqlite_where=sa.text("state IN ('submitted', 'under_review', 'countered')"), postgresql_where=sa.text("state IN ('submitted', 'under_review', 'countered')"))
        batch_op.drop_index('uq_plan_proposals_draft', sqlite_where=sa.text("state = 'draft'"), postgresql_where=sa.text("state = 'draft'"))
        batch_op.drop_index('ix_plan_proposals_state_submitted')
        batch_op.drop_index('ix_plan_proposals_loan_state')
        batch_op.drop_index('ix_plan_proposals_borrower_created')

    op.drop_table('plan_proposals')
