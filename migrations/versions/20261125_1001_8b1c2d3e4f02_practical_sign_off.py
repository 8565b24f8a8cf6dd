"""practical_sign_off

Revision ID: 8b1c2d3e4f02
Revises: 5a0e1f7c0a01
Create Date: 2026-11-25 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import lms_ext.core.db


# revision identifiers, used by Alembic.
revision = '8b1c2d3e4f02'
down_revision = '5a0e1f7c0a01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('practical_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('suggested_by_learner', sa.Boolean(), nullable=False),
    sa.Column('created_at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.Column('approved_at', lms_ext.core.db.UTCDateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(approved_at IS NULL) = (approved_by_id IS NULL)', name=op.f('ck_practical_assignments_approval_complete')),
    sa.CheckConstraint('mentor_id <> learner_id', name=op.f('ck_practical_assignments_mentor_is_not_learner')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['accounts_users.id'], name=op.f('fk_practical_assignments_approved_by_id_accounts_users')),
    sa.ForeignKeyConstraint(['course_id'], ['accounts_courses.id'], name=op.f('fk_practical_assignments_course_id_accounts_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['learner_id'], ['accounts_users.id'], name=op.f('fk_practical_assignments_learner_id_accounts_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['accounts_users.id'], name=op.f('fk_practical_assignments_mentor_id_accounts_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practical_assignments')),
    sa.UniqueConstraint('course_id', 'mentor_id', 'learner_id', name='uq_practical_assignments_pair')
    )
    with op.batch_alter_table('practical_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practical_assignments_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practical_assignments_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practical_assignments_mentor_id'), ['mentor_id'], unique=False)
    op.create_table('practical_code_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['accounts_users.id'], name=op.f('fk_practical_code_failures_user_id_accounts_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practical_code_failures'))
    )
    with op.batch_alter_table('practical_code_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practical_code_failures_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_practical_code_failures_user_id'), ['user_id'], unique=False)
    op.create_table('practical_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.Column('expires_at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.Column('used_at', lms_ext.core.db.UTCDateTime(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', lms_ext.core.db.UTCDateTime(), nullable=True),
    sa.CheckConstraint('(used_at IS NULL) = (user_id IS NULL)', name=op.f('ck_practical_invitations_use_complete')),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_practical_invitations_expires_after_creation')),
    sa.ForeignKeyConstraint(['course_id'], ['accounts_courses.id'], name=op.f('fk_practical_invitations_course_id_accounts_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['accounts_users.id'], name=op.f('fk_practical_invitations_created_by_id_accounts_users')),
    sa.ForeignKeyConstraint(['user_id'], ['accounts_users.id'], name=op.f('fk_practical_invitations_user_id_accounts_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practical_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_practical_invitations_token_hash'))
    )
    with op.batch_alter_table('practical_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practical_invitations_course_id'), ['course_id'], unique=False)
    op.create_table('practical_mentoring_policies',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('all_mentors_assigned', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['accounts_courses.id'], name=op.f('fk_practical_mentoring_policies_course_id_accounts_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', name=op.f('pk_practical_mentoring_policies'))
    )
    op.create_table('practical_checklists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('min_other_met', sa.Integer(), nullable=False),
    sa.CheckConstraint('min_other_met >= 0', name=op.f('ck_practical_checklists_min_other_not_negative')),
    sa.ForeignKeyConstraint(['step_id'], ['content_steps.id'], name=op.f('fk_practical_checklists_step_id_content_steps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practical_checklists')),
    sa.UniqueConstraint('step_id', name=op.f('uq_practical_checklists_step_id'))
    )
    op.create_table('practical_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checklist_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=False),
    sa.Column('critical', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['checklist_id'], ['practical_checklists.id'], name=op.f('fk_practical_criteria_checklist_id_practical_checklists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practical_criteria')),
    sa.UniqueConstraint('checklist_id', 'position', name='uq_practical_criteria_position')
    )
    with op.batch_alter_table('practical_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practical_criteria_checklist_id'), ['checklist_id'], unique=False)
    op.create_table('practical_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checklist_id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('waiting', 'claimed', 'signed', 'sealed', 'cancelled', name='session_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('nonce', sa.String(length=43), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=True),
    sa.Column('code_expires_at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.Column('match_code', sa.String(length=8), nullable=True),
    sa.Column('claimed_by', sa.String(length=10), nullable=True),
    sa.Column('mentor_id', sa.Integer(), nullable=True),
    sa.Column('learner_ip', sa.String(length=45), nullable=False),
    sa.Column('learner_agent', sa.String(length=512), nullable=False),
    sa.Column('mentor_ip', sa.String(length=45), nullable=False),
    sa.Column('mentor_agent', sa.String(length=512), nullable=False),
    sa.Column('created_at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.Column('claimed_at', lms_ext.core.db.UTCDateTime(), nullable=True),
    sa.CheckConstraint("(state = 'waiting') = (mentor_id IS NULL)", name=op.f('ck_practical_sessions_mentor_once_claimed')),
    sa.CheckConstraint('mentor_id IS NULL OR mentor_id <> learner_id', name=op.f('ck_practical_sessions_not_self')),
    sa.ForeignKeyConstraint(['checklist_id'], ['practical_checklists.id'], name=op.f('fk_practical_sessions_checklist_id_practical_checklists')),
    sa.ForeignKeyConstraint(['course_id'], ['accounts_courses.id'], name=op.f('fk_practical_sessions_course_id_accounts_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['learner_id'], ['accounts_users.id'], name=op.f('fk_practical_sessions_learner_id_accounts_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['accounts_users.id'], name=op.f('fk_practical_sessions_mentor_id_accounts_users')),
    sa.ForeignKeyConstraint(['version_id'], ['content_module_versions.id'], name=op.f('fk_practical_sessions_version_id_content_module_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practical_sessions')),
    sa.UniqueConstraint('nonce', name=op.f('uq_practical_sessions_nonce'))
    )
    with op.batch_alter_table('practical_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practical_sessions_checklist_id'), ['checklist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practical_sessions_code_hash'), ['code_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_practical_sessions_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practical_sessions_learner_id'), ['learner_id'], unique=False)
    op.create_table('practical_criterion_outcomes',
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['practical_criteria.id'], name=op.f('fk_practical_criterion_outcomes_criterion_id_practical_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outcome_id'], ['content_learning_outcomes.id'], name=op.f('fk_practical_criterion_outcomes_outcome_id_content_learning_outcomes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('criterion_id', 'outcome_id', name=op.f('pk_practical_criterion_outcomes'))
    )
    op.create_table('practical_signoffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('checklist_id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('signature_name', sa.String(length=255), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('photo_sha256', sa.String(length=64), nullable=True),
    sa.Column('photo_type', sa.String(length=40), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.Column('sealed_at', lms_ext.core.db.UTCDateTime(), nullable=True),
    sa.Column('seal_hash', sa.String(length=64), nullable=True),
    sa.Column('voided_at', lms_ext.core.db.UTCDateTime(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('(voided_at IS NULL) = (void_reason IS NULL)', name=op.f('ck_practical_signoffs_void_has_reason')),
    sa.CheckConstraint('mentor_id <> learner_id', name=op.f('ck_practical_signoffs_not_self')),
    sa.CheckConstraint('sealed_at IS NULL OR sealed_at >= signed_at', name=op.f('ck_practical_signoffs_sealed_after_signed')),
    sa.CheckConstraint('voided_at IS NULL OR sealed_at IS NOT NULL', name=op.f('ck_practical_signoffs_only_sealed_voided')),
    sa.ForeignKeyConstraint(['checklist_id'], ['practical_checklists.id'], name=op.f('fk_practical_signoffs_checklist_id_practical_checklists')),
    sa.ForeignKeyConstraint(['corrects_id'], ['practical_signoffs.id'], name=op.f('fk_practical_signoffs_corrects_id_practical_signoffs')),
    sa.ForeignKeyConstraint(['course_id'], ['accounts_courses.id'], name=op.f('fk_practical_signoffs_course_id_accounts_courses')),
    sa.ForeignKeyConstraint(['learner_id'], ['accounts_users.id'], name=op.f('fk_practical_signoffs_learner_id_accounts_users')),
    sa.ForeignKeyConstraint(['mentor_id'], ['accounts_users.id'], name=op.f('fk_practical_signoffs_mentor_id_accounts_users')),
    sa.ForeignKeyConstraint(['session_id'], ['practical_sessions.id'], name=op.f('fk_practical_signoffs_session_id_practical_sessions')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['accounts_users.id'], name=op.f('fk_practical_signoffs_voided_by_id_accounts_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practical_signoffs')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_practical_signoffs_idempotency_key')),
    sa.UniqueConstraint('session_id', name=op.f('uq_practical_signoffs_session_id'))
    )
    with op.batch_alter_table('practical_signoffs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practical_signoffs_checklist_id'), ['checklist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practical_signoffs_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practical_signoffs_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practical_signoffs_mentor_id'), ['mentor_id'], unique=False)
    op.create_table('practical_audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('signoff_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['signoff_id'], ['practical_signoffs.id'], name=op.f('fk_practical_audit_log_signoff_id_practical_signoffs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practical_audit_log')),
    sa.UniqueConstraint('hash', name=op.f('uq_practical_audit_log_hash')),
    sa.UniqueConstraint('prev_hash', name=op.f('uq_practical_audit_log_prev_hash'))
    )
    with op.batch_alter_table('practical_audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practical_audit_log_signoff_id'), ['signoff_id'], unique=False)
    op.create_table('practical_criterion_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signoff_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('met', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['practical_criteria.id'], name=op.f('fk_practical_criterion_results_criterion_id_practical_criteria')),
    sa.ForeignKeyConstraint(['signoff_id'], ['practical_signoffs.id'], name=op.f('fk_practical_criterion_results_signoff_id_practical_signoffs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practical_criterion_results')),
    sa.UniqueConstraint('signoff_id', 'criterion_id', name='uq_practical_criterion_results_pair')
    )
    with op.batch_alter_table('practical_criterion_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practical_criterion_results_signoff_id'), ['signoff_id'], unique=False)
    op.create_table('practical_outcome_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signoff_id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 4', name=op.f('ck_practical_outcome_ratings_level_range')),
    sa.ForeignKeyConstraint(['outcome_id'], ['content_learning_outcomes.id'], name=op.f('fk_practical_outcome_ratings_outcome_id_content_learning_outcomes')),
    sa.ForeignKeyConstraint(['signoff_id'], ['practical_signoffs.id'], name=op.f('fk_practical_outcome_ratings_signoff_id_practical_signoffs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practical_outcome_ratings')),
    sa.UniqueConstraint('signoff_id', 'outcome_id', name='uq_practical_outcome_ratings_pair')
    )
    with op.batch_alter_table('practical_outcome_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practical_outcome_ratings_signoff_id'), ['signoff_id'], unique=False)


def downgrade():
    with op.batch_alter_table('practical_outcome_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practical_outcome_ratings_signoff_id'))
    op.drop_table('practical_outcome_ratings')
    with op.batch_alter_table('practical_criterion_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practical_criterion_results_signoff_id'))
    op.drop_table('practical_criterion_results')
    with op.batch_alter_table('practical_audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practical_audit_log_signoff_id'))
    op.drop_table('practical_audit_log')
    with op.batch_alter_table('practical_signoffs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practical_signoffs_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_practical_signoffs_learner_id'))
        batch_op.drop_index(batch_op.f('ix_practical_signoffs_course_id'))
        batch_op.drop_index(batch_op.f('ix_practical_signoffs_checklist_id'))
    op.drop_table('practical_signoffs')
    op.drop_table('practical_criterion_outcomes')
    with op.batch_alter_table('practical_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practical_sessions_learner_id'))
        batch_op.drop_index(batch_op.f('ix_practical_sessions_course_id'))
        batch_op.drop_index(batch_op.f('ix_practical_sessions_code_hash'))
        batch_op.drop_index(batch_op.f('ix_practical_sessions_checklist_id'))
    op.drop_table('practical_sessions')
    with op.batch_alter_table('practical_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practical_criteria_checklist_id'))
    op.drop_table('practical_criteria')
    op.drop_table('practical_checklists')
    op.drop_table('practical_mentoring_policies')
    with op.batch_alter_table('practical_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practical_invitations_course_id'))
    op.drop_table('practical_invitations')
    with op.batch_alter_table('practical_code_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practical_code_failures_user_id'))
        batch_op.drop_index(batch_op.f('ix_practical_code_failures_at'))
    op.drop_table('practical_code_failures')
    with op.batch_alter_table('practical_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practical_assignments_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_practical_assignments_learner_id'))
        batch_op.drop_index(batch_op.f('ix_practical_assignments_course_id'))
    op.drop_table('practical_assignments')
