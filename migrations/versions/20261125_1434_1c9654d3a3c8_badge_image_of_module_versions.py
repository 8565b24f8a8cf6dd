"""badge image of module versions: a trainer's own PNG (nullable; None means the generated image)

Revision ID: 1c9654d3a3c8
Revises: fb3f31fe3c01
Create Date: 2026-11-25 14:34:38.061819

"""
from alembic import op
import sqlalchemy as sa

import lms_ext.core.db


# revision identifiers, used by Alembic.
revision = '1c9654d3a3c8'
down_revision = 'fb3f31fe3c01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('content_module_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('badge_image_png', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('content_module_versions', schema=None) as batch_op:
        batch_op.drop_column('badge_image_png')
