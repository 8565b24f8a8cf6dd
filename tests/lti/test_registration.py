"""LTI Dynamic Registration against the strict platform, approval, key rotation, and the shared store."""

import re
import socket

import jwt
import pytest
import redis
import requests

from lms_ext.lti.store import DatabaseStore, RedisStore
from tests.lti.platform import LaunchError, User


def _reason(response) -> str:
    match = re.search(r'Reference: ([a-z_]+)', response.text)
    return match.group(1) if match else f'<{response.status_code}>'


def _platform_row(tool, client_id: str) -> list[str]:
    return next(line.split('\t') for line in tool.cli('lti', 'list').splitlines() if f'\t{client_id}\t' in line)


def test_dynamic_registration_stays_pending_until_an_admin_approves(tool, platform, browser_like):
    params = platform.registration_url()
    response = requests.get(tool.base_url + '/lti/register', params=params, timeout=10)
    assert response.status_code == 200, response.text[:500]
    assert 'microVET modules is registered' in response.text
    assert f'data-origin="{platform.issuer}"' in response.text  # postMessage goes to the platform only
    record = platform.registration_log[-1]
    assert record.status == 200, record.reason
    body = record.body
    assert body['initiate_login_uri'] == tool.base_url + '/lti/login'
    assert body['redirect_uris'] == [tool.base_url + '/lti/launch']
    assert body['jwks_uri'] == tool.base_url + '/lti/jwks'
    assert body['token_endpoint_auth_method'] == 'private_key_jwt'
    assert 'https://purl.imsglobal.org/spec/lti-ags/scope/score' in body['scope'].split()
    assert 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly' in body['scope'].split()
    config = body['https://purl.imsglobal.org/spec/lti-tool-configuration']
    assert {'name', 'email'} <= set(config['claims'])
    assert {'type': 'LtiDeepLinkingRequest', 'target_link_uri': tool.base_url + '/lti/launch',
            'label': 'microVET modules'} in config['messages']

    client_id = record.client_id
    platform_id, status, method, *_ = _platform_row(tool, client_id)
    assert (status, method) == ('pending', 'dynamic')
    with pytest.raises(LaunchError) as refused:  # the door closes already at login initiation
        platform.launch(browser_like, User.learner('dyn-learner'), client_id=client_id)
    assert (refused.value.response.status_code, _reason(refused.value.response)) == (400, 'login_invalid')

    tool.cli('lti', 'approve', platform_id)
    assert _platform_row(tool, client_id)[1] == 'active'
    accepted = platform.launch(browser_like, User.learner('dyn-learner'), client_id=client_id,
                               custom={'module': 'safe-angle-grinder'})
    assert accepted.status_code == 200 and 'How do you like to learn?' in accepted.text  # first launch


def test_registration_token_is_required_and_bad_urls_are_refused(tool, platform):
    response = requests.get(tool.base_url + '/lti/register',
                            params={'openid_configuration': platform.openid_configuration_url,
                                    'registration_token': 'forged'}, timeout=10)
    assert response.status_code == 400 and 'could not be completed' in response.text
    response = requests.get(tool.base_url + '/lti/register', params={'openid_configuration': 'not a url'}, timeout=10)
    assert response.status_code == 400 and 'openid_configuration' in response.text
    # The configuration URL must start with the issuer it advertises.
    foreign = platform.openid_configuration_url.replace('127.0.0.1', 'localhost')
    response = requests.get(tool.base_url + '/lti/register', params={'openid_configuration': foreign,
                                                                     'registration_token': 'x'}, timeout=10)
    assert response.status_code == 400 and 'registration_config_invalid' in response.text


def test_url_checker_refuses_private_addresses_and_http_in_production():
    from lms_ext.lti.adapter import LaunchRejected
    from lms_ext.lti.services.registration import url_checker
    strict = url_checker(require_https=True, allow_private=False)
    for url in ('http://moodle.example.org/x', 'https://127.0.0.1/x', 'https://10.1.2.3/x', 'https://[::1]/x',
                'https://169.254.169.254/latest/meta-data'):
        with pytest.raises(LaunchRejected):
            strict(url)
    url_checker(require_https=False, allow_private=True)('http://127.0.0.1:8000/x')  # development


