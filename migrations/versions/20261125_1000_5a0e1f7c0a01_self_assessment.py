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
    pass


def downgrade():
    pass
