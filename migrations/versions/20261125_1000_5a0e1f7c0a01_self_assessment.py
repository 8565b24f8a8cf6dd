"""self_assessment

Revision ID: 5a0e1f7c0a01
Revises: 003f5b6e94f4
Create Date: 2026-11-25 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import lms_ext.core.db


# revision identifiers, used by Alembic.
revision = '5a0e1f7c0a01'
down_revision = '003f5b6e94f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('self_assessment_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('reflection', sa.Text(), nullable=False),
    sa.Column('submitted_at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint('updated_at >= submitted_at', name=op.f('ck_self_assessment_responses_updated_after_submitted')),
    sa.ForeignKeyConstraint(['course_id'], ['accounts_courses.id'], name=op.f('fk_self_assessment_responses_course_id_accounts_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['learner_id'], ['accounts_users.id'], name=op.f('fk_self_assessment_responses_learner_id_accounts_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['step_id'], ['content_steps.id'], name=op.f('fk_self_assessment_responses_step_id_content_steps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_assessment_responses')),
    sa.UniqueConstraint('learner_id', 'course_id', 'step_id', name='uq_self_assessment_responses_stage')
    )
    with op.batch_alter_table('self_assessment_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_assessment_responses_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_assessment_responses_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_assessment_responses_step_id'), ['step_id'], unique=False)

    op.create_table('self_assessment_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.CheckConstraint("text <> ''", name=op.f('ck_self_assessment_statements_text_not_empty')),
    sa.ForeignKeyConstraint(['outcome_id'], ['content_learning_outcomes.id'], name=op.f('fk_self_assessment_statements_outcome_id_content_learning_outcomes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_assessment_statements')),
    sa.UniqueConstraint('outcome_id', name=op.f('uq_self_assessment_statements_outcome_id'))
    )
    op.create_table('self_assessment_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('retrospective_level', sa.Integer(), nullable=True),
    sa.CheckConstraint('level BETWEEN 1 AND 4', name=op.f('ck_self_assessment_ratings_level_range')),
    sa.CheckConstraint('retrospective_level IS NULL OR retrospective_level BETWEEN 1 AND 4', name=op.f('ck_self_assessment_ratings_retrospective_level_range')),
    sa.ForeignKeyConstraint(['outcome_id'], ['content_learning_outcomes.id'], name=op.f('fk_self_assessment_ratings_outcome_id_content_learning_outcomes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['self_assessment_responses.id'], name=op.f('fk_self_assessment_ratings_response_id_self_assessment_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_assessment_ratings')),
    sa.UniqueConstraint('response_id', 'outcome_id', name='uq_self_assessment_ratings_outcome')
    )
    with op.batch_alter_table('self_assessment_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_assessment_ratings_outcome_id'), ['outcome_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_assessment_ratings_response_id'), ['response_id'], unique=False)



def downgrade():
    with op.batch_alter_table('self_assessment_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_assessment_ratings_response_id'))
        batch_op.drop_index(batch_op.f('ix_self_assessment_ratings_outcome_id'))

    op.drop_table('self_assessment_ratings')
    op.drop_table('self_assessment_statements')
    with op.batch_alter_table('self_assessment_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_assessment_responses_step_id'))
        batch_op.drop_index(batch_op.f('ix_self_assessment_responses_learner_id'))
        batch_op.drop_index(batch_op.f('ix_self_assessment_responses_course_id'))

    op.drop_table('self_assessment_responses')