def _rebinding_registration(monkeypatch, *, guarded: bool):
    """A registration checked as in production, whose host name resolves to a public address for that check and
    then to 127.0.0.1 (DNS rebinding), where a server stands for the tool's own network; `guarded`: its requests
    refuse private addresses as they connect (production). (registration, that server)"""
    from lms_ext.lti.adapter import ToolDynamicRegistration
    from lms_ext.lti.services.registration import url_checker
    from tests.live import serve_json

    internal = serve_json({'issuer': 'http://internal'})
    real, answers = socket.getaddrinfo, iter(['93.184.216.34'])

    def rebinding(host, port, *args, **kwargs):
        if host != 'platform.rebind.test':
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, '', (next(answers, '127.0.0.1'), port))]

    monkeypatch.setattr(socket, 'getaddrinfo', rebinding)
    url = f'http://platform.rebind.test:{internal.server_port}/.well-known/openid-configuration'
    registration = ToolDynamicRegistration(
        base_url='https://tool.example', openid_configuration_url=url, registration_token='t',
        check_url=url_checker(require_https=False, allow_private=False), allow_private=not guarded)
    return registration, internal


def test_dynamic_registration_refuses_a_host_that_rebinds_to_a_private_address(monkeypatch):
    from lms_ext.lti.adapter import LaunchRejected
    registration, internal = _rebinding_registration(monkeypatch, guarded=True)
    try:
        with pytest.raises(LaunchRejected) as refused:
            registration.run()
        # The name passed the check, but the connection itself was refused: the internal server heard nothing.
        assert refused.value.reason == 'registration_config_unavailable' and '127.0.0.1' in refused.value.detail
        assert internal.hits == 0
    finally:
        internal.shutdown()
        internal.server_close()


def test_without_the_guard_the_rebinding_host_reaches_the_private_address(monkeypatch):
    """The control of the test above: the up-front check alone passes the name, and an unguarded request then
    reaches the private address (the answer is not an LTI platform, so the registration still fails)."""
    from lms_ext.lti.adapter import LaunchRejected
    registration, internal = _rebinding_registration(monkeypatch, guarded=False)
    try:
        with pytest.raises(LaunchRejected) as refused:
            registration.run()
        assert refused.value.reason == 'registration_config_invalid' and internal.hits == 1
    finally:
        internal.shutdown()
        internal.server_close()


def test_key_rotation_publishes_old_and_new_keys_during_the_overlap(tool, platform, browser_like):
    before = {k['kid'] for k in requests.get(tool.base_url + '/lti/jwks', timeout=5).json()['keys']}
    tool.cli('lti', 'rotate-key', '--overlap-days', '3')
    after = {k['kid'] for k in requests.get(tool.base_url + '/lti/jwks', timeout=5).json()['keys']}
    assert before < after and len(after - before) == 1
    # The platform checks a deep-linking response signed with the new key against the published set.
    picker = platform.launch(browser_like, User.instructor('rotator'), message_type='LtiDeepLinkingRequest')
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', picker.text).group(1)
    answer = browser_like.post(picker.url, data={'csrf_token': csrf, 'modules': 'safe-angle-grinder'})
    token = re.search(r'name="JWT" value="([^"]+)"', answer.text).group(1)
    assert jwt.get_unverified_header(token)['kid'] in after - before
    assert platform.submit_deep_link_response(browser_like, answer).status_code in (200, 302, 303)
    tool.cli('lti', 'rotate-key', '--overlap-days', '0')
    final = {k['kid'] for k in requests.get(tool.base_url + '/lti/jwks', timeout=5).json()['keys']}
    # Overlap 0: the key just retired leaves at once; the first one keeps its 3 days; a new one signs.
    assert not final & (after - before) and before <= final and len(final - before) == 1


@pytest.fixture
def redis_store():
    store = RedisStore('redis://127.0.0.1:6379/15')
    try:
        store._redis.ping()
    except redis.ConnectionError:
        pytest.fail('Redis is not running on 127.0.0.1:6379 (the test machine provides it)')
    yield store
    store._redis.flushdb()


def test_redis_store_pop_is_single_use(redis_store):
    redis_store.put('login:state-1', {'nonce': 'n1'}, 60)
    assert redis_store.get('login:state-1') == {'nonce': 'n1'}
    assert redis_store.pop('login:state-1') == {'nonce': 'n1'}
    assert redis_store.pop('login:state-1') is None


def test_database_store_pop_is_single_use_and_expires(db_session):
    store = DatabaseStore()
    store.put('login:state-2', {'nonce': 'n2'}, 60)
    assert store.pop('login:state-2') == {'nonce': 'n2'}
    assert store.pop('login:state-2') is None
    store.put('login:state-3', {'nonce': 'n3'}, -1)  # already expired
    assert store.get('login:state-3') is None and store.pop('login:state-3') is None
    store.put('jwks:x', {'keys': [1]}, 60)
    store.put('jwks:x', {'keys': [2]}, 60)  # a put replaces (one row per key)
    assert store.get('jwks:x') == {'keys': [2]}
    store.put('login:state-3', {'nonce': 'again'}, 60)  # and revives an expired one
    assert store.get('login:state-3') == {'nonce': 'again'}
