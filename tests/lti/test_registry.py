"""The per-process cache of active LTI registrations (lms_ext/lti/registry.py)."""

import pytest
import sqlalchemy as sa

from lms_ext.core.db import db
from lms_ext.lti import registry
from lms_ext.lti.models import Platform, PlatformStatus, ResourceLink
from lms_ext.lti.schemas import PlatformInput
from lms_ext.lti.services import registration
from tests.factories import CourseFactory

ISSUER = 'https://moodle.example'


@pytest.fixture
def cached(app, db_session, monkeypatch):
    """The cache on, empty, and a clock the test moves."""
    monkeypatch.setitem(app.config, 'LTI_REGISTRATION_CACHE_SECONDS', 10)
    registry.forget()
    clock = [1000.0]
    monkeypatch.setattr(registry.time, 'monotonic', lambda: clock[0])
    yield clock
    registry.forget()


@pytest.fixture
def queries(db_session):
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(db.engine, 'before_cursor_execute', count)
    yield seen
    sa.event.remove(db.engine, 'before_cursor_execute', count)


def _platform(client_id='c1') -> Platform:
    return registration.add_platform(PlatformInput().load({
        'issuer': ISSUER, 'client_id': client_id, 'auth_login_url': ISSUER + '/auth',
        'auth_token_url': ISSUER + '/token', 'key_set_url': ISSUER + '/jwks', 'deployment_ids': ['d1']}))


def test_a_found_registration_is_read_once_and_usable_in_the_next_session(cached, queries, db_session):
    platform = _platform()
    first = registry.find_platform(ISSUER, 'c1')
    deployment = registry.find_deployment(first, 'd1')
    db_session.commit()
    db_session.expunge_all()  # the next request: a session that holds nothing
    queries.clear()
    again = registry.find_platform(ISSUER, 'c1')
    again_deployment = registry.find_deployment(again, 'd1')
    assert queries == []
    assert (again.id, again.issuer, again.key_set_url, again_deployment.id) == (
        platform.id, ISSUER, ISSUER + '/jwks', deployment.id)
    assert again in db_session and sa.inspect(again).persistent
    # usable as a relationship target, and its deferred column still loads on demand
    link = ResourceLink(platform=again, deployment=again_deployment, course=CourseFactory(), resource_link_id='r1')
    db_session.add(link)
    db_session.flush()
    assert link.platform_id == platform.id
    assert again.registration_response is None


def test_unknown_registrations_are_never_cached(cached, queries, db_session):
    assert registry.find_platform(ISSUER, 'c1') is None
    platform = _platform()
    assert registry.find_platform(ISSUER, 'c1').id == platform.id
    assert registry.find_deployment(platform, 'other') is None
    registration.add_deployment(platform, 'other')
    assert registry.find_deployment(platform, 'other') is not None


def test_a_change_in_this_process_is_seen_at_once_and_other_changes_after_the_ttl(cached, db_session):
    platform = _platform()
    assert registry.find_platform(ISSUER, 'c1') is not None
    registration.set_status(platform, PlatformStatus.disabled)
    assert registry.find_platform(ISSUER, 'c1') is None  # forgotten by set_status
    registration.set_status(platform, PlatformStatus.active)
    assert registry.find_platform(ISSUER, 'c1') is not None
    # another process disables it: this one keeps the registration until the TTL has passed
    db_session.execute(sa.update(Platform).where(Platform.id == platform.id).values(status=PlatformStatus.disabled))
    db_session.expunge_all()
    assert registry.find_platform(ISSUER, 'c1') is not None
    cached[0] += 10.5
    assert registry.find_platform(ISSUER, 'c1') is None


def test_off_means_every_lookup_reads_the_database(app, db_session, queries, monkeypatch):
    monkeypatch.setitem(app.config, 'LTI_REGISTRATION_CACHE_SECONDS', 0)
    _platform()
    queries.clear()
    registry.find_platform(ISSUER, 'c1')
    registry.find_platform(ISSUER, 'c1')
    assert len(queries) == 2
