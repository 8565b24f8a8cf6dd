"""The learner player in a real browser: phone (360×740) and desktop, formats, resume after reload."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_basic_accessibility, assert_fits_phone, open_activity_as

pytestmark = pytest.mark.e2e


def _open_module_as(page, live_server, persona_button):
    open_activity_as(page, live_server, persona_button)
    page.get_by_role('link', name='Start or continue the module').click()
    page.wait_for_url('**/steps/*')


@pytest.mark.parametrize('viewport', [{'width': 360, 'height': 740}, {'width': 1280, 'height': 800}],
                         ids=['phone', 'desktop'])
def test_learner_walks_the_demo_module(live_server, browser, viewport):
    context = browser.new_context(viewport=viewport, is_mobile=viewport['width'] < 500)
    page = context.new_page()
    try:
        _open_module_as(page, live_server, 'Open as Lena (learner)')
        assert_fits_phone(page)
        assert_basic_accessibility(page)
        # (Lena's progress is shared by the runs of this test: start from the first unit (step 2, after the
        # self-assessment stage "Before you start") in video explicitly.)
        page.goto(page.url.rsplit('/steps/', 1)[0] + '/steps/2?format=video')
        assert page.get_by_role('heading', level=1).inner_text() == 'Hazards of the angle grinder'
        video = page.locator('video')
        assert video.count() == 1 and page.locator('video track[kind=captions]').count() == 2
        page.wait_for_function('document.querySelector("video").readyState >= 1')  # metadata over HTTP ranges
        assert page.evaluate('document.querySelector("video").duration') > 20
        assert page.get_by_label('Playback speed').count() == 1
        page.locator('details.transcript summary').first.click()
        assert 'grinder' in page.locator('details.transcript').first.inner_text().lower()

        # Switch to text: it sticks for the next steps.
        page.get_by_role('link', name='text', exact=True).click()
        assert 'Shown as text because you chose it.' in page.locator('.format-switch').inner_text()
        done = page.get_by_role('button', name='Done, next step →')
        if done.count():  # the first run marks the unit done; later runs find it done already
            done.click()
        else:
            page.get_by_role('link', name='Next →').click()
        page.wait_for_url('**/steps/3')
        assert 'Shown as text because you chose it.' in page.locator('.format-switch').inner_text()
        assert re.match(r'1 of \d+ required steps done', page.locator('.progress span').inner_text())

        # Hands-on and workbook formats are there too.
        page.get_by_role('link', name='hands-on task').click()
        page.wait_for_url('**format=hands_on*')
        expect(page.get_by_role('heading', name='Safety first')).to_have_count(1)
        page.get_by_role('link', name='workbook').click()
        page.wait_for_url('**format=workbook*')
        expect(page.get_by_role('link', name='Download the workbook')).to_have_count(1)

        # A reload, and a new visit from the course, resume at step 3.
        page.reload()
        assert page.get_by_role('heading', level=1).inner_text() == 'Choosing and fitting the right disc'
        open_activity_as(page, live_server, 'Open as Lena (learner)')
        page.get_by_role('link', name='Start or continue the module').click()
        page.wait_for_url('**/steps/3')
        assert_fits_phone(page)
        assert_basic_accessibility(page)
    finally:
        context.close()


def test_low_bandwidth_mode_shows_transcript_first_and_loads_no_media(live_server, phone_page):
    page = phone_page
    _open_module_as(page, live_server, 'Open as Lena (learner)')
    page.get_by_role('button', name='Slow connection? Turn on low-bandwidth mode').click()
    assert 'Low-bandwidth mode is on' in page.locator('.flashes').inner_text()
    page.get_by_role('link', name='video').click()
    assert page.locator('video').get_attribute('preload') == 'none'
    assert page.locator('details.transcript[open]').count() == 1
    page.get_by_role('button', name='Turn low-bandwidth mode off').click()
