"""The database plumbing of core.db: pings only for idle pooled connections, read-only requests."""

import sqlalchemy as sa

from lms_ext.core.db import db, ping_idle_connections, read_only


def _engine(database, idle_seconds: float) -> sa.Engine:
    engine = sa.create_engine(database['url'], pool_size=1, max_overflow=0)
    ping_idle_connections(engine, idle_seconds)
    return engine


def _pings(engine, monkeypatch) -> list:
    seen = []
    original = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, 'do_ping', lambda conn: seen.append(conn) or original(conn))
    return seen


def test_a_connection_in_use_a_moment_ago_is_not_pinged(database, monkeypatch):
    engine = _engine(database, idle_seconds=60)
    pings = _pings(engine, monkeypatch)
    for _ in range(3):
        with engine.connect() as conn:
            assert conn.scalar(sa.text('SELECT 1')) == 1
    assert pings == []  # new, then returned within the minute: no extra round trip
    engine.dispose()


def test_an_idle_connection_that_died_is_replaced_before_use(database, monkeypatch):
    engine = _engine(database, idle_seconds=0)  # every pooled connection counts as idle
    pings = _pings(engine, monkeypatch)
    with engine.connect() as conn:
        dead = conn.connection.driver_connection
    dead.close()  # as a database restart or a proxy's idle timeout would
    with engine.connect() as conn:
        assert conn.scalar(sa.text('SELECT 1')) == 1
        assert conn.connection.driver_connection is not dead
    assert len(pings) >= 2
    engine.dispose()


def test_without_the_ping_the_dead_connection_would_fail(database):
    engine = _engine(database, idle_seconds=3600)
    with engine.connect() as conn:
        dead = conn.connection.driver_connection
    dead.close()
    with engine.connect() as conn:
        try:
            conn.scalar(sa.text('SELECT 1'))
        except sa.exc.DBAPIError:
            failed = True
        else:
            failed = False
    assert failed  # so the test above shows the ping at work
    engine.dispose()


def test_a_read_only_request_runs_without_a_transaction_and_returns_a_transactional_connection(app):
    with app.test_request_context('/'):
        postgres = db.engine.dialect.name == 'postgresql'
        read_only()
        assert db.session.scalar(sa.text('SELECT 1')) == 1
        driver = db.session.connection().connection.driver_connection
        if postgres:
            assert driver.autocommit is True
            assert driver.info.transaction_status.name == 'IDLE'  # no BEGIN was sent
        db.session.remove()
    if postgres:
        assert driver.autocommit is False  # the pool resets it: the next request has transactions again
