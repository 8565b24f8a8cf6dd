"""quiz behaviours: interactive tries with a penalty, certainty-based marking

Revision ID: fb3f31fe3c01
Revises: c0d1e2f3a403
Create Date: 2026-11-25 11:00:00

"""
from alembic import op
import sqlalchemy as sa

import lms_ext.core.db


# revision identifiers, used by Alembic.
revision = 'fb3f31fe3c01'
down_revision = 'c0d1e2f3a403'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quizzes_answer_tries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('certainty', sa.Integer(), nullable=True),
    sa.Column('fraction', sa.Numeric(precision=6, scale=5), nullable=False),
    sa.Column('checked_at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint('certainty IS NULL OR certainty IN (1, 2, 3)', name=op.f('ck_quizzes_answer_tries_certainty_level')),
    sa.CheckConstraint('fraction >= 0 AND fraction <= 1', name=op.f('ck_quizzes_answer_tries_fraction_share')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_quizzes_answer_tries_number_positive')),
    sa.ForeignKeyConstraint(['answer_id'], ['quizzes_attempt_answers.id'], name=op.f('fk_quizzes_answer_tries_answer_id_quizzes_attempt_answers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quizzes_answer_tries')),
    sa.UniqueConstraint('answer_id', 'number', name='uq_quizzes_answer_tries_number')
    )
    with op.batch_alter_table('quizzes_answer_tries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quizzes_answer_tries_answer_id'), ['answer_id'], unique=False)

    with op.batch_alter_table('quizzes_attempt_answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certainty', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_quizzes_attempt_answers_certainty_level'), 'certainty IS NULL OR certainty IN (1, 2, 3)')

    with op.batch_alter_table('quizzes_quizzes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('behaviour', sa.Enum('deferred', 'interactive', name='behaviour', native_enum=False, create_constraint=True), server_default='deferred', nullable=False))
        batch_op.add_column(sa.Column('penalty', sa.Numeric(precision=8, scale=7), server_default='0.3333333', nullable=False))
        batch_op.add_column(sa.Column('tries_allowed', sa.Integer(), server_default='3', nullable=False))
        batch_op.add_column(sa.Column('cbm', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_check_constraint(op.f('ck_quizzes_quizzes_penalty_share'), 'penalty >= 0 AND penalty <= 1')
        batch_op.create_check_constraint(op.f('ck_quizzes_quizzes_tries_positive'), 'tries_allowed >= 1')



def downgrade():
    with op.batch_alter_table('quizzes_quizzes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_quizzes_quizzes_tries_positive'), type_='check')
        batch_op.drop_constraint(op.f('ck_quizzes_quizzes_penalty_share'), type_='check')
        batch_op.drop_constraint(op.f('ck_quizzes_quizzes_behaviour'), type_='check')
        batch_op.drop_column('cbm')
        batch_op.drop_column('tries_allowed')
        batch_op.drop_column('penalty')
        batch_op.drop_column('behaviour')

    with op.batch_alter_table('quizzes_attempt_answers', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_quizzes_attempt_answers_certainty_level'), type_='check')
        batch_op.drop_column('certainty')

    with op.batch_alter_table('quizzes_answer_tries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quizzes_answer_tries_answer_id'))

    op.drop_table('quizzes_answer_tries')
