"""Tests of the StrictPlatform fixture itself, against a tiny in-test fake tool."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.lti.platform import (
    AGS_SCOPES,
    CLAIM_AGS,
    CLAIM_CONTEXT,
    CLAIM_CUSTOM,
    CLAIM_DEPLOYMENT_ID,
    CLAIM_DL_CONTENT_ITEMS,
    CLAIM_DL_DATA,
    CLAIM_DL_SETTINGS,
    CLAIM_LAUNCH_PRESENTATION,
    CLAIM_LIS,
    CLAIM_MESSAGE_TYPE,
    CLAIM_NRPS,
    CLAIM_RESOURCE_LINK,
    CLAIM_ROLES,
    CLAIM_TARGET_LINK_URI,
    CLAIM_TOOL_PLATFORM,
    CLAIM_VERSION,
    CLIENT_ASSERTION_TYPE,
    MEDIA_LINEITEM,
    MEDIA_LINEITEM_CONTAINER,
    MEDIA_MEMBERSHIP_CONTAINER,
    MEDIA_RESULT_CONTAINER,
    MEDIA_SCORE,
    MESSAGE_DEEP_LINKING,
    MESSAGE_DEEP_LINKING_RESPONSE,
    PLATFORM_CONFIGURATION,
    ROLE_ADMINISTRATOR,
    ROLE_INSTRUCTOR,
    ROLE_LEARNER,
    SCOPE_LINEITEM,
    SCOPE_NRPS,
    SCOPE_RESULT_READONLY,
    SCOPE_SCORE,
    TOOL_CONFIGURATION,
    LaunchError,
    PlatformError,
    StrictPlatform,
    User,
    browser_session,
    generate_rsa_key,
    public_jwk,
)

# ------------------------------------------------------------------------------------------- fake tool


class FakeTool:
    """A few-line LTI tool: OIDC login redirect, launch echo (id_token verified) and a JWKS."""

    def __init__(self, key: Any) -> None:
        self.key = key
        self.kid = 'fake-tool-key'
        self.platform: StrictPlatform | None = None
        self.reset()
        self._server = make_server('127.0.0.1', 0, self._app, threaded=True)
        self.base = f'http://127.0.0.1:{self._server.server_address[1]}'
        self.login_url, self.launch_url = self.base + '/login', self.base + '/launch'
        self.jwks_url, self.deep_link_url = self.base + '/jwks', self.base + '/deep'
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={'poll_interval': 0.02}, daemon=True
        )
        self._thread.start()

    def reset(self) -> None:
        self.login_overrides: dict[str, str | None] = {}
        self.logins: list[tuple[str, dict[str, str]]] = []
        self.deep_link_items: list[dict[str, Any]] | None = None
        self._states: dict[str, tuple[str, str]] = {}

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def sign(self, claims: dict[str, Any], kid: str | None = None) -> str:
        return jwt.encode(claims, self.key, algorithm='RS256', headers={'kid': kid or self.kid})

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        handlers = {
            '/jwks': self._jwks,
            '/login': self._login,
            '/launch': self._launch,
            '/deep': self._launch,
            '/secure-cookie': self._secure_cookie,
            '/echo-cookies': self._echo_cookies,
        }
        try:
            response = handlers[request.path](request)
        except Exception as exc:
            response = Response(
                json.dumps({'error': f'{type(exc).__name__}: {exc}'}), status=400, mimetype='application/json'
            )
        return response(environ, start_response)

    def _secure_cookie(self, request: Request) -> Response:
        response = Response('ok')
        response.set_cookie('tool_session', 'abc', secure=True, httponly=True, samesite='None')
        return response

    def _echo_cookies(self, request: Request) -> Response:
        return Response(json.dumps(request.cookies.to_dict()), mimetype='application/json')

    def _jwks(self, request: Request) -> Response:
        return Response(json.dumps({'keys': [public_jwk(self.key, self.kid)]}), mimetype='application/json')

    def _login(self, request: Request) -> Response:
        assert self.platform is not None
        params = request.values.to_dict()
        self.logins.append((request.method, params))
        state, nonce = secrets.token_urlsafe(8), secrets.token_urlsafe(8)
        self._states[state] = (nonce, params['client_id'])
        query: dict[str, str | None] = {
            'scope': 'openid',
            'response_type': 'id_token',
            'response_mode': 'form_post',
            'prompt': 'none',
            'client_id': params['client_id'],
            'redirect_uri': self.launch_url,
            'login_hint': params['login_hint'],
            'lti_message_hint': params['lti_message_hint'],
            'state': state,
            'nonce': nonce,
        }
        query.update(self.login_overrides)
        location = f'{self.platform.auth_url}?{urlencode({k: v for k, v in query.items() if v is not None})}'
        response = Response(status=302, headers={'Location': location})
        response.set_cookie('fake_tool_state', state)
        return response

    def _launch(self, request: Request) -> Response:
        assert self.platform is not None
        state = request.form['state']
        if request.cookies.get('fake_tool_state') != state:
            raise ValueError('state cookie mismatch')
        nonce, client_id = self._states.pop(state)
        id_token = request.form['id_token']
        with requests.Session() as http:
            http.trust_env = False
            keys = http.get(self.platform.jwks_url, timeout=5).json()['keys']
        kid = jwt.get_unverified_header(id_token).get('kid')
        key = jwt.PyJWK(next(key for key in keys if key['kid'] == kid)).key
        claims = jwt.decode(
            id_token, key, algorithms=['RS256'], audience=client_id, issuer=self.platform.issuer
        )
        if claims['nonce'] != nonce:
            raise ValueError('nonce mismatch')
        if claims[CLAIM_MESSAGE_TYPE] == MESSAGE_DEEP_LINKING and self.deep_link_items is not None:
            settings = claims[CLAIM_DL_SETTINGS]
            now = int(time.time())
            answer = {
                'iss': client_id,
                'aud': self.platform.issuer,
                'iat': now,
                'exp': now + 60,
                'nonce': secrets.token_urlsafe(8),
                CLAIM_MESSAGE_TYPE: MESSAGE_DEEP_LINKING_RESPONSE,
                CLAIM_VERSION: '1.3.0',
                CLAIM_DEPLOYMENT_ID: claims[CLAIM_DEPLOYMENT_ID],
                CLAIM_DL_CONTENT_ITEMS: self.deep_link_items,
                CLAIM_DL_DATA: settings['data'],
            }
            page = (
                f'<form method="post" action="{settings["deep_link_return_url"]}">'
                f'<input type="hidden" name="JWT" value="{self.sign(answer)}"></form>'
            )
            return Response(page, mimetype='text/html')
        return Response(json.dumps({'claims': claims, 'id_token': id_token}), mimetype='application/json')


# --------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope='module')
def platform_key() -> Any:
    return generate_rsa_key()


@pytest.fixture(scope='module')
def module_tool() -> Any:
    tool = FakeTool(generate_rsa_key())
    yield tool
    tool.close()


@pytest.fixture
def tool(module_tool: FakeTool) -> FakeTool:
    module_tool.reset()
    return module_tool


@pytest.fixture
def platform(tool: FakeTool, platform_key: Any) -> Any:
    with StrictPlatform(
        private_key=platform_key,
        tool_login_url=tool.login_url,
        tool_launch_url=tool.launch_url,
        tool_jwks_url=tool.jwks_url,
        tool_deep_link_url=tool.deep_link_url,
    ) as platform:
        tool.platform = platform
        yield platform
        assert not platform.errors, platform.errors


@pytest.fixture
def web() -> Any:
    with browser_session() as session:
        yield session


@pytest.fixture
def http() -> Any:
    with requests.Session() as session:
        session.trust_env = False
        yield session


def client_assertion(
    tool: FakeTool,
    platform: StrictPlatform,
    *,
    drop: tuple[str, ...] = (),
    kid: str | None = None,
    **overrides: Any,
) -> str:
    now = int(time.time())
    claims = {
        'iss': platform.client_id,
        'sub': platform.client_id,
        'aud': platform.token_url,
        'iat': now - 5,
        'exp': now + 60,
        'jti': str(uuid.uuid4()),
    }
    claims.update(overrides)
    for name in drop:
        del claims[name]
    return tool.sign(claims, kid)


def request_token(
    http: requests.Session, platform: StrictPlatform, assertion: str, scopes: list[str], **form: str
) -> requests.Response:
    data = {
        'grant_type': 'client_credentials',
        'client_assertion_type': CLIENT_ASSERTION_TYPE,
        'client_assertion': assertion,
        'scope': ' '.join(scopes),
        **form,
    }
    return http.post(platform.token_url, data=data)


def service_token(http: requests.Session, platform: StrictPlatform, tool: FakeTool, scopes: list[str]) -> str:
    answer = request_token(http, platform, client_assertion(tool, platform), scopes)
    assert answer.status_code == 200, answer.text
    return answer.json()['access_token']


def scores_url(line_item_id: str) -> str:
    path, _, query = line_item_id.partition('?')
    return f'{path}/scores?{query}'


# ------------------------------------------------------------------------------------ discovery, launch


def test_discovery_documents(platform: StrictPlatform, http: requests.Session) -> None:
    config = http.get(platform.openid_configuration_url).json()
    assert config['issuer'] == platform.issuer
    assert config['authorization_endpoint'] == platform.auth_url
    assert config['token_endpoint'] == platform.token_url
    assert config['jwks_uri'] == platform.jwks_url
    assert config['registration_endpoint'] == platform.registration_endpoint
    assert config['response_types_supported'] == ['id_token']
    assert config['id_token_signing_alg_values_supported'] == ['RS256']
    assert {'openid', SCOPE_SCORE, SCOPE_NRPS} <= set(config['scopes_supported'])
    assert {'sub', 'iss', 'email'} <= set(config['claims_supported'])
    lti = config[PLATFORM_CONFIGURATION]
    assert lti['product_family_code'] == 'moodle' and lti['version']
    assert lti['messages_supported'] == [
        {'type': 'LtiResourceLinkRequest'},
        {'type': 'LtiDeepLinkingRequest'},
    ]
    [key] = http.get(platform.jwks_url).json()['keys']
    assert (key['kid'], key['alg'], key['kty'], key['use']) == (platform.kid, 'RS256', 'RSA', 'sig')
    assert 'd' not in key


def test_resource_link_launch_carries_the_lti_claims(
    platform: StrictPlatform, tool: FakeTool, web: requests.Session
) -> None:
    item = platform.create_line_item('Module 1', 10, resource_link_id='rl-7')
    user = User.learner('s1')
    response = platform.launch(web, user, resource_link_id='rl-7', custom={'module': 'm1'}, locale='de')
    assert response.status_code == 200, response.text
    echo = response.json()
    # independent verification against the published JWKS
    [key] = platform.jwks()['keys']
    claims = jwt.decode(
        echo['id_token'],
        jwt.PyJWK(key).key,
        algorithms=['RS256'],
        audience=platform.client_id,
        issuer=platform.issuer,
    )
    assert claims == echo['claims']
    assert jwt.get_unverified_header(echo['id_token'])['kid'] == platform.kid
    assert claims['azp'] == platform.client_id and claims['exp'] - claims['iat'] == 300
    assert (claims['sub'], claims['name'], claims['given_name'], claims['family_name'], claims['email']) == (
        's1',
        user.name,
        'Learner',
        's1',
        user.email,
    )
    assert claims[CLAIM_MESSAGE_TYPE] == 'LtiResourceLinkRequest'
    assert claims[CLAIM_VERSION] == '1.3.0'
    assert claims[CLAIM_DEPLOYMENT_ID] == '1'
    assert claims[CLAIM_TARGET_LINK_URI] == tool.launch_url
    assert claims[CLAIM_RESOURCE_LINK] == {'id': 'rl-7', 'title': 'Activity rl-7'}
    assert claims[CLAIM_ROLES] == [ROLE_LEARNER]
    assert claims[CLAIM_CONTEXT]['id'] == platform.default_context_id
    assert claims[CLAIM_CONTEXT]['label'] == 'VET101'
    assert claims[CLAIM_TOOL_PLATFORM]['product_family_code'] == 'moodle'
    presentation = claims[CLAIM_LAUNCH_PRESENTATION]
    assert presentation['locale'] == 'de' and presentation['return_url'].startswith(platform.return_url)
    assert claims[CLAIM_CUSTOM] == {'module': 'm1'}
    assert claims[CLAIM_LIS]['person_sourcedid'] == 's1'
    ags = claims[CLAIM_AGS]
    assert set(ags['scope']) == set(AGS_SCOPES)
    assert (ags['lineitems'], ags['lineitem']) == (platform.lineitems_url(), item.id)
    assert claims[CLAIM_NRPS] == {
        'context_memberships_url': platform.memberships_url(),
        'service_versions': ['2.0'],
    }
    method, params = tool.logins[-1]
    assert method == 'POST'
    assert params.keys() == {
        'iss',
        'login_hint',
        'target_link_uri',
        'lti_message_hint',
        'lti_deployment_id',
        'client_id',
    }
    assert (params['iss'], params['login_hint'], params['target_link_uri']) == (
        platform.issuer,
        's1',
        tool.launch_url,
    )
    assert platform.members()['s1'].roles == [ROLE_LEARNER]  # enrolled by the launch
    assert platform.auth_log[-1].ok and platform.issued_id_tokens[-1] == claims


def test_browser_session_sends_secure_cookies_to_loopback(tool: FakeTool, web: requests.Session) -> None:
    web.get(tool.base + '/secure-cookie')
    assert web.get(tool.base + '/echo-cookies').json() == {'tool_session': 'abc'}


def test_launch_into_another_context(platform: StrictPlatform, web: requests.Session) -> None:
    context = {'id': 'c-9', 'label': 'VET909', 'title': 'Another course'}
    claims = platform.launch(web, User.learner('s1'), context=context).json()['claims']
    assert {name: claims[CLAIM_CONTEXT][name] for name in context} == context
    assert claims[CLAIM_RESOURCE_LINK]['id'] == 'rl-1-c-9'
    assert claims[CLAIM_AGS]['lineitems'] == platform.lineitems_url('c-9') != platform.lineitems_url()
    assert claims[CLAIM_NRPS]['context_memberships_url'] == platform.memberships_url('c-9')
    assert 's1' in platform.members('c-9') and 's1' not in platform.members()


def test_get_login_and_optional_service_claims(
    platform: StrictPlatform, tool: FakeTool, web: requests.Session
) -> None:
    response = platform.launch(
        web,
        User.instructor('t1'),
        login_method='GET',
        nrps=False,
        extra_claims={'https://example.test/claim': 'x'},
    )
    claims = response.json()['claims']
    assert tool.logins[-1][0] == 'GET'
    assert claims[CLAIM_ROLES] == [ROLE_INSTRUCTOR]
    assert 'lineitem' not in claims[CLAIM_AGS] and CLAIM_NRPS not in claims
    assert claims['https://example.test/claim'] == 'x'


# ------------------------------------------------------------------------------------------ auth rules


def test_auth_rejects_unregistered_redirect_uri(
    platform: StrictPlatform, tool: FakeTool, web: requests.Session
) -> None:
    tool.login_overrides['redirect_uri'] = tool.base + '/elsewhere'
    with pytest.raises(LaunchError) as failure:
        platform.launch(web, User.learner('s1'))
    assert failure.value.response is not None and failure.value.response.status_code == 400
    assert 'redirect_uri' in platform.auth_errors[-1].reason


def test_auth_rejects_a_login_hint_of_another_user(
    platform: StrictPlatform, tool: FakeTool, web: requests.Session
) -> None:
    tool.login_overrides['login_hint'] = 'someone-else'
    with pytest.raises(LaunchError):
        platform.launch(web, User.learner('s1'))
    assert platform.auth_errors[-1].reason.startswith('login_hint does not match')


def test_lti_message_hint_is_single_use(platform: StrictPlatform, web: requests.Session) -> None:
    login = platform.begin_login(web, User.learner('s1'))
    assert platform.complete_login(web, login).status_code == 200
    replay = web.get(login['auth_url'])
    assert replay.status_code == 400
    assert replay.json()['error_description'] == 'lti_message_hint already used'


def test_auth_requires_the_users_platform_session(platform: StrictPlatform, web: requests.Session) -> None:
    login = platform.begin_login(web, User.learner('s1'))
    with browser_session() as other_browser:
        answer = other_browser.get(login['auth_url'])
    assert answer.status_code == 400 and answer.json()['error'] == 'login_required'


@pytest.mark.parametrize(
    ('param', 'value', 'reason'),
    [
        ('scope', 'openid profile', 'scope must be'),
        ('response_type', 'code', 'response_type must be'),
        ('response_mode', 'query', 'response_mode must be'),
        ('prompt', 'login', 'prompt must be'),
        ('prompt', None, 'missing prompt'),
        ('nonce', None, 'missing nonce'),
        ('state', None, 'missing state'),
        ('client_id', 'other-client', 'unknown client_id'),
        ('lti_message_hint', 'forged', 'unknown lti_message_hint'),
    ],
)
def test_auth_enforces_moodle_rules(
    platform: StrictPlatform, web: requests.Session, param: str, value: str | None, reason: str
) -> None:
    login = platform.begin_login(web, User.learner('s1'))
    params = dict(login['auth_params'])
    if value is None:
        del params[param]
    else:
        params[param] = value
    with pytest.raises(PlatformError, match=reason):
        platform.authorize(params)
    assert platform.auth_errors[-1].params == params


# ----------------------------------------------------------------------------------- crafted id_tokens


def test_make_id_token_variants(platform: StrictPlatform) -> None:
    public = platform.private_key.public_key()

    def decode(token: str) -> dict[str, Any]:
        return jwt.decode(
            token, public, algorithms=['RS256'], audience=platform.client_id, issuer=platform.issuer
        )

    good = platform.make_id_token(nonce='n-1', custom={'a': 'b'})
    claims = decode(good)
    assert claims['nonce'] == 'n-1' and claims[CLAIM_CUSTOM] == {'a': 'b'}
    assert jwt.get_unverified_header(good) == {'alg': 'RS256', 'typ': 'JWT', 'kid': platform.kid}
    with pytest.raises(jwt.ExpiredSignatureError):
        decode(platform.make_id_token(claims_overrides={'exp': int(time.time()) - 60}))
    with pytest.raises(jwt.InvalidAudienceError):
        decode(platform.make_id_token(claims_overrides={'aud': 'someone-else'}))
    with pytest.raises(jwt.InvalidSignatureError):
        decode(platform.make_id_token(key=generate_rsa_key()))
    dropped = jwt.decode(
        platform.make_id_token(drop=[CLAIM_DEPLOYMENT_ID]), options={'verify_signature': False}
    )
    assert CLAIM_DEPLOYMENT_ID not in dropped
    unsigned = platform.make_id_token(alg='none')
    assert unsigned.endswith('.') and jwt.get_unverified_header(unsigned)['alg'] == 'none'
    confused = platform.make_id_token(alg='HS256')
    signing_input, _, signature = confused.rpartition('.')
    expected = hmac.new(platform.public_key_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    assert jwt.utils.base64url_decode(signature) == expected
    tampered = platform.tamper_token(good, {CLAIM_ROLES: [ROLE_ADMINISTRATOR]})
    assert jwt.decode(tampered, options={'verify_signature': False})[CLAIM_ROLES] == [ROLE_ADMINISTRATOR]
    with pytest.raises(jwt.InvalidSignatureError):
        decode(tampered)
    header = jwt.get_unverified_header(platform.make_id_token(headers_overrides={'kid': 'nope', 'typ': None}))
    assert header == {'alg': 'RS256', 'kid': 'nope'}


def test_crafted_id_token_posted_to_the_tool(platform: StrictPlatform, web: requests.Session) -> None:
    login = platform.begin_login(web, User.learner('s1'))
    forged = platform.make_id_token(login=login, key=generate_rsa_key())
    assert platform.post_id_token(web, login, forged).status_code == 400  # the fake tool verifies
    login = platform.begin_login(web, User.learner('s1'))
    answer = platform.post_id_token(web, login, platform.make_id_token(login=login))
    assert answer.status_code == 200 and answer.json()['claims']['nonce'] == login['nonce']


# ------------------------------------------------------------------------------------------ token endpoint


def test_token_endpoint_issues_tokens_and_rejects_replayed_jti(
    platform: StrictPlatform, tool: FakeTool, http: requests.Session
) -> None:
    assertion = client_assertion(tool, platform)
    first = request_token(http, platform, assertion, [SCOPE_SCORE, SCOPE_NRPS])
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body['token_type'], body['expires_in'], body['scope']) == (
        'Bearer',
        3600,
        f'{SCOPE_SCORE} {SCOPE_NRPS}',
    )
    replay = request_token(http, platform, assertion, [SCOPE_SCORE])
    assert replay.status_code == 400 and replay.json()['error'] == 'invalid_grant'
    assert 'replay' in platform.token_log[-1].reason
    assert platform.token_request_count == 2 and platform.issued_tokens == [body['access_token']]


@pytest.mark.parametrize(
    ('assertion_args', 'scopes', 'reason'),
    [
        ({'aud': 'http://elsewhere.example.test/token'}, [SCOPE_SCORE], 'InvalidAudienceError'),
        ({'exp': 1_000_000_000}, [SCOPE_SCORE], 'ExpiredSignatureError'),
        ({'sub': 'someone-else'}, [SCOPE_SCORE], 'sub must equal'),
        ({'drop': ('jti',)}, [SCOPE_SCORE], 'jti'),
        ({'kid': 'unknown-kid'}, [SCOPE_SCORE], 'no key with kid'),
        ({}, ['https://example.test/scope/admin'], 'scopes not allowed'),
        ({}, [], 'missing scope'),
    ],
)
def test_token_endpoint_rejects_bad_requests(
    platform: StrictPlatform,
    tool: FakeTool,
    http: requests.Session,
    assertion_args: dict[str, Any],
    scopes: list[str],
    reason: str,
) -> None:
    answer = request_token(http, platform, client_assertion(tool, platform, **assertion_args), scopes)
    assert answer.status_code == 400
    assert reason in platform.token_log[-1].reason


# ---------------------------------------------------------------------------------------------- AGS


def test_scores_follow_moodle_rules(platform: StrictPlatform, tool: FakeTool, http: requests.Session) -> None:
    platform.add_member(User.learner('s1'))
    platform.add_member(User.instructor('t1'))
    item = platform.create_line_item('Module 1', 100, resource_link_id='rl-1')
    token = service_token(http, platform, tool, [SCOPE_SCORE])

    def post(changes: dict[str, Any], content_type: str = MEDIA_SCORE, url: str | None = None) -> int:
        body = {
            'userId': 's1',
            'activityProgress': 'Completed',
            'gradingProgress': 'FullyGraded',
            'scoreGiven': 8,
            'scoreMaximum': 10,
            'timestamp': '2030-01-01T10:00:00.100Z',
            **changes,
        }
        body = {name: value for name, value in body.items() if value is not None}
        headers = {'Authorization': f'Bearer {token}', 'Content-Type': content_type}
        return http.post(url or scores_url(item.id), data=json.dumps(body), headers=headers).status_code

    assert post({}) == 200
    assert platform.grades(item)['s1']['grade'] == 80
    assert post({'timestamp': '2030-01-01T10:00:00.900Z'}) == 409  # same whole second
    assert post({'timestamp': '2030-01-01T09:59:59+00:00'}) == 409
    assert post({'userId': 't1', 'timestamp': '2030-01-01T10:00:05Z'}) == 400  # not a learner
    assert post({'userId': 'nobody', 'timestamp': '2030-01-01T10:00:05Z'}) == 400
    assert post({'timestamp': '2030-01-01T10:00:05'}) == 400  # no timezone
    assert post({'timestamp': '2030-01-01T10:00:05Z', 'scoreGiven': 11}) == 400
    assert post({'timestamp': '2030-01-01T10:00:05Z', 'activityProgress': None}) == 400
    assert post({'timestamp': '2030-01-01T10:00:05Z'}, content_type='application/json') == 415
    assert post({'timestamp': '2030-01-01T10:00:05Z'}, url=item.id + '/scores') == 405  # naive URL building
    assert post({'timestamp': '2030-01-01T10:00:05Z'}, url=scores_url(item.id).split('?')[0]) == 400
    assert not platform.grade_wipes
    assert post({'timestamp': '2030-01-01T10:00:06+02:00', 'scoreGiven': 9}) == 409  # 08:00:06 UTC
    assert post({'timestamp': '2030-01-01T10:00:06Z', 'gradingProgress': 'Pending'}) == 200
    assert platform.grades(item)['s1']['grade'] is None
    [wipe] = platform.grade_wipes
    assert (wipe.user_id, wipe.previous['grade']) == ('s1', 80)
    statuses = [record.status for record in platform.score_log]  # the 405 never reached the scores endpoint
    assert statuses == [200, 409, 409, 400, 400, 400, 400, 400, 415, 400, 409, 200]
    assert len(platform.accepted_scores) == 2 and len(platform.rejected_scores) == len(platform.score_log) - 2


def test_score_failure_injection_and_expired_tokens(
    platform: StrictPlatform, tool: FakeTool, http: requests.Session
) -> None:
    platform.add_member(User.learner('s1'))
    item = platform.create_line_item('Module 1', 10)
    token = service_token(http, platform, tool, [SCOPE_SCORE])
    nrps_token = service_token(http, platform, tool, [SCOPE_NRPS])
    platform.fail_next_scores(2, status=503, retry_after=2)

    def post(second: int, bearer: str | None = token) -> requests.Response:
        body = {
            'userId': 's1',
            'activityProgress': 'Submitted',
            'gradingProgress': 'FullyGraded',
            'scoreGiven': 1,
            'scoreMaximum': 1,
            'timestamp': f'2030-01-01T10:00:{second:02d}Z',
        }
        headers = {'Content-Type': MEDIA_SCORE, **({'Authorization': f'Bearer {bearer}'} if bearer else {})}
        return http.post(scores_url(item.id), data=json.dumps(body), headers=headers)

    first = post(1)
    assert first.status_code == 503 and first.headers['Retry-After'] == '2'
    assert post(1).status_code == 503
    assert post(1).status_code == 200
    assert post(2, bearer=None).status_code == 401
    assert post(2, bearer=nrps_token).status_code == 403
    platform.expire_token(token)
    expired = post(2)
    assert expired.status_code == 401 and 'invalid_token' in expired.headers['WWW-Authenticate']
    assert [record.status for record in platform.score_log] == [503, 503, 200, 401, 403, 401]
    assert platform.grades(item)['s1']['scoreGiven'] == 1
    results_token = service_token(http, platform, tool, [SCOPE_RESULT_READONLY])
    results_url = item.id.replace('/lineitem?', '/lineitem/results?')
    results = http.get(results_url, headers={'Authorization': f'Bearer {results_token}'})
    assert results.headers['Content-Type'] == MEDIA_RESULT_CONTAINER
    assert [(r['userId'], r['resultScore'], r['resultMaximum']) for r in results.json()] == [('s1', 10, 10)]


def test_line_item_container_is_a_paged_json_array(
    platform: StrictPlatform, tool: FakeTool, http: requests.Session
) -> None:
    platform.add_resource_link('rl-1')
    token = service_token(http, platform, tool, [SCOPE_LINEITEM])
    auth = {'Authorization': f'Bearer {token}'}
    container = platform.lineitems_url()

    def create(body: dict[str, Any], content_type: str = MEDIA_LINEITEM) -> requests.Response:
        return http.post(container, data=json.dumps(body), headers={**auth, 'Content-Type': content_type})

    created = create({'label': 'A', 'scoreMaximum': 10, 'resourceLinkId': 'rl-1', 'tag': 'quiz'})
    assert created.status_code == 201 and created.headers['Content-Type'] == MEDIA_LINEITEM
    first_id = created.json()['id']
    assert '?type_id=1' in first_id and created.json()['resourceLinkId'] == 'rl-1'
    assert create({'label': 'B', 'scoreMaximum': 5, 'resourceId': 'b'}).status_code == 201
    assert create({'label': 'C', 'scoreMaximum': 5}).status_code == 201
    assert create({'label': 'D', 'scoreMaximum': 5}, content_type='application/json').status_code == 415
    assert create({'scoreMaximum': 5}).status_code == 400
    assert create({'label': 'E', 'scoreMaximum': 0}).status_code == 400
    assert create({'label': 'F', 'scoreMaximum': 5, 'resourceLinkId': 'rl-404'}).status_code == 400

    listing = http.get(container, headers={**auth, 'Accept': MEDIA_LINEITEM_CONTAINER})
    assert listing.headers['Content-Type'] == MEDIA_LINEITEM_CONTAINER
    assert [item['label'] for item in listing.json()] == ['A', 'B', 'C']
    assert [i['label'] for i in http.get(container + '&resource_link_id=rl-1', headers=auth).json()] == ['A']
    assert [i['label'] for i in http.get(container + '&tag=quiz', headers=auth).json()] == ['A']
    assert [i['label'] for i in http.get(container + '&resource_id=b', headers=auth).json()] == ['B']
    page = http.get(container + '&limit=2', headers=auth)
    assert [item['label'] for item in page.json()] == ['A', 'B']
    last = http.get(page.links['next']['url'], headers=auth)
    assert [item['label'] for item in last.json()] == ['C'] and 'next' not in last.links
    assert http.get(container, headers={**auth, 'Accept': 'text/html'}).status_code == 406
    assert http.get(container.split('?')[0], headers=auth).status_code == 400

    assert http.get(first_id, headers={**auth, 'Accept': MEDIA_LINEITEM}).json()['label'] == 'A'
    update = {'id': first_id, 'label': 'A2', 'scoreMaximum': 20, 'resourceLinkId': 'rl-1'}
    put = http.put(first_id, data=json.dumps(update), headers={**auth, 'Content-Type': MEDIA_LINEITEM})
    assert put.status_code == 200 and put.json()['label'] == 'A2'
    assert http.delete(first_id, headers=auth).status_code == 204
    assert http.get(first_id, headers=auth).status_code == 404


# --------------------------------------------------------------------------------------------- NRPS


def test_memberships_are_paged(platform: StrictPlatform, tool: FakeTool, http: requests.Session) -> None:
    for number in range(5):
        platform.add_member(User.learner(f's{number}'))
    platform.add_member(User.instructor('t1'))
    token = service_token(http, platform, tool, [SCOPE_NRPS])
    headers = {'Authorization': f'Bearer {token}', 'Accept': MEDIA_MEMBERSHIP_CONTAINER}
    url: str | None = platform.memberships_url() + '?limit=2'
    pages = []
    while url:
        page = http.get(url, headers=headers)
        assert page.status_code == 200 and page.headers['Content-Type'] == MEDIA_MEMBERSHIP_CONTAINER
        pages.append(page.json())
        url = page.links.get('next', {}).get('url')
    assert [len(page['members']) for page in pages] == [2, 2, 2]
    assert pages[0]['context']['id'] == platform.default_context_id
    members = {member['user_id']: member for page in pages for member in page['members']}
    assert members.keys() == {'s0', 's1', 's2', 's3', 's4', 't1'}
    assert members['t1']['roles'] == [ROLE_INSTRUCTOR] and members['s1']['status'] == 'Active'
    teachers = http.get(platform.memberships_url() + '?role=Instructor', headers=headers).json()['members']
    assert [member['user_id'] for member in teachers] == ['t1']
    assert http.get(platform.memberships_url()).status_code == 401
    ags_token = service_token(http, platform, tool, [SCOPE_SCORE])
    assert (
        http.get(platform.memberships_url(), headers={'Authorization': f'Bearer {ags_token}'}).status_code
        == 403
    )


# ------------------------------------------------------------------------------------------- deep linking


def test_deep_linking_round_trip_creates_links_and_line_items(
    platform: StrictPlatform, tool: FakeTool, web: requests.Session
) -> None:
    tool.deep_link_items = [
        {
            'type': 'ltiResourceLink',
            'title': 'Module 1',
            'url': tool.launch_url + '?m=1',
            'custom': {'module': 'm1'},
            'lineItem': {'scoreMaximum': 50, 'label': 'Module 1 grade', 'resourceId': 'm1'},
        }
    ]
    response = platform.launch(web, User.instructor('t1'), message_type=MESSAGE_DEEP_LINKING)
    answer = platform.submit_deep_link_response(web, response)
    assert answer.status_code == 200, answer.text
    [link_id] = answer.json()['resource_link_ids']
    [item] = platform.line_items(resource_link_id=link_id)
    assert (item.label, item.score_maximum, item.resource_id) == ('Module 1 grade', 50, 'm1')
    assert platform.content_items == tool.deep_link_items
    relaunch = platform.launch(web, User.learner('s1'), resource_link_id=link_id)
    claims = relaunch.json()['claims']
    assert claims[CLAIM_TARGET_LINK_URI] == tool.launch_url + '?m=1'
    assert claims[CLAIM_CUSTOM] == {'module': 'm1'}
    assert claims[CLAIM_AGS]['lineitem'] == item.id
    assert claims[CLAIM_RESOURCE_LINK]['title'] == 'Module 1'


def test_deep_linking_response_is_verified_strictly(
    platform: StrictPlatform, tool: FakeTool, web: requests.Session
) -> None:
    launch = platform.launch(
        web,
        User.instructor('t1'),
        message_type=MESSAGE_DEEP_LINKING,
        deep_linking_settings={'accept_multiple': False},
    )
    claims = launch.json()['claims']
    assert claims[CLAIM_MESSAGE_TYPE] == MESSAGE_DEEP_LINKING and CLAIM_RESOURCE_LINK not in claims
    settings = claims[CLAIM_DL_SETTINGS]
    assert settings['deep_link_return_url'] == platform.deep_link_return_url
    assert settings['accept_types'] == ['ltiResourceLink'] and isinstance(settings['data'], str)
    assert {'accept_presentation_document_targets', 'auto_create'} <= settings.keys()
    assert claims[CLAIM_TARGET_LINK_URI] == tool.deep_link_url
    now = int(time.time())
    item = {'type': 'ltiResourceLink', 'title': 'M'}
    base = {
        'iss': platform.client_id,
        'aud': platform.issuer,
        'iat': now,
        'exp': now + 60,
        CLAIM_MESSAGE_TYPE: MESSAGE_DEEP_LINKING_RESPONSE,
        CLAIM_VERSION: '1.3.0',
        CLAIM_DEPLOYMENT_ID: '1',
        CLAIM_DL_DATA: settings['data'],
        CLAIM_DL_CONTENT_ITEMS: [item],
    }

    def submit(changes: dict[str, Any], kid: str | None = None) -> requests.Response:
        claims = {'nonce': secrets.token_urlsafe(6), **base, **changes}
        claims = {name: value for name, value in claims.items() if value is not None}
        return web.post(platform.deep_link_return_url, data={'JWT': tool.sign(claims, kid)})

    bad_cases = [
        ({'aud': 'http://elsewhere.example.test'}, None, 'InvalidAudienceError'),
        ({CLAIM_DL_DATA: 'forged'}, None, 'does not echo'),
        ({CLAIM_DL_DATA: None}, None, 'data claim missing'),
        ({CLAIM_MESSAGE_TYPE: 'LtiResourceLinkRequest'}, None, 'message_type'),
        ({CLAIM_VERSION: '1.1'}, None, 'version'),
        ({CLAIM_DEPLOYMENT_ID: '99'}, None, 'deployment_id'),
        ({'nonce': None}, None, 'nonce'),
        ({'exp': now - 10}, None, 'ExpiredSignatureError'),
        ({'iss': 'someone-else'}, None, 'not a known client_id'),
        ({}, 'unknown-kid', 'no key with kid'),
        ({CLAIM_DL_CONTENT_ITEMS: [{'type': 'html', 'html': '<p>'}]}, None, 'accept_types'),
        ({CLAIM_DL_CONTENT_ITEMS: [item, item]}, None, 'accept_multiple'),
        ({CLAIM_DL_CONTENT_ITEMS: [{**item, 'lineItem': {'label': 'x'}}]}, None, 'scoreMaximum'),
    ]
    for changes, kid, reason in bad_cases:
        answer = submit(changes, kid)
        assert answer.status_code == 400, (changes, answer.text)
        assert reason in platform.deep_link_log[-1].reason, (reason, platform.deep_link_log[-1].reason)
    assert submit({'nonce': 'n-8'}).status_code == 200
    assert submit({'nonce': 'n-8'}).status_code == 400  # replay
    assert 'nonce already used' in platform.deep_link_log[-1].reason
    assert platform.content_items == [item]
    assert web.post(platform.deep_link_return_url, data={}).status_code == 400


# ------------------------------------------------------------------------------------- dynamic registration


def registration_body(tool: FakeTool) -> dict[str, Any]:
    return {
        'application_type': 'web',
        'response_types': ['id_token'],
        'grant_types': ['implicit', 'client_credentials'],
        'initiate_login_uri': tool.login_url,
        'redirect_uris': [tool.launch_url, tool.deep_link_url],
        'client_name': 'microVET modules',
        'jwks_uri': tool.jwks_url,
        'token_endpoint_auth_method': 'private_key_jwt',
        'scope': f'{SCOPE_SCORE} {SCOPE_LINEITEM} {SCOPE_NRPS}',
        TOOL_CONFIGURATION: {
            'domain': '127.0.0.1',
            'target_link_uri': tool.launch_url,
            'claims': ['iss', 'sub', 'name', 'email'],
            'messages': [
                {'type': 'LtiResourceLinkRequest'},
                {'type': 'LtiDeepLinkingRequest', 'target_link_uri': tool.deep_link_url},
            ],
        },
    }


def test_dynamic_registration_happy_path(
    platform: StrictPlatform, tool: FakeTool, http: requests.Session, web: requests.Session
) -> None:
    params = platform.registration_url()
    assert params['openid_configuration'] == platform.openid_configuration_url
    config = http.get(params['openid_configuration']).json()
    auth = {'Authorization': f'Bearer {params["registration_token"]}'}
    answer = http.post(config['registration_endpoint'], json=registration_body(tool), headers=auth)
    assert answer.status_code == 200, answer.text
    registered = answer.json()
    client_id = registered['client_id']
    assert client_id != platform.client_id and registered['client_name'] == 'microVET modules'
    deployment_id = registered[TOOL_CONFIGURATION]['deployment_id']
    client = platform.client(client_id)
    assert (client.deployment_id, client.login_url, client.deep_link_url) == (
        deployment_id,
        tool.login_url,
        tool.deep_link_url,
    )
    assert platform.registration_log[-1].client_id == client_id
    again = http.post(config['registration_endpoint'], json=registration_body(tool), headers=auth)
    assert again.status_code == 401 and again.json()['error'] == 'token_already_used'
    launch = platform.launch(web, User.learner('s1'), client_id=client_id)
    claims = launch.json()['claims']
    assert (claims['aud'], claims[CLAIM_DEPLOYMENT_ID]) == (client_id, deployment_id)
    assert set(claims[CLAIM_AGS]['scope']) == {SCOPE_SCORE, SCOPE_LINEITEM}
    assert tool.logins[-1][1]['client_id'] == client_id
    url = platform.registration_initiation_url(tool.base + '/register?x=1')
    assert url.startswith(tool.base + '/register?x=1&openid_configuration=')


def test_dynamic_registration_requires_token_and_valid_body(
    platform: StrictPlatform, tool: FakeTool, http: requests.Session
) -> None:
    endpoint = platform.registration_endpoint
    missing = http.post(endpoint, json=registration_body(tool))
    assert missing.status_code == 401 and missing.json()['error'] == 'missing_registration_token'
    wrong = http.post(endpoint, json=registration_body(tool), headers={'Authorization': 'Bearer nope'})
    assert wrong.status_code == 401
    token = platform.registration_url()['registration_token']
    auth = {'Authorization': f'Bearer {token}'}
    for changes in (
        {'grant_types': ['implicit']},
        {'response_types': ['code']},
        {'jwks_uri': 'jwks'},
        {'token_endpoint_auth_method': 'client_secret_basic'},
        {'application_type': 'native'},
        {
            TOOL_CONFIGURATION: {
                'domain': 'other.example',
                'target_link_uri': tool.launch_url,
                'claims': [],
                'messages': [],
            }
        },
    ):
        answer = http.post(endpoint, json={**registration_body(tool), **changes}, headers=auth)
        assert answer.status_code == 400 and answer.json()['error'].startswith('invalid_'), changes
    assert http.post(endpoint, json=registration_body(tool), headers=auth).status_code == 200
    assert [record.status for record in platform.registration_log] == [
        401,
        401,
        400,
        400,
        400,
        400,
        400,
        400,
        200,
    ]
