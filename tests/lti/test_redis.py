"""The same LTI path with REDIS_URL set: state and nonce in Redis (single use), jobs through RQ."""

import re
import time

import pytest
import redis

from tests.demo_paths import step_path
from tests.live import LiveTool
from tests.lti.platform import StrictPlatform, User, browser_session

REDIS_URL = 'redis://127.0.0.1:6379/14'


@pytest.fixture(scope='module')
def redis_tool():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.ConnectionError:
        pytest.fail('Redis is not running on 127.0.0.1:6379 (the test machine provides it)')
    tool = LiveTool(label='redis', env={'REDIS_URL': REDIS_URL, 'AGS_RETRY_BASE_SECONDS': '1'}).start()
    tool.start_worker()
    platform = StrictPlatform(tool_login_url=tool.base_url + '/lti/login',
                              tool_launch_url=tool.base_url + '/lti/launch', tool_jwks_url=tool.base_url + '/lti/jwks')
    platform.start()
    tool.cli('lti', 'add-platform', '--issuer', platform.issuer, '--client-id', platform.client_id,
             '--login-url', platform.auth_url, '--token-url', platform.token_url, '--jwks-url', platform.jwks_url,
             '--deployment', platform.deployment_id)
    yield tool, platform, client
    platform.stop()
    tool.stop()
    client.flushdb()


def test_state_lives_in_redis_and_is_single_use(redis_tool):
    tool, platform, client = redis_tool
    with browser_session() as browser:
        login = platform.begin_login(browser, User.learner('redis-learner'), custom={'module': 'safe-angle-grinder'})
        assert client.exists(f'lms_ext:login:{login["state"]}')  # not in the database, not in process memory
        token = platform.make_id_token(login=login)
        first = platform.post_id_token(browser, login, token)
        assert first.status_code == 200 and not client.exists(f'lms_ext:login:{login["state"]}')
        replay = platform.post_id_token(browser, login, token)
        assert replay.status_code == 400 and 'unknown_state' in replay.text


def test_grades_go_through_rq_exactly_once(redis_tool):
    tool, platform, client = redis_tool
    with browser_session() as browser:
        page = platform.launch(browser, User.learner('redis-quiz'), custom={'module': 'safe-angle-grinder'},
                               resource_link_id='rl-redis', context={'id': 'redis-course', 'title': 'Redis course'})
        fields = dict(re.findall(r'name="(csrf_token|next)" value="([^"]*)"', page.text))
        page = browser.post(tool.base_url + '/preferences/questionnaire', data={**fields, 'skip': '1'})
        start = re.search(r'href="(/courses/\d+/modules/safe-angle-grinder/)"', page.text).group(1)
        step = browser.get(tool.base_url + step_path(browser.get(tool.base_url + start).text, 'Check your knowledge'))
        action = re.search(r'action="(/courses/\d+/quizzes/\d+/attempt)"', step.text).group(1)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', step.text).group(1)
        attempt = browser.post(tool.base_url + action, data={'csrf_token': csrf})
        platform.fail_next_scores(1, status=503)
        browser.post(attempt.url, data={'csrf_token': csrf, 'submit': '1'})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not [r for r in platform.accepted_scores
                                               if r.body.get('userId') == 'redis-quiz']:
        time.sleep(0.3)
    time.sleep(2)
    accepted = [r for r in platform.accepted_scores if r.body.get('userId') == 'redis-quiz']
    assert len(accepted) == 1, tool.log()[-2000:]
    assert accepted[0].body['scoreGiven'] == 0 and accepted[0].body['gradingProgress'] == 'FullyGraded'
    assert client.keys('rq:job:*')  # the job was queued in RQ after the commit (not only found by the sweeper)
