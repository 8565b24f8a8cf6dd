"""The schema comes only from the migrations; they must match the models exactly."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from lms_ext.core.db import db
from lms_ext.core.extensions import migrate


def test_models_and_migrations_agree(app_context):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={'compare_type': True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_database_is_at_the_single_head(app_context):
    heads = ScriptDirectory.from_config(migrate.get_config()).get_heads()
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    assert len(heads) == 1
    assert set(current) == set(heads)
