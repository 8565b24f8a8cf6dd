"""A learner takes the demo quiz on a phone: answers autosave, survive a reload, submit once, grade shown."""

import pytest

from tests.e2e.conftest import assert_basic_accessibility, assert_fits_phone

pytestmark = pytest.mark.e2e


def test_quiz_autosaves_resumes_and_submits(live_server, phone_page):
    page = phone_page
    page.goto(live_server + '/demo/')
    page.get_by_role('button', name='Open as a new learner (first launch)').first.click()
    page.get_by_role('button', name='Skip for now').click()
    page.get_by_role('link', name='Start or continue the module').click()
    page.wait_for_url('**/steps/1')
    page.goto(live_server + page.locator('.step-list a', has_text='Check your knowledge').get_attribute('href'))
    assert page.get_by_role('heading', level=1).inner_text() == 'Check your knowledge'
    page.get_by_role('button', name='Start the quiz').click()
    page.wait_for_url('**/attempts/*')
    assert_fits_phone(page)
    assert_basic_accessibility(page)

    disc = page.locator('fieldset[data-qtype=multichoice]')
    with page.expect_response(lambda r: '/answers/' in r.url and r.status == 200):
        disc.get_by_label('at least the rated speed of the grinder').check()
    assert disc.locator('.save-state').inner_text() == 'Saved'
    with page.expect_response(lambda r: '/answers/' in r.url and r.status == 200):
        page.locator('fieldset[data-qtype=truefalse]').get_by_label('True').check()
    number = page.locator('fieldset[data-qtype=numerical] input')
    with page.expect_response(lambda r: '/answers/' in r.url and r.status == 200):
        number.fill('30')
        number.blur()

    page.reload()  # a lost connection or a reload loses nothing
    assert page.locator('fieldset[data-qtype=multichoice] input:checked').count() == 1
    assert page.locator('fieldset[data-qtype=numerical] input').input_value() == '30'

    page.get_by_role('button', name='Submit for grading').dblclick()  # a double click submits once
    page.wait_for_url('**/review')
    assert 'Attempt 1:' in page.locator('main').inner_text()
    assert 'Right answer:' in page.locator('main').inner_text()
    assert_fits_phone(page)
    page.get_by_role('link', name='Back to the module').click()
    assert 'Attempt 1' in page.locator('.quiz-panel').inner_text()
