"""In-person sign-off with two phones: the learner shows the code, the mentor types it, ticks the criteria and
signs; the learner confirms on their own phone; the checklist shows as passed on both."""

import re

import pytest

from tests.e2e.conftest import assert_basic_accessibility, assert_fits_phone, open_activity_as, phone_context

pytestmark = pytest.mark.e2e

PRACTICAL_STEP = 'Show it in the workshop'


def _open_practical_step(page, live_server) -> None:
    open_activity_as(page, live_server, 'Open as a new learner (first launch)')
    page.get_by_role('link', name='Start or continue the module').click()
    page.wait_for_url('**/steps/1')
    href = page.locator('.step-list a', has_text=PRACTICAL_STEP).get_attribute('href')
    page.goto(live_server + href)
    assert page.get_by_role('heading', level=1).inner_text() == PRACTICAL_STEP


def test_learner_and_mentor_sign_off_in_person_on_two_phones(live_server, browser):
    learner_context, mentor_context = phone_context(browser), phone_context(browser)
    try:
        learner, mentor = learner_context.new_page(), mentor_context.new_page()
        _open_practical_step(learner, live_server)
        learner.get_by_role('button', name='Ask for sign-off').click()
        learner.wait_for_url('**/practical/courses/*/sessions/*')
        assert learner.locator('.qr-frame svg').count() == 1
        code = re.sub(r'\D', '', learner.locator('[data-code]').inner_text())
        assert len(code) == 6
        assert_fits_phone(learner)
        assert_basic_accessibility(learner)

        open_activity_as(mentor, live_server, 'Open as Maria (mentor)')
        mentor.goto(live_server + '/practical/mentor')
        mentor.get_by_label("Code from the learner's screen").fill(code)
        mentor.get_by_role('button', name='Open the checklist').click()
        mentor.wait_for_url('**/practical/sessions/*/mentor')
        match = mentor.locator('[data-match]').inner_text()
        learner.locator('[data-match]').wait_for()  # the learner's page follows by polling
        assert learner.locator('[data-match]').inner_text() == match

        criteria = mentor.locator('input[type=radio][value=met]')
        for i in range(criteria.count()):
            criteria.nth(i).check()
        ratings = mentor.locator('input[type=radio][name^="o-"][value="3"]')
        assert ratings.count() == 6
        for i in range(ratings.count()):
            ratings.nth(i).check()
        mentor.get_by_label('Your full name (signature)').fill('Maria Costa')
        mentor.get_by_label('I watched this learner do the task in person').check()
        assert_fits_phone(mentor)
        assert_basic_accessibility(mentor)
        mentor.get_by_role('button', name='Sign the checklist').click()
        mentor.locator('[data-waiting]').wait_for()

        learner.get_by_role('button', name='Yes, confirm').click()
        assert 'Passed: your practical task is signed off.' in learner.locator('[data-outcome]').inner_text()
        mentor.locator('[data-outcome]').wait_for(timeout=15000)  # the mentor's page follows by polling
        assert 'Checklist passed' in mentor.locator('[data-outcome]').inner_text()

        learner.get_by_role('link', name=PRACTICAL_STEP).click()
        assert 'passed' in learner.locator('.practical-panel').inner_text()
    finally:
        learner_context.close()
        mentor_context.close()
