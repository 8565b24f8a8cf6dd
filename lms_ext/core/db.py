"""The SQLAlchemy handle, the declarative base and the transaction boundary."""

import enum
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Alembic's batch mode on SQLite can only drop constraints that have names.
NAMING_CONVENTION = {
    'ix': 'ix_%(column_0_label)s',
    'uq': 'uq_%(table_name)s_%(column_0_N_name)s',
    'ck': 'ck_%(table_name)s_%(constraint_name)s',
    'fk': 'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s',
    'pk': 'pk_%(table_name)s',
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


# Views render after `unit_of_work()` commits; expiring everything at commit would reload each object
# row by row while the template runs. One request is one short-lived session, so nothing goes stale.
db = SQLAlchemy(model_class=Base, session_options={'expire_on_commit': False})


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC timestamp on every database (SQLite drops tzinfo)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f'naive datetime {value!r}; use core.time.utcnow()')
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def __repr__(self):
        return 'UTCDateTime()'


def str_enum(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """An enum stored as its string value, guarded by a named CHECK constraint."""
    return sa.Enum(enum_cls, name=name, native_enum=False, create_constraint=True,
                   length=max(len(m.value) for m in enum_cls),
                   values_callable=lambda e: [m.value for m in e], validate_strings=True)


@contextmanager
def unit_of_work() -> Iterator:
    """Commit once at the boundary; roll back everything on any error."""
    try:
        yield db.session
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def ping_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled connection with a ping only when it has been idle for `idle_seconds`.

    SQLAlchemy's `pool_pre_ping` pings on every checkout: one extra round trip per request. A connection
    that was in use a moment ago is alive, so only idle ones are pinged (a database restart or a proxy's
    idle timeout is what kills them). A failed ping raises DisconnectionError, on which the pool discards
    the connection and checks out another — SQLAlchemy's documented pessimistic disconnect handling."""

    @sa.event.listens_for(engine.pool, 'connect')
    def _fresh(dbapi_connection, record):
        record.info['returned_at'] = time.monotonic()

    @sa.event.listens_for(engine.pool, 'checkin')
    def _returned(dbapi_connection, record):
        if record is not None:
            record.info['returned_at'] = time.monotonic()

    @sa.event.listens_for(engine.pool, 'checkout')
    def _checkout(dbapi_connection, record, proxy):
        if time.monotonic() - record.info.get('returned_at', 0.0) < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise sa.exc.DisconnectionError(f'idle connection failed its ping: {exc}') from exc


def read_only() -> None:
    """The current request only reads: on PostgreSQL its queries run outside a transaction, which saves the
    BEGIN and ROLLBACK round trips. Call it before the request's first query; a later write would not be
    atomic, so views that call it must only read."""
    if db.session.get_bind().dialect.name == 'postgresql' and not db.session().in_transaction():
        db.session.connection(execution_options={'isolation_level': 'AUTOCOMMIT'})


@sa.event.listens_for(Engine, 'connect')
def _sqlite_on_connect(dbapi_connection, connection_record):
    """Foreign keys, WAL and a busy timeout; let SQLAlchemy own BEGIN (savepoints then work).

    With WAL, `synchronous=NORMAL` is the setting SQLite recommends: a commit no longer waits for an fsync
    (the WAL is synced at checkpoints), the database never corrupts, and only the last commits before a
    power cut (not an app crash) could be lost — right for the embedded default; production uses PostgreSQL."""
    module = type(dbapi_connection).__module__
    if not module.startswith('sqlite3'):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute('PRAGMA foreign_keys=ON')
    cursor.execute('PRAGMA busy_timeout=5000')
    if cursor.execute('PRAGMA database_list').fetchone()[2]:  # a file, not :memory:
        cursor.execute('PRAGMA journal_mode=WAL')
        cursor.execute('PRAGMA synchronous=NORMAL')
    cursor.close()


@sa.event.listens_for(Engine, 'begin')
def _sqlite_on_begin(conn):
    if conn.dialect.name == 'sqlite':
        conn.exec_driver_sql('BEGIN')
