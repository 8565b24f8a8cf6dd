"""What a validated launch writes: users, courses, LTI roles and resource links (lti.services.launch)."""

import pytest
import sqlalchemy as sa

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Course, Enrollment, EnrollmentSource, Role, User
from lms_ext.core.db import db
from lms_ext.lti.models import ResourceLink
from lms_ext.lti.schemas import PlatformInput
from lms_ext.lti.services import launch as launches
from lms_ext.lti.services import registration

ISSUER = 'https://moodle.example'
CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/'
MEMBERSHIP = 'http://purl.imsglobal.org/vocab/lis/v2/membership#'


@pytest.fixture
def platform(db_session):
    platform = registration.add_platform(PlatformInput().load({
        'issuer': ISSUER, 'client_id': 'c1', 'auth_login_url': ISSUER + '/auth', 'auth_token_url': ISSUER + '/token',
        'key_set_url': ISSUER + '/jwks', 'deployment_ids': ['d1']}))
    return platform, platform.deployments[0]


def _claims(**overrides) -> dict:
    claims = {'iss': ISSUER, 'aud': 'c1', 'sub': 'lena', 'name': 'Lena Novak', 'email': 'Lena@Example.org',
              CLAIM + 'message_type': 'LtiResourceLinkRequest', CLAIM + 'version': '1.3.0',
              CLAIM + 'deployment_id': 'd1', CLAIM + 'roles': [MEMBERSHIP + 'Learner'],
              CLAIM + 'context': {'id': 'ctx-1', 'title': 'Metalwork', 'label': 'MW'},
              CLAIM + 'resource_link': {'id': 'rl-1', 'title': 'Angle grinder'},
              CLAIM + 'custom': {'module': 'no-such-module'}}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _launch(platform, **overrides) -> launches.LaunchResult:
    result = launches.record_launch(platform[0], platform[1], _claims(**overrides))
    db.session.flush()
    return result


def _lti_roles(user_id: int, course_id: int) -> dict:
    return {e.role: e.source for e in db.session.scalars(sa.select(Enrollment).where(
        Enrollment.user_id == user_id, Enrollment.course_id == course_id))}


def test_a_first_launch_creates_the_user_course_roles_and_link(platform):
    result = _launch(platform)
    user = db.session.get(User, result.user.id)
    assert (user.issuer, user.subject, user.name, user.email) == (ISSUER, 'lena', 'Lena Novak', 'lena@example.org')
    assert user.last_seen_at is not None and user.is_active
    course = db.session.get(Course, result.course_id)
    assert (course.issuer, course.context_id, course.title, course.label) == (ISSUER, 'ctx-1', 'Metalwork', 'MW')
    assert _lti_roles(user.id, course.id) == {Role.learner: EnrollmentSource.lti}
    link = db.session.get(ResourceLink, result.link_id)
    assert (link.resource_link_id, link.title, link.course_id, link.module_id) == ('rl-1', 'Angle grinder',
                                                                                    course.id, None)
    assert result.roles == {Role.learner} and result.message_type == 'LtiResourceLinkRequest'


def test_a_returning_user_keeps_what_the_platform_no_longer_sends(platform):
    first = _launch(platform, locale='de-DE', picture='https://moodle.example/p.png')
    seen = db.session.get(User, first.user.id).last_seen_at
    again = _launch(platform, name=None, email=None, locale=None, picture=None,
                    **{CLAIM + 'context': {'id': 'ctx-1'}, CLAIM + 'resource_link': {'id': 'rl-1'}})
    db.session.expire_all()
    user = db.session.get(User, again.user.id)
    assert again.user.id == first.user.id and again.course_id == first.course_id and again.link_id == first.link_id
    assert (user.name, user.email, user.locale, user.picture_url) == (
        'Lena Novak', 'lena@example.org', 'de-DE', 'https://moodle.example/p.png')
    assert user.last_seen_at >= seen
    assert (db.session.get(Course, first.course_id).title, db.session.get(ResourceLink, first.link_id).title) == (
        'Metalwork', 'Angle grinder')


