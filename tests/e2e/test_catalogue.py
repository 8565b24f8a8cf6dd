"""A newcomer on a phone finds the demo module and what it teaches."""

import pytest
import requests

from tests.e2e.conftest import assert_basic_accessibility, assert_fits_phone

pytestmark = pytest.mark.e2e


def test_demo_module_on_a_phone(live_server, phone_page):
    page = phone_page
    page.goto(live_server + '/')
    assert_fits_phone(page)
    assert_basic_accessibility(page)
    page.get_by_role('link', name='Safe use of an angle grinder').click()
    page.wait_for_url('**/modules/safe-angle-grinder')
    assert page.get_by_role('heading', level=1).inner_text() == 'Safe use of an angle grinder'
    outcomes = page.locator('ol.outcomes > li')
    assert outcomes.count() == 6
    assert 'EQF level' in page.locator('dl.facts').inner_text()
    assert_fits_phone(page)
    assert_basic_accessibility(page)


def test_keyboard_user_can_skip_to_content(live_server, phone_page):
    page = phone_page
    page.goto(live_server + '/demo/')
    page.keyboard.press('Tab')
    skip = page.get_by_role('link', name='Skip to content')
    assert skip.evaluate('el => el === document.activeElement')
    box = skip.bounding_box()
    assert box and box['x'] >= 0  # visible when focused


def test_friendly_404_and_health_over_real_http(live_server, phone_page):
    assert requests.get(live_server + '/healthz', timeout=5).json()['status'] == 'ok'
    response = phone_page.goto(live_server + '/modules/does-not-exist')
    assert response.status == 404
    assert phone_page.get_by_role('heading', level=1).inner_text() == 'Page not found'
    assert 'Traceback' not in phone_page.content()
    assert_fits_phone(phone_page)
