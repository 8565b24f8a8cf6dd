"""The end of the journey in a browser: the demo graduate finds his badge, downloads it and opens the public
page an employer would see; the baked PNG carries the hosted assertion."""

import json

import requests
from playwright.sync_api import expect

from lms_ext.badges import baking
from tests.e2e.conftest import assert_basic_accessibility, assert_fits_phone, open_activity_as


def test_graduate_sees_downloads_and_shares_his_badge_on_a_phone(live_server, phone_page):
    page = phone_page
    open_activity_as(page, live_server, 'Open as Gabriel (learner with a badge)')
    page.get_by_role('link', name='Start or continue the module').click()
    expect(page.get_by_role('heading', name='Module completed')).to_have_count(1)
    page.get_by_role('link', name='See your badge').click()
    page.wait_for_url('**/badges/mine')
    assert_fits_phone(page)
    assert_basic_accessibility(page)
    assert 'Safe use of an angle grinder' in page.locator('main').inner_text()

    href = page.get_by_role('link', name='Download PNG').get_attribute('href')
    png = requests.get(href if href.startswith('http') else live_server + href, timeout=10)
    assert png.status_code == 200 and png.headers['Content-Type'] == 'image/png'
    assertion = json.loads(baking.unbake(png.content))
    hosted = requests.get(assertion['id'], timeout=10)
    assert hosted.status_code == 200 and hosted.json()['id'] == assertion['id']
    assert 'linkedin.com/profile/add' in page.get_by_role('link', name='Add to LinkedIn profile').get_attribute('href')

    page.get_by_role('link', name='Open the public badge page').click()
    assert page.get_by_role('heading', level=1).inner_text() == 'Safe use of an angle grinder'
    assert page.locator('meta[property="og:image"]').get_attribute('content').endswith('.png')
    assert_fits_phone(page)
    assert_basic_accessibility(page)
    page.get_by_role('link', name='Evidence of the assessment').click()
    evidence = page.locator('main').inner_text()
    assert 'Check your knowledge' in evidence and '100 %' in evidence  # his quiz result
    assert 'signed off in person by a workplace mentor' in evidence
    assert 'Gabriel' not in evidence and 'gabriel.horvat' not in evidence  # no personal data
    assert_fits_phone(page)