def test_changed_claims_are_written(platform):
    first = _launch(platform)
    _launch(platform, name='Lena Berg', email='lena.berg@example.org',
            **{CLAIM + 'context': {'id': 'ctx-1', 'title': 'Metalwork 2'},
               CLAIM + 'resource_link': {'id': 'rl-1', 'title': 'Grinder'},
               'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {
                   'lineitems': 'https://moodle.example/li', 'lineitem': 'https://moodle.example/li/1',
                   'scope': ['https://purl.imsglobal.org/spec/lti-ags/scope/score']}})
    db.session.expire_all()
    user, course = db.session.get(User, first.user.id), db.session.get(Course, first.course_id)
    link = db.session.get(ResourceLink, first.link_id)
    assert (user.name, user.email, course.title, course.label, link.title) == (
        'Lena Berg', 'lena.berg@example.org', 'Metalwork 2', 'MW', 'Grinder')
    assert (link.ags_lineitem_url, link.ags_scopes) == (
        'https://moodle.example/li/1', ['https://purl.imsglobal.org/spec/lti-ags/scope/score'])


def test_lti_roles_follow_the_signed_claim_and_designated_roles_stay(platform):
    first = _launch(platform, sub='tomas', **{CLAIM + 'roles': [MEMBERSHIP + 'Instructor', MEMBERSHIP + 'Learner']})
    user_id, course_id = first.user.id, first.course_id
    assert _lti_roles(user_id, course_id) == {Role.instructor: EnrollmentSource.lti,
                                              Role.learner: EnrollmentSource.lti}
    accounts.enroll(db.session.get(User, user_id), db.session.get(Course, course_id), Role.mentor,
                    source=EnrollmentSource.designated)
    _launch(platform, sub='tomas', **{CLAIM + 'roles': [MEMBERSHIP + 'Instructor', MEMBERSHIP + 'Mentor']})
    assert _lti_roles(user_id, course_id) == {Role.instructor: EnrollmentSource.lti,
                                              Role.mentor: EnrollmentSource.designated}  # not granted twice
    _launch(platform, sub='tomas', **{CLAIM + 'roles': [MEMBERSHIP + 'Learner']})
    assert _lti_roles(user_id, course_id) == {Role.learner: EnrollmentSource.lti,
                                              Role.mentor: EnrollmentSource.designated}


def test_a_returning_learner_costs_three_statements(platform):
    _launch(platform, **{CLAIM + 'custom': None})
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(db.engine, 'before_cursor_execute', count)
    try:
        _launch(platform, **{CLAIM + 'custom': None})
    finally:
        sa.event.remove(db.engine, 'before_cursor_execute', count)
    assert len(seen) == 3, seen  # the user's upsert, the course with the user's roles, the link


def test_the_landing_page_is_read_in_one_statement(platform):
    """Link, course, module, the module's published version and the learner's profile: one query."""
    from lms_ext.content import services as content
    from lms_ext.content.schemas import ModuleInput
    from lms_ext.learning_styles import services as preferences
    from tests.sample_module import SAMPLE_MODULE

    module = content.create_module(ModuleInput().load({**SAMPLE_MODULE, 'slug': 'landing-module'}))
    version = content.publish_version(module.versions[0])
    first = _launch(platform, **{CLAIM + 'custom': {'module': 'landing-module'}})
    bare = _launch(platform, **{CLAIM + 'resource_link': {'id': 'rl-2', 'title': 'Nothing chosen yet'},
                                CLAIM + 'custom': None})
    user_id = first.user.id
    launches.landing(first.link_id, user_id)  # the version's card is then kept by this process
    db.session.expire_all()
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(db.engine, 'before_cursor_execute', count)
    try:
        page = launches.landing(first.link_id, user_id)
    finally:
        sa.event.remove(db.engine, 'before_cursor_execute', count)
    assert (page.link.course.title, page.link.module.slug, page.version.id, page.version.title) == (
        'Metalwork', 'landing-module', version.id, version.title)
    assert not page.has_profile and len(seen) == 1, seen
    preferences.skip(first.user)
    assert launches.landing(first.link_id, user_id).has_profile
    assert launches.landing(first.link_id, None).has_profile is False  # nobody signed in
    empty = launches.landing(bare.link_id, user_id)
    assert empty.link.module is None and empty.version is None
    assert launches.landing(bare.link_id + 1000, user_id) is None
