"""Grade pass-back (AGS) and roster (NRPS) over real HTTP to the strict platform, from the in-process app."""

from datetime import timedelta
from decimal import Decimal

import pytest

from lms_ext.accounts.models import Course, User, UserKind
from lms_ext.core.time import utcnow
from lms_ext.lti import tasks
from lms_ext.lti.models import Deployment, Platform, ResourceLink, ScoreSubmission, SubmissionState
from lms_ext.lti.services import grades, keys, roster
from lms_ext.lti.store import token_cache
from tests.live import serve_json
from tests.lti.platform import StrictPlatform
from tests.lti.platform import User as PlatformUser

AGS_SCOPES = ['https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
              'https://purl.imsglobal.org/spec/lti-ags/scope/score',
              'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly']


@pytest.fixture(scope='module')
def jwks_server():
    """Serves the tool's JWKS of the current test (the platform checks our client assertions with it)."""
    server = serve_json({'keys': []})
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope='module')
def ags_platform(jwks_server):
    platform = StrictPlatform(tool_jwks_url=jwks_server.url + 'jwks')
    platform.start()
    yield platform
    platform.stop()


@pytest.fixture
def setup(db_session, ags_platform, jwks_server):
    """A registered platform, a course, a graded resource link and a learner enrolled on the platform."""
    jwks_server.document = keys.jwks()
    token_cache().clear()  # tokens are cached per process; each test starts without one
    platform = Platform(issuer=ags_platform.issuer, client_id=ags_platform.client_id,
                        auth_login_url=ags_platform.auth_url, auth_token_url=ags_platform.token_url,
                        key_set_url=ags_platform.jwks_url)
    deployment = Deployment(platform=platform, deployment_id=ags_platform.deployment_id)
    course = Course(issuer=ags_platform.issuer, context_id=ags_platform.default_context_id, title='VET')
    link_id = f'rl-{utcnow().timestamp()}'
    link = ResourceLink(platform=platform, deployment=deployment, course=course, resource_link_id=link_id,
                        title='Angle grinder', ags_scopes=AGS_SCOPES,
                        ags_lineitems_url=ags_platform.lineitems_url(),
                        nrps_memberships_url=ags_platform.memberships_url() + '&limit=2'
                        if '?' in ags_platform.memberships_url() else ags_platform.memberships_url() + '?limit=2')
    sub = f'learner-{link_id}'
    learner = User(kind=UserKind.lti, issuer=ags_platform.issuer, subject=sub, name='Lena')
    db_session.add_all([platform, link, learner])
    db_session.flush()
    ags_platform.add_member(PlatformUser.learner(sub))
    ags_platform.add_resource_link(link_id, title='Angle grinder')
    return {'link': link, 'learner': learner, 'platform': ags_platform, 'sub': sub}


def _send(submission):
    tasks.send_score(submission.id)
    return submission


def _scores_for(platform, sub):
    return [r for r in platform.accepted_scores if r.body.get('userId') == sub]


def test_score_is_delivered_once_and_the_line_item_is_created_for_the_link(setup):
    link, learner, platform = setup['link'], setup['learner'], setup['platform']
    submission = grades.record_score(link, learner, attempt_key='quiz-1', score_given=Decimal('85'),
                                     score_maximum=Decimal('100'))
    assert grades.record_score(link, learner, attempt_key='quiz-1', score_given=Decimal('85'),
                               score_maximum=Decimal('100')) is submission  # recording twice: one row
    assert _send(submission).state is SubmissionState.sent
    assert _send(submission).state is SubmissionState.sent  # a repeated job posts nothing
    posted = _scores_for(platform, setup['sub'])
    assert len(posted) == 1
    assert posted[0].body['scoreGiven'] == 85 and posted[0].body['gradingProgress'] == 'FullyGraded'
    item = platform.line_items(resource_link_id=link.resource_link_id)
    assert len(item) == 1 and link.ags_lineitem_url == item[0].id
    assert platform.grades(item[0])[setup['sub']]['grade'] == 85


def test_platform_down_retries_with_backoff_and_delivers_exactly_once(setup):
    link, learner, platform = setup['link'], setup['learner'], setup['platform']
    submission = grades.record_score(link, learner, attempt_key='quiz-2', score_given=Decimal('40'),
                                     score_maximum=Decimal('50'))
    platform.fail_next_scores(2, status=503)
    before = utcnow()
    assert _send(submission).state is SubmissionState.pending
    first_delay = submission.next_attempt_at - before
    assert timedelta(seconds=20) < first_delay < timedelta(seconds=40) and '503' in submission.last_error
    assert submission.id not in grades.due_submission_ids()  # not due before its backoff
    submission.next_attempt_at = utcnow()
    assert _send(submission).state is SubmissionState.pending
    assert submission.next_attempt_at - utcnow() > first_delay  # exponential
    submission.next_attempt_at = utcnow()
    assert submission.id in grades.due_submission_ids()
    assert _send(submission).state is SubmissionState.sent and submission.attempts == 3
    assert len(_scores_for(platform, setup['sub'])) == 1


