"""Short-lived LTI state shared by all app processes: Redis when REDIS_URL is set, else the database.

Holds the login state with its nonce (single use: `pop` is atomic), validated launch data,
platform JWKS and access tokens. Nothing lives in process memory, so any gunicorn worker can
serve any step of a launch.
"""

import json
import random
import threading
import time
from datetime import timedelta
from typing import Any, Protocol

import redis
import sqlalchemy as sa
from flask import Flask, current_app

from lms_ext.core.db import db
from lms_ext.core.time import utcnow

from .models import StoreEntry


class Store(Protocol):
    def put(self, key: str, value: Any, ttl: int) -> None: ...
    def get(self, key: str) -> Any | None: ...
    def pop(self, key: str) -> Any | None: ...
    def delete(self, key: str) -> None: ...


# One upsert, the same in PostgreSQL and SQLite. Written as text because SQLAlchemy 2.0 never caches the compiled
# form of its dialect `insert().on_conflict_do_update()` (it would compile anew on every login).
_UPSERT = sa.text(
    'INSERT INTO lti_store_entries (key, value, expires_at) VALUES (:key, :value, :expires_at) '
    'ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
).bindparams(sa.bindparam('key', type_=StoreEntry.key.type), sa.bindparam('value', type_=StoreEntry.value.type),
             sa.bindparam('expires_at', type_=StoreEntry.expires_at.type))


class DatabaseStore:
    """Entries in `lti_store_entries`, written in the request's transaction."""

    def put(self, key: str, value: Any, ttl: int) -> None:
        now = utcnow()
        if random.random() < 0.02:  # purge expired entries now and then, not on every write
            db.session.execute(sa.delete(StoreEntry).where(StoreEntry.expires_at < now))
        db.session.execute(_UPSERT, {'key': key, 'value': value, 'expires_at': now + timedelta(seconds=ttl)})

    def get(self, key: str) -> Any | None:
        return db.session.scalar(sa.select(StoreEntry.value).where(StoreEntry.key == key,
                                                                   StoreEntry.expires_at > utcnow()))

    def pop(self, key: str) -> Any | None:
        """Delete and return in one statement: of two concurrent pops only one gets the value."""
        row = db.session.execute(sa.delete(StoreEntry).where(StoreEntry.key == key)
                                 .returning(StoreEntry.value, StoreEntry.expires_at)).first()
        if row is None or row.expires_at <= utcnow():
            return None
        return row.value

    def delete(self, key: str) -> None:
        db.session.execute(sa.delete(StoreEntry).where(StoreEntry.key == key))


class RedisStore:
    def __init__(self, url: str):
        self._redis = redis.Redis.from_url(url, socket_timeout=2)

    def put(self, key: str, value: Any, ttl: int) -> None:
        self._redis.set(f'lms_ext:{key}', json.dumps(value), ex=ttl)

    def get(self, key: str) -> Any | None:
        raw = self._redis.get(f'lms_ext:{key}')
        return None if raw is None else json.loads(raw)

    def pop(self, key: str) -> Any | None:
        raw = self._redis.getdel(f'lms_ext:{key}')
        return None if raw is None else json.loads(raw)

    def delete(self, key: str) -> None:
        self._redis.delete(f'lms_ext:{key}')


class MemoryCache:
    """Process-local cache for values each process may hold its own copy of (platform access tokens).

    Used without Redis so that sending a score or fetching a roster never writes to the database
    while it waits on the platform.
    """

    def __init__(self):
        self._entries: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def put(self, key: str, value: Any, ttl: int) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + ttl, value)

    def get(self, key: str) -> Any | None:
        with self._lock:
            expires, value = self._entries.get(key, (0.0, None))
            return value if expires > time.monotonic() else None

    def pop(self, key: str) -> Any | None:
        with self._lock:
            expires, value = self._entries.pop(key, (0.0, None))
            return value if expires > time.monotonic() else None

    def delete(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def init_store(app: Flask) -> None:
    url = app.config.get('REDIS_URL')
    app.extensions['lti_store'] = RedisStore(url) if url else DatabaseStore()
    app.extensions['lti_token_cache'] = app.extensions['lti_store'] if url else MemoryCache()


def store() -> Store:
    """State, nonces and launch data: shared by every process (Redis or the database)."""
    return current_app.extensions['lti_store']


def token_cache() -> Store:
    """Platform access tokens: Redis when configured, else per process (never the database)."""
    return current_app.extensions['lti_token_cache']
