"""Fixtures: one app and one migrated database per run; each test in a rolled-back transaction.

The database comes from TEST_DATABASE_URL: a fresh SQLite file when unset, or a PostgreSQL
server, where every run gets its own clean schema (dropped afterwards). A URL that is set but
unreachable fails the run; nothing is skipped.
"""

import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import scoped_session, sessionmaker

from config import TestConfig
from lms_ext.app import create_app
from lms_ext.core.db import db


def make_database(label: str) -> tuple[str, Callable[[], None]]:
    """A private, empty database for this run: (url, cleanup).

    SQLite: a new file. PostgreSQL: a new schema on TEST_DATABASE_URL's server, selected with
    libpq's `options=-csearch_path=...` in the URL so that other processes (a live server) can use it.
    """
    url = os.environ.get('TEST_DATABASE_URL', '')
    if not url:
        tmp = Path(tempfile.mkdtemp(prefix=f'lms_ext_{label}_'))
        return f'sqlite:///{tmp / "test.sqlite"}', lambda: shutil.rmtree(tmp, ignore_errors=True)
    if url.startswith('postgresql://'):
        url = 'postgresql+psycopg://' + url[len('postgresql://'):]
    schema = f'test_{label}_{os.getpid()}_{secrets.token_hex(4)}'
    admin = sa.create_engine(url, isolation_level='AUTOCOMMIT')
    with admin.connect() as conn:  # an unreachable server fails the run here, loudly
        conn.execute(sa.text(f'CREATE SCHEMA {schema}'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA {schema} CASCADE'))
        admin.dispose()

    separator = '&' if '?' in url else '?'
    return f'{url}{separator}options=-csearch_path%3D{schema}', drop


@pytest.fixture(scope='session')
def database():
    url, cleanup = make_database('unit')
    yield {'url': url, 'engine_options': {'pool_pre_ping': True}}
    cleanup()


@pytest.fixture(scope='session')
def app(database, tmp_path_factory):
    instance = tmp_path_factory.mktemp('instance')
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database['url'],
                     SQLALCHEMY_ENGINE_OPTIONS=database['engine_options'], INSTANCE_DIR=instance,
                     MEDIA_DIR=instance / 'media')
    with app.app_context():
        flask_migrate.upgrade()  # the schema only ever comes from the migrations
    yield app
    with app.app_context():
        db.engine.dispose()


class _TestSession(scoped_session):
    """Flask-SQLAlchemy removes the session when each request's app context ends; in a test the
    session must outlive requests (the test keeps using its objects), so removal waits for the fixture."""

    def remove(self):
        pass

    def really_remove(self):
        super().remove()


@pytest.fixture
def app_context(app):
    """A fresh app context per test, so that `g` (e.g. flask-login's cached user) never leaks between tests."""
    with app.app_context() as context:
        yield context


@pytest.fixture
def db_session(app, app_context):
    """A session inside an outer transaction that is rolled back after the test (code may commit)."""
    connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    db.session = _TestSession(sessionmaker(bind=connection, join_transaction_mode='create_savepoint',
                                                      expire_on_commit=False))
    try:
        yield db.session
    finally:
        db.session.really_remove()
        db.session = original
        outer.rollback()
        connection.close()


def login(client, user) -> None:
    """Sign `user` in for the next requests of `client` (requests share the test's app context).

    Commits the test's data so far (to a savepoint of the outer test transaction): a request that
    rolls back its own work must not take the test's users and courses with it.
    """
    from flask import g
    db.session.commit()
    with client.session_transaction() as session:
        session['_user_id'] = str(user.id)
        session['_fresh'] = True
    g.pop('_login_user', None)


@pytest.fixture
def client(app, db_session):
    return app.test_client()


@pytest.fixture(scope='session')
def browser_type_launch_args(browser_type_launch_args):
    """Playwright drives Debian's chromium (never a downloaded browser), in every test directory."""
    return {**browser_type_launch_args, 'executable_path': '/usr/bin/chromium',
            'args': ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                     '--disable-background-networking', '--disable-component-update', '--disable-sync']}
