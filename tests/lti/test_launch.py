"""Launches, deep linking and registration over real HTTP against the independent strict platform."""

import re

import jwt
import pytest

from tests.lti.platform import User, generate_rsa_key, parse_auto_submit_form

MODULE = {'module': 'safe-angle-grinder'}
MEMBERSHIP = 'http://purl.imsglobal.org/vocab/lis/v2/membership#'


def _signed_in_as(tool, session) -> str | None:
    response = session.get(tool.base_url + '/me', allow_redirects=False, headers={'Accept': 'application/json'})
    return response.json()['name'] if response.status_code == 200 else None


def _reason(response) -> str:
    match = re.search(r'Reference: ([a-z_]+)', response.text)
    return match.group(1) if match else f'<no reason: {response.status_code}>'


def test_learner_launch_lands_on_the_module(tool, platform, browser_like):
    user = User.learner('lena-1', given_name='Lena', family_name='Novak')
    response = platform.launch(browser_like, user, custom=MODULE, resource_link_id='rl-learner')
    assert response.status_code == 200, response.text[:500]
    # a learner's first launch asks how they like to learn (skippable), then opens the activity
    assert response.url.startswith(tool.base_url + '/preferences/questionnaire?next=/links/')
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)
    next_url = re.search(r'name="next" value="([^"]+)"', response.text).group(1)
    response = browser_like.post(tool.base_url + '/preferences/questionnaire',
                                 data={'csrf_token': csrf, 'next': next_url, 'skip': '1'})
    assert response.url.startswith(tool.base_url + '/links/')
    assert '<h1>Safe use of an angle grinder</h1>' in response.text
    again = platform.launch(browser_like, user, custom=MODULE, resource_link_id='rl-learner')
    assert again.url.startswith(tool.base_url + '/links/')  # asked once only
    assert _signed_in_as(tool, browser_like) == 'Lena Novak'
    assert not platform.auth_errors


def test_instructor_sees_the_trainer_panel_and_roles_come_only_from_the_signed_claim(tool, platform, browser_like):
    trainer = User.instructor('tomas-1', given_name='Tomas', family_name='Berg')
    response = platform.launch(browser_like, trainer, custom=MODULE, resource_link_id='rl-roles')
    assert 'You are a trainer in this course' in response.text
    # A later launch as learner (same person, new signed roles) takes the trainer role away.
    response = platform.launch(browser_like, trainer, roles=[MEMBERSHIP + 'Learner'], custom=MODULE,
                               resource_link_id='rl-roles')
    assert 'You are a trainer in this course' not in response.text


def test_link_without_module_explains_the_next_step(tool, platform, browser_like):
    response = platform.launch(browser_like, User.learner('lena-2'), resource_link_id='rl-empty')
    assert 'Your trainer has not chosen a module for this activity yet' in response.text


def test_deep_linking_round_trip_creates_graded_activities(tool, platform, browser_like):
    trainer = User.instructor('tomas-dl')
    picker = platform.launch(browser_like, trainer, message_type='LtiDeepLinkingRequest',
                             deep_linking_settings={'data': 'opaque-123', 'accept_multiple': True})
    assert picker.status_code == 200 and 'Add a module to your course' in picker.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', picker.text).group(1)
    empty = browser_like.post(picker.url, data={'csrf_token': csrf})
    assert empty.status_code == 422 and 'Choose at least one module.' in empty.text
    answer = browser_like.post(picker.url, data={'csrf_token': csrf, 'modules': 'safe-angle-grinder'})
    assert answer.status_code == 200
    form = parse_auto_submit_form(answer.text, answer.url)
    assert form['action'] == platform.deep_link_return_url  # only the validated return URL
    claims = jwt.decode(form['fields']['JWT'], options={'verify_signature': False})
    assert claims['https://purl.imsglobal.org/spec/lti-dl/claim/data'] == 'opaque-123'
    returned = platform.submit_deep_link_response(browser_like, answer)
    assert returned.status_code in (200, 302, 303), returned.text[:300]
    item = platform.content_items[-1]
    assert item['type'] == 'ltiResourceLink' and item['custom'] == MODULE
    assert item['lineItem'] == {'scoreMaximum': 100, 'label': 'Safe use of an angle grinder',
                                'resourceId': 'safe-angle-grinder'}
    # The platform checked our signature against our JWKS; the picker cannot be reused.
    assert browser_like.post(picker.url, data={'csrf_token': csrf, 'modules': 'x'}).status_code == 403


def test_learners_cannot_deep_link(tool, platform, browser_like):
    response = platform.launch(browser_like, User.learner('sneaky'), message_type='LtiDeepLinkingRequest')
    assert response.status_code == 403


def test_jwks_publishes_rs256_keys(tool):
    import requests
    keys = requests.get(tool.base_url + '/lti/jwks', timeout=5).json()['keys']
    assert keys and all(k['kty'] == 'RSA' and k['alg'] == 'RS256' and k['kid'] and 'd' not in k for k in keys)
    assert len(jwt.PyJWK(keys[0]).key.public_numbers().n.to_bytes(512, 'big').lstrip(b'\0')) >= 256


