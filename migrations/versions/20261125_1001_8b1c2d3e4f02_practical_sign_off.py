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
    pass


def downgrade():
    pass