def test_non_students_are_rejected_for_good(setup):
    link, platform = setup['link'], setup['platform']
    outsider = User(kind=UserKind.lti, issuer=platform.issuer, subject='not-a-member', name='Tom')
    submission = grades.record_score(link, outsider, attempt_key='quiz-3', score_given=Decimal(1),
                                     score_maximum=Decimal(1))
    assert _send(submission).state is SubmissionState.rejected
    assert submission.attempts == 1 and '400' in submission.last_error
    assert submission.id not in grades.due_submission_ids()


def test_a_later_non_final_score_never_wipes_the_grade(setup):
    link, learner, platform = setup['link'], setup['learner'], setup['platform']
    final = grades.record_score(link, learner, attempt_key='quiz-4', score_given=Decimal(9), score_maximum=Decimal(10))
    _send(final)
    pending = grades.record_score(link, learner, attempt_key='essay-1', score_given=None,
                                  score_maximum=Decimal(10), final=False)
    assert _send(pending).state is SubmissionState.skipped
    assert platform.grade_wipes == []
    assert len(_scores_for(platform, setup['sub'])) == 1


def test_timestamps_strictly_increase_per_learner_in_whole_seconds(setup):
    link, learner, platform = setup['link'], setup['learner'], setup['platform']
    first = grades.record_score(link, learner, attempt_key='a', score_given=Decimal(1), score_maximum=Decimal(2))
    second = grades.record_score(link, learner, attempt_key='b', score_given=Decimal(2), score_maximum=Decimal(2))
    assert first.timestamp.microsecond == 0 and second.timestamp >= first.timestamp + timedelta(seconds=1)
    assert _send(first).state is SubmissionState.sent and _send(second).state is SubmissionState.sent
    assert not [r for r in platform.rejected_scores if r.body.get('userId') == setup['sub']]


def test_access_token_is_cached_and_refreshed_once_on_401(setup):
    link, learner, platform = setup['link'], setup['learner'], setup['platform']
    before = platform.token_request_count
    for key in ('t1', 't2'):
        _send(grades.record_score(link, learner, attempt_key=key, score_given=Decimal(1), score_maximum=Decimal(1)))
    assert platform.token_request_count - before == 1
    platform.expire_token()  # every token issued so far now answers 401
    submission = grades.record_score(link, learner, attempt_key='t3', score_given=Decimal(1), score_maximum=Decimal(1))
    assert _send(submission).state is SubmissionState.sent
    assert platform.token_request_count - before == 2


def test_links_without_a_gradebook_record_nothing(setup, db_session):
    link = setup['link']
    link.ags_scopes = None
    assert grades.record_score(link, setup['learner'], attempt_key='x', score_given=Decimal(1),
                               score_maximum=Decimal(1)) is None
    assert db_session.query(ScoreSubmission).filter_by(link_id=link.id).count() == 0


def test_roster_follows_paging(setup):
    platform = setup['platform']
    for n in range(5):
        platform.add_member(PlatformUser.learner(f'roster-{n}', given_name='Member', family_name=str(n)))
    members = roster.fetch_roster(setup['link'], token_cache())
    subs = {m['user_id'] for m in members}
    assert {f'roster-{n}' for n in range(5)} <= subs and setup['sub'] in subs
    assert len(members) == len(platform.members())  # every page was fetched (2 per page)


def test_trainer_makes_a_roster_member_a_mentor_from_the_platform_roster(setup, client, db_session):
    from lms_ext.accounts import services as accounts
    from lms_ext.accounts.models import Role
    from tests.conftest import login

    platform, link = setup['platform'], setup['link']
    platform.add_member(PlatformUser.instructor('workshop-meister', given_name='Walter', family_name='Meister'))
    trainer = User(kind=UserKind.lti, issuer=platform.issuer, subject=f'trainer-{link.resource_link_id}', name='T')
    db_session.add(trainer)
    accounts.enroll(trainer, link.course, Role.instructor)
    login(client, trainer)
    page = client.get(f'/links/{link.id}/roster').get_data(as_text=True)
    rows = {row.split('</td>')[0].rsplit('>', 1)[-1]: row for row in page.split('<tr>')[2:]}
    assert 'Make mentor' in rows['Walter Meister'] and 'Make mentor' not in rows[f"Learner {setup['sub']}"]

    made = client.post(f'/links/{link.id}/roster/mentors', data={'user_id': 'workshop-meister'})
    assert made.status_code == 303
    walter = db_session.query(User).filter_by(issuer=platform.issuer, subject='workshop-meister').one()
    assert walter.name == 'Walter Meister' and Role.mentor in accounts.roles_in(walter, link.course)
    assert '✓ mentor' in client.get(f'/links/{link.id}/roster').get_data(as_text=True)

    refused = client.post(f'/links/{link.id}/roster/mentors', data={'user_id': setup['sub']}, follow_redirects=True)
    assert 'is a learner in this course' in refused.get_data(as_text=True)
    assert client.post(f'/links/{link.id}/roster/mentors', data={'user_id': 'nobody'}).status_code == 404
