"""The whole product on two phones, as a newcomer walks it in the demo: launch → questionnaire → a first
self-assessment → the units in the chosen format → the quiz → a second self-assessment → the in-person sign-off
by the workshop mentor → a last look back → the module completed → the learner's Open Badge, issued once they
confirm an e-mail address (the demo platform, like many LMSs, sends none for a new learner)."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_basic_accessibility, assert_fits_phone, open_activity_as, phone_context

pytestmark = pytest.mark.e2e


def _go_to(page, title: str) -> None:
    page.locator('details.step-list summary').click()
    page.locator('details.step-list').get_by_role('link', name=title, exact=True).click()
    page.wait_for_url('**/steps/*')
    assert page.get_by_role('heading', level=1).inner_text() == title


def _rate_stage(page, title: str, level: str) -> None:
    _go_to(page, title)
    items = page.locator('fieldset.sa-item')
    for index in range(items.count()):
        items.nth(index).get_by_label(level).check()
    page.get_by_role('button', name='Save my answers').click()
    page.wait_for_url('**/steps/*')
    assert 'Your answers are saved' in page.locator('.sa-panel').inner_text()


def _answer_the_quiz(page) -> None:
    _go_to(page, 'Check your knowledge')
    page.get_by_role('button', name='Start the quiz').click()
    page.wait_for_url('**/attempts/*')
    page.locator('fieldset[data-qtype=multichoice]').get_by_label('at least the rated speed of the grinder').check()
    page.locator('fieldset[data-qtype=truefalse]').get_by_label('True').check()
    page.locator('fieldset[data-qtype=shortanswer] input').fill('guard')
    number = page.locator('fieldset[data-qtype=numerical]')
    number.locator('input').fill('30')
    number.locator('input').blur()
    expect(number.locator('.save-state')).to_have_text('Saved')  # every answer is on the server
    page.get_by_role('button', name='Submit for grading').click()
    page.wait_for_url('**/review')
    assert 'Passed' in page.locator('main').inner_text()
    page.get_by_role('link', name='Back to the module').click()
    page.wait_for_url('**/steps/*')


def _signed_off_by_maria(learner, mentor, live_server) -> None:
    _go_to(learner, 'Show it in the workshop')
    learner.get_by_role('button', name='Ask for sign-off').click()
    learner.wait_for_url('**/practical/courses/*/sessions/*')
    code = re.sub(r'\D', '', learner.locator('[data-code]').inner_text())
    open_activity_as(mentor, live_server, 'Open as Maria (mentor)')
    mentor.get_by_role('link', name='Sign off a learner').click()
    mentor.get_by_label("Code from the learner's screen").fill(code)
    mentor.get_by_role('button', name='Open the checklist').click()
    mentor.wait_for_url('**/practical/sessions/*/mentor')
    criteria = mentor.locator('input[type=radio][value=met]')
    for i in range(criteria.count()):
        criteria.nth(i).check()
    ratings = mentor.locator('input[type=radio][name^="o-"][value="3"]')
    for i in range(ratings.count()):
        ratings.nth(i).check()
    mentor.get_by_label('Your full name (signature)').fill('Maria Costa')
    mentor.get_by_label('I watched this learner do the task in person').check()
    mentor.get_by_role('button', name='Sign the checklist').click()
    mentor.locator('[data-waiting]').wait_for()
    learner.get_by_role('button', name='Yes, confirm').click()
    assert 'Passed: your practical task is signed off.' in learner.locator('[data-outcome]').inner_text()
    learner.get_by_role('link', name='Show it in the workshop').click()
    learner.wait_for_url('**/steps/*')


def test_a_newcomer_walks_the_whole_journey_to_the_badge(live_server, browser):
    learner_context, mentor_context = phone_context(browser), phone_context(browser)
    try:
        learner, mentor = learner_context.new_page(), mentor_context.new_page()
        learner.goto(live_server + '/demo/')
        learner.get_by_role('button', name='Open as a new learner (first launch)').first.click()
        learner.wait_for_url('**/preferences/questionnaire**')
        learner.get_by_role('button', name='Skip for now').click()
        learner.get_by_role('link', name='Start or continue the module').click()
        learner.wait_for_url('**/steps/1')

        _rate_stage(learner, 'Before you start', 'Not yet')
        for unit in ('Hazards of the angle grinder', 'Choosing and fitting the right disc',
                     'Personal protective equipment', 'Safe cutting and grinding technique'):
            _go_to(learner, unit)
            assert learner.locator('.format-switch').count() == 1  # shown in a format, the others a tap away
            learner.get_by_role('button', name=re.compile('^Done')).click()
        _answer_the_quiz(learner)
        _rate_stage(learner, 'After the theory', 'With help')
        assert 'signed off by your mentor' in learner.locator('.completion-rule').inner_text()
        _signed_off_by_maria(learner, mentor, live_server)
        _rate_stage(learner, 'After the practice', 'On my own')

        rule = learner.locator('.completion-rule')
        assert rule.get_by_role('heading', name='Module completed').count() == 1
        assert_fits_phone(learner)
        assert_basic_accessibility(learner)
        rule.get_by_role('link', name='See your badge').click()
        learner.wait_for_url('**/badges/mine')
        assert 'Safe use of an angle grinder' in learner.locator('main').inner_text()
        # The demo platform, like many LMSs, sent no e-mail address: the badge waits for one the learner confirms.
        assert 'It is issued as soon as you confirm your e-mail address.' in learner.locator('main').inner_text()
        address = f'newcomer-{uuid.uuid4().hex[:8]}@example.org'
        learner.get_by_label('E-mail address').fill(address)
        learner.get_by_role('button', name='Send confirmation link').click()
        learner.get_by_role('link', name='Open the demo outbox to read it').click()
        learner.wait_for_url('**/badges/outbox')
        message = learner.locator('.outbox-message').filter(has_text=address)
        message.get_by_role('link').first.click()
        expect(learner.get_by_role('heading', name='E-mail address confirmed')).to_have_count(1)
        assert_fits_phone(learner)
        learner.get_by_role('link', name='My badges').last.click()
        expect(learner.get_by_role('link', name='Download PNG')).to_have_count(1)
        assert_fits_phone(learner)
    finally:
        learner_context.close()
        mentor_context.close()
