"""Active platform registrations and their deployments, as every login and launch reads them.

Registrations change rarely (an administrator adds, approves, suspends one), yet each login and launch
reads them. So each process keeps the rows it found for `LTI_REGISTRATION_CACHE_SECONDS` (0 turns this
off) and forgets them at once when it changes a registration itself; another process sees a change
within that time. Only registrations that were found and active are kept: an unknown issuer, client id
or deployment is always looked up. Kept rows come back into the request's session without a query
(`Session.merge(load=False)`), so they can be used like freshly loaded ones.
"""

import threading
import time

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import make_transient_to_detached

from lms_ext.core.db import db

from .models import Deployment, Platform, PlatformStatus

_lock = threading.Lock()


def _cache() -> dict:
    return current_app.extensions.setdefault('lti_registry', {})


def _ttl() -> float:
    return float(current_app.config.get('LTI_REGISTRATION_CACHE_SECONDS', 0))


def _columns(row) -> dict:
    """The loaded column values of `row` (deferred ones stay unloaded)."""
    unloaded = sa.inspect(row).unloaded
    return {c.key: getattr(row, c.key) for c in sa.inspect(type(row)).column_attrs if c.key not in unloaded}


def _cached(key: tuple, load):
    """The row under `key`: from this process's cache while fresh, else `load()` (kept when found)."""
    ttl = _ttl()
    if ttl <= 0:
        return load()
    hit = _cache().get(key)
    if hit is not None and hit[0] > time.monotonic():
        model, values = hit[1], hit[2]
        row = model(**values)
        make_transient_to_detached(row)
        return db.session.merge(row, load=False)
    row = load()
    if row is not None:
        with _lock:
            _cache()[key] = (time.monotonic() + ttl, type(row), _columns(row))
    return row


def find_platform(issuer: str, client_id: str | None) -> Platform | None:
    """The active registration for (issuer, client_id); without client_id only an unambiguous one."""
    def query():
        return sa.select(Platform).where(Platform.issuer == issuer, Platform.status == PlatformStatus.active)

    if not client_id:
        candidates = list(db.session.scalars(query().limit(2)))
        return candidates[0] if len(candidates) == 1 else None
    return _cached(('platform', issuer, client_id),
                   lambda: db.session.scalar(query().where(Platform.client_id == client_id)))


def find_deployment(platform: Platform, deployment_id: str) -> Deployment | None:
    return _cached(('deployment', platform.id, deployment_id), lambda: db.session.scalar(
        sa.select(Deployment).where(Deployment.platform_id == platform.id, Deployment.deployment_id == deployment_id)))


def forget() -> None:
    """After this process changed a registration: read every registration afresh."""
    with _lock:
        _cache().clear()
