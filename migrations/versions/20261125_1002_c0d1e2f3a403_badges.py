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
    pass


def downgrade():
    pass
