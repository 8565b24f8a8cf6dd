"""Launches where the LMS offers its storage frame (`lti_storage_target`, LTI client-side postMessages):
the state is bound through the platform's storage instead of a cookie that an iframe may lose."""

import html
import re

import pytest

from tests.lti.platform import User, parse_auto_submit_form
from tests.lti.test_launch import MODULE, _reason, _signed_in_as


def _data(page: str) -> dict:
    box = re.search(r'<section id="lti-storage"([^>]*)>', page).group(1)
    return {k: html.unescape(v) for k, v in re.findall(r'data-([a-z]+)="([^"]*)"', box)}


def _storage_login(platform, session, user, **options) -> dict:
    """The platform's course page launches the tool with lti_storage_target; returns the tool's put page."""
    url = platform.course_page_url(user, custom=MODULE, storage_target='_parent', **options)
    launch_page = session.get(url.replace('/view.php', '/launch.php'))
    form = parse_auto_submit_form(launch_page.text, launch_page.url)
    assert form['fields']['lti_storage_target'] == '_parent'
    login = session.post(form['action'], data=form['fields'], allow_redirects=False)
    assert login.status_code == 200 and 'Set-Cookie' not in login.headers  # no state cookie at all
    return _data(login.text)


def _id_token_post(platform, session, put: dict) -> dict:
    """What the browser does after lti.put_data succeeded: the auth request, then the platform's form."""
    answer = session.get(put['next'], allow_redirects=False)
    return parse_auto_submit_form(answer.text, answer.url)


def test_the_login_stores_a_secret_in_the_platform_frame_and_the_launch_reads_it_back(tool, platform,
                                                                                       browser_like):
    put = _storage_login(platform, browser_like, User.learner('storage-1', given_name='Sam'))
    assert put['mode'] == 'put' and put['target'] == '_parent' and put['origin'] == platform.issuer
    assert put['next'].startswith(platform.auth_url) and put['key'].startswith('lti1p3_state-')
    form = _id_token_post(platform, browser_like, put)
    check = browser_like.post(form['action'], data=form['fields'], allow_redirects=False)
    assert check.status_code == 200 and _signed_in_as(tool, browser_like) is None
    get = _data(check.text)
    assert (get['mode'], get['key'], get['origin']) == ('get', put['key'], platform.issuer)
    resend = parse_auto_submit_form(check.text, check.url)['fields']
    landing = browser_like.post(form['action'], data={**resend, 'lti_storage_proof': put['value']})
    assert landing.status_code == 200 and _signed_in_as(tool, browser_like).startswith('Sam')
    replay = browser_like.post(form['action'], data={**resend, 'lti_storage_proof': put['value']})
    assert (replay.status_code, _reason(replay)) == (400, 'unknown_state')


@pytest.mark.parametrize('proof', ['wrong-secret', ''])
def test_a_launch_without_the_stored_secret_is_refused(tool, platform, browser_like, proof):
    put = _storage_login(platform, browser_like, User.learner(f'storage-2{proof}'))
    form = _id_token_post(platform, browser_like, put)
    data = {**form['fields'], 'lti_storage_proof': proof} if proof else form['fields']
    response = browser_like.post(form['action'], data=data, allow_redirects=False)
    if not proof:  # asks the browser for the proof; the state stays unused until then
        assert response.status_code == 200 and 'data-mode="get"' in response.text
        response = browser_like.post(form['action'], data={**form['fields'], 'lti_storage_proof': 'forged'})
    assert (response.status_code, _reason(response)) == (400, 'state_not_bound')
    assert _signed_in_as(tool, browser_like) is None


def test_a_bad_storage_target_is_refused(tool, platform, browser_like):
    response = browser_like.get(tool.base_url + '/lti/login', params={
        'iss': platform.issuer, 'login_hint': 'x', 'client_id': platform.client_id,
        'target_link_uri': tool.base_url + '/lti/launch', 'lti_storage_target': 'x"><script>'})
    assert (response.status_code, _reason(response)) == (400, 'login_invalid')


def test_in_a_real_browser_the_launch_works_through_the_platform_frame_without_cookies(tool, platform, browser):
    """Chromium opens the platform's course page; the tool's iframe talks to it with postMessage only."""
    page = browser.new_context().new_page()
    page.goto(platform.course_page_url(User.learner('storage-browser', given_name='Bea'),
                                       custom=MODULE, storage_target='_parent'))
    frame = page.frame_locator('#tool')
    frame.get_by_role('heading', name='How do you like to learn?').or_(
        frame.get_by_role('heading', name='Safe use of an angle grinder')).first.wait_for()
    assert page.evaluate('window.platformStorageLog') == ['lti.put_data', 'lti.get_data']
    assert not [c for c in page.context.cookies() if c['name'].startswith('lti1p3-')]
    page.context.close()
