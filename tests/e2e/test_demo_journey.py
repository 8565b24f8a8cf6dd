"""The try-without-an-LMS journey in a real browser at phone width: real LTI launches end to end."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_basic_accessibility, assert_fits_phone, open_activity_as

pytestmark = pytest.mark.e2e


def test_learner_opens_the_module_from_the_demo_course(live_server, phone_page):
    page = phone_page
    page.goto(live_server + '/demo/')
    assert_fits_phone(page)
    assert_basic_accessibility(page)
    open_activity_as(page, live_server, 'Open as Lena (learner)')
    assert page.get_by_role('heading', level=1).inner_text() == 'Safe use of an angle grinder'
    assert page.locator('ol.outcomes > li').count() == 6
    assert page.get_by_text('You are a trainer in this course').count() == 0
    assert 'Lena Novak' in page.locator('header').inner_text()
    assert_fits_phone(page)
    assert_basic_accessibility(page)


def test_trainer_adds_a_module_with_deep_linking_and_sees_the_roster(live_server, phone_page):
    page = phone_page
    page.goto(live_server + '/demo/')
    activities_before = page.locator('ul.cards > li').count()
    page.get_by_role('button', name='Add a module as Tomas (trainer)').click()
    page.wait_for_url('**/lti/deep-link/**')
    assert_fits_phone(page)
    assert_basic_accessibility(page)
    page.get_by_role('button', name='Add to course').click()  # nothing chosen: the error names the field
    assert page.get_by_role('alert').inner_text().count('Choose at least one module.') == 1
    page.get_by_label('Safe use of an angle grinder').check()
    page.get_by_role('button', name='Add to course').click()
    page.wait_for_url('**/demo/platform/deep-link-return')
    assert page.get_by_role('heading', level=1).inner_text() == 'Added to the demo course'
    assert 'Grade column: Safe use of an angle grinder, out of 100' in page.content()
    page.get_by_role('link', name='Back to the demo course').click()
    expect(page.locator('ul.cards > li')).to_have_count(activities_before + 1)

    page.get_by_role('button', name='Open as Tomas (trainer)').first.click()
    page.wait_for_url('**/links/*')
    page.get_by_role('link', name='Course roster').click()
    rows = page.locator('tbody tr')
    assert rows.count() >= 6 and 'Lena Novak' in page.locator('tbody').inner_text()
    assert_fits_phone(page)


def test_mentor_sees_the_mentor_panel(live_server, phone_page):
    page = phone_page
    page.goto(live_server + '/demo/')
    page.get_by_role('button', name='Open as Maria (mentor)').first.click()
    page.wait_for_url('**/links/*')
    assert page.get_by_text('You are a workshop mentor in this course').count() == 1


def test_gradebook_page_explains_itself_when_empty_or_lists_columns(live_server, phone_page):
    phone_page.goto(live_server + '/demo/gradebook')
    assert phone_page.get_by_role('heading', level=1).inner_text() == 'Demo course gradebook'
    assert_fits_phone(phone_page)