# --------------------------------------------------------------------------- one test per attack

def _attack(platform, session, **token_options):
    login = platform.begin_login(session, User.learner('victim'), custom=MODULE, resource_link_id='rl-attack')
    return login, platform.make_id_token(login=login, **token_options)


@pytest.mark.parametrize(('name', 'token_options', 'reason'), [
    ('unknown kid', {'key': generate_rsa_key(), 'headers_overrides': {'kid': 'attacker-key'}}, 'unknown_kid'),
    ('signed with another key, platform kid', {'key': generate_rsa_key()}, 'bad_signature'),
    ('alg none', {'alg': 'none'}, 'alg_not_allowed'),
    ('HS256 with the public key as secret', {'alg': 'HS256'}, 'alg_not_allowed'),
    ('expired', {'claims_overrides': {'exp': 1_000_000_000, 'iat': 999_999_000}}, 'token_expired'),
    ('iat far in the future', {'claims_overrides': {'iat': 4_000_000_000, 'exp': 4_000_000_300}},
     'token_from_the_future'),
    ('wrong aud', {'claims_overrides': {'aud': 'someone-else'}}, 'unknown_registration'),
    ('our client among several aud without azp', {'claims_overrides': {'aud': ['microvet-client', 'x'],
                                                                     'azp': 'x'}}, 'unknown_registration'),
    ('wrong iss', {'claims_overrides': {'iss': 'https://evil.example'}}, 'unknown_registration'),
    ('unregistered deployment', {'claims_overrides': {
        'https://purl.imsglobal.org/spec/lti/claim/deployment_id': 'rogue-deployment'}}, 'unknown_deployment'),
    ('unknown message type', {'claims_overrides': {
        'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiStealDataRequest'}}, 'unsupported_message_type'),
    ('target_link_uri to another host', {'claims_overrides': {
        'https://purl.imsglobal.org/spec/lti/claim/target_link_uri': 'https://evil.example/lti/launch'}},
     'foreign_target_link_uri'),
    ('nonce not the one issued', {'nonce': 'forged-nonce'}, 'nonce_mismatch'),
])
def test_attack_is_refused_without_a_session(tool, platform, browser_like, name, token_options, reason):
    login, token = _attack(platform, browser_like, **token_options)
    response = platform.post_id_token(browser_like, login, token)
    assert response.status_code == 400, name
    assert _reason(response) == reason, name
    assert _signed_in_as(tool, browser_like) is None
    assert 'Traceback' not in response.text


def test_tampered_roles_break_the_signature(tool, platform, browser_like):
    login, token = _attack(platform, browser_like)
    roles_claim = 'https://purl.imsglobal.org/spec/lti/claim/roles'
    forged = platform.tamper_token(token, {roles_claim: [MEMBERSHIP + 'Instructor']})
    response = platform.post_id_token(browser_like, login, forged)
    assert (response.status_code, _reason(response)) == (400, 'bad_signature')
    assert _signed_in_as(tool, browser_like) is None


def test_replayed_id_token_is_refused(tool, platform, browser_like):
    login, token = _attack(platform, browser_like)
    assert platform.post_id_token(browser_like, login, token).status_code == 200
    browser_like.post(tool.base_url + '/logout')
    replay = platform.post_id_token(browser_like, login, token)
    assert (replay.status_code, _reason(replay)) == (400, 'unknown_state')
    assert _signed_in_as(tool, browser_like) is None


def test_missing_and_mismatched_state(tool, platform, browser_like):
    login, token = _attack(platform, browser_like)
    response = browser_like.post(login['redirect_uri'], data={'id_token': token})
    assert (response.status_code, _reason(response)) == (400, 'missing_state')
    other_login, _ = _attack(platform, browser_like)
    response = platform.post_id_token(browser_like, login, token, state=other_login['state'])
    assert (response.status_code, _reason(response)) == (400, 'nonce_mismatch')


def test_state_is_bound_to_the_browser(tool, platform, browser_like):
    from tests.lti.platform import browser_session
    login, token = _attack(platform, browser_like)
    with browser_session() as other_browser:  # has the id_token and state, but not the state cookie
        response = platform.post_id_token(other_browser, login, token)
    assert (response.status_code, _reason(response)) == (400, 'state_not_bound')
    assert 'Open in a new window' in response.text or 'blocks cookies' in response.text


def test_login_for_an_unknown_platform_is_refused(tool, browser_like):
    response = browser_like.get(tool.base_url + '/lti/login', params={'iss': 'https://unknown.example',
                                                                     'login_hint': 'x', 'target_link_uri': 'x'})
    assert (response.status_code, _reason(response)) == (400, 'login_invalid')


def test_in_iframe_login_checks_cookies_first(tool, platform, browser_like):
    response = browser_like.get(tool.base_url + '/lti/login', headers={'Sec-Fetch-Dest': 'iframe'},
                                params={'iss': platform.issuer, 'login_hint': 'x', 'client_id': platform.client_id,
                                        'target_link_uri': tool.base_url + '/lti/launch'})
    assert response.status_code == 200 and 'Open in a new window' in response.text
    assert 'name="lti1p3_cookies_ok"' in response.text
