"""badges

Revision ID: c0d1e2f3a403
Revises: 8b1c2d3e4f02
Create Date: 2026-11-25 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import lms_ext.core.db


# revision identifiers, used by Alembic.
revision = 'c0d1e2f3a403'
down_revision = '8b1c2d3e4f02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('badges_issuers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('lms_issuer', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('image_url', sa.String(length=2048), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=False),
    sa.Column('created_at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badges_issuers')),
    sa.UniqueConstraint('lms_issuer', name=op.f('uq_badges_issuers_lms_issuer')),
    sa.UniqueConstraint('public_id', name=op.f('uq_badges_issuers_public_id'))
    )
    op.create_table('badges_mail_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.Column('sent_at', lms_ext.core.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badges_mail_messages'))
    )
    op.create_table('badges_email_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.Column('expires_at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', lms_ext.core.db.UTCDateTime(), nullable=True),
    sa.CheckConstraint('confirmed_at IS NULL OR confirmed_at >= created_at', name=op.f('ck_badges_email_claims_confirmed_after_created')),
    sa.ForeignKeyConstraint(['learner_id'], ['accounts_users.id'], name=op.f('fk_badges_email_claims_learner_id_accounts_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badges_email_claims')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_badges_email_claims_token_hash'))
    )
    with op.batch_alter_table('badges_email_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badges_email_claims_learner_id'), ['learner_id'], unique=False)

    op.create_table('badges_badge_classes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('image_png', sa.LargeBinary(), nullable=False),
    sa.Column('image_svg', sa.Text(), nullable=False),
    sa.Column('created_at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['issuer_id'], ['badges_issuers.id'], name=op.f('fk_badges_badge_classes_issuer_id_badges_issuers')),
    sa.ForeignKeyConstraint(['version_id'], ['content_module_versions.id'], name=op.f('fk_badges_badge_classes_version_id_content_module_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badges_badge_classes')),
    sa.UniqueConstraint('public_id', name=op.f('uq_badges_badge_classes_public_id')),
    sa.UniqueConstraint('version_id', name=op.f('uq_badges_badge_classes_version_id'))
    )
    with op.batch_alter_table('badges_badge_classes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badges_badge_classes_issuer_id'), ['issuer_id'], unique=False)

    op.create_table('badges_assertions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('badge_class_id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.Column('recipient_hash', sa.String(length=80), nullable=True),
    sa.Column('completed_at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.Column('issued_on', lms_ext.core.db.UTCDateTime(), nullable=True),
    sa.Column('expires_at', lms_ext.core.db.UTCDateTime(), nullable=True),
    sa.Column('grade', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('signed_off_at', lms_ext.core.db.UTCDateTime(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('show_name', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('revoked_at', lms_ext.core.db.UTCDateTime(), nullable=True),
    sa.Column('revocation_kind', sa.Enum('trainer', 'reopened', name='revocation_kind', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('revocation_reason', sa.Text(), nullable=False),
    sa.CheckConstraint('(recipient_hash IS NULL) = (issued_on IS NULL)', name=op.f('ck_badges_assertions_issued_with_recipient')),
    sa.CheckConstraint('(revoked_at IS NULL) = (revocation_kind IS NULL)', name=op.f('ck_badges_assertions_revocation_complete')),
    sa.CheckConstraint('grade IS NULL OR (grade >= 0 AND grade <= 100)', name=op.f('ck_badges_assertions_grade_percent')),
    sa.CheckConstraint('revoked_at IS NULL OR issued_on IS NOT NULL', name=op.f('ck_badges_assertions_revoked_after_issue')),
    sa.ForeignKeyConstraint(['badge_class_id'], ['badges_badge_classes.id'], name=op.f('fk_badges_assertions_badge_class_id_badges_badge_classes')),
    sa.ForeignKeyConstraint(['course_id'], ['accounts_courses.id'], name=op.f('fk_badges_assertions_course_id_accounts_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['learner_id'], ['accounts_users.id'], name=op.f('fk_badges_assertions_learner_id_accounts_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['content_module_versions.id'], name=op.f('fk_badges_assertions_version_id_content_module_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badges_assertions')),
    sa.UniqueConstraint('learner_id', 'version_id', name='uq_badges_assertions_learner_version'),
    sa.UniqueConstraint('public_id', name=op.f('uq_badges_assertions_public_id'))
    )
    with op.batch_alter_table('badges_assertions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badges_assertions_badge_class_id'), ['badge_class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_badges_assertions_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_badges_assertions_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_badges_assertions_version_id'), ['version_id'], unique=False)

    op.create_table('badges_assertion_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assertion_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('issued', 'revoked', 'reinstated', name='assertion_action', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', lms_ext.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['accounts_users.id'], name=op.f('fk_badges_assertion_events_actor_id_accounts_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['assertion_id'], ['badges_assertions.id'], name=op.f('fk_badges_assertion_events_assertion_id_badges_assertions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badges_assertion_events'))
    )
    with op.batch_alter_table('badges_assertion_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badges_assertion_events_assertion_id'), ['assertion_id'], unique=False)


def downgrade():
    with op.batch_alter_table('badges_assertion_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_badges_assertion_events_assertion_id'))

    op.drop_table('badges_assertion_events')
    with op.batch_alter_table('badges_assertions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_badges_assertions_version_id'))
        batch_op.drop_index(batch_op.f('ix_badges_assertions_learner_id'))
        batch_op.drop_index(batch_op.f('ix_badges_assertions_course_id'))
        batch_op.drop_index(batch_op.f('ix_badges_assertions_badge_class_id'))

    op.drop_table('badges_assertions')
    with op.batch_alter_table('badges_badge_classes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_badges_badge_classes_issuer_id'))

    op.drop_table('badges_badge_classes')
    with op.batch_alter_table('badges_email_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_badges_email_claims_learner_id'))

    op.drop_table('badges_email_claims')
    op.drop_table('badges_mail_messages')
    op.drop_table('badges_issuers')
