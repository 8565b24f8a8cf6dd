"""Interactive quiz with certainty-based marking on a phone: a trainer (Tomas) makes a new draft of the demo
module with such a quiz through the authoring pages and publishes it; a new learner checks a wrong answer, sees
the feedback at once, tries again and gets the penalised mark, then the CBM results. Runs on its own live
server, since it publishes a version."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, assert_basic_accessibility, assert_fits_phone, open_activity_as
from tests.live import LiveTool

pytestmark = pytest.mark.e2e

GIFT = '''::Guard::The guard of an angle grinder may be removed for fine work.{FALSE
  #No: it must stay on.
  #Right: the guard stays on.
  ####The guard protects you from a bursting disc.}

::Speed::A cutting disc must be rated for {
  =at least the grinder's speed#Right.
  ~any speed#No: a slower disc can burst.
  ~half the grinder's speed#No: a slower disc can burst.}
'''


@pytest.fixture(scope='module')
def own_server():
    tool = LiveTool(label='e2e_interactive', workers=1).start()
    yield tool.base_url
    tool.stop()


def test_learner_checks_a_wrong_answer_tries_again_and_gets_the_penalised_mark(own_server, browser):
    desk = browser.new_context(viewport={'width': 1280, 'height': 1600})
    page = desk.new_page()
    try:  # the trainer's authoring pages: new draft, questions, interactive settings, publish
        page.goto(own_server + '/demo/')
        page.get_by_role('button', name='Open as Tomas (trainer)').first.click()
        page.wait_for_url('**/links/*')
        page.get_by_role('link', name='Author modules').click()
        page.get_by_role('link', name='Version 1').click()
        page.get_by_role('button', name='Create a new draft from this version').click()
        expect(page.get_by_role('heading', name='Badge image')).to_have_count(1)  # upload or keep the generated one
        expect(page.get_by_label('Your own badge image')).to_have_count(1)
        page.get_by_role('link', name='Questions and settings').first.click()
        expect(page.get_by_role('button', name='remove')).to_have_count(6)  # the new draft kept the demo questions
        expect(page.get_by_role('link', name='Download as Moodle XML')).to_have_count(1)
        expect(page.get_by_label('…drawn from this category or tag')).to_have_count(1)
        while page.get_by_role('button', name='remove').count():  # this quiz gets two questions of its own
            page.get_by_role('button', name='remove').first.click()
        page.get_by_label('…or paste GIFT or Moodle XML text').fill(GIFT)
        page.get_by_role('button', name='Import').click()
        assert '2 questions imported.' in page.content()
        page.get_by_label('Question behaviour').select_option('interactive')
        page.get_by_label('Certainty-based marking: learners say how sure they are (C1–C3)').check()
        page.get_by_role('button', name='Save settings').click()
        assert 'Quiz settings saved.' in page.content()
        page.locator('main p.muted a').first.click()
        page.get_by_role('button', name='Publish').click()
        assert 'Create a new draft from this version' in page.content()
    finally:
        desk.close()

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = phone.new_page()
    try:
        open_activity_as(page, own_server, 'Open as a new learner (first launch)')
        page.get_by_role('link', name='Start or continue the module').click()
        page.wait_for_url('**/steps/1')
        page.goto(own_server + page.locator('.step-list a', has_text='Check your knowledge')
                  .get_attribute('href'))
        page.get_by_role('button', name='Start the quiz').click()
        page.wait_for_url('**/attempts/*')
        assert_fits_phone(page)
        assert_basic_accessibility(page)

        guard = page.locator('fieldset[data-qtype=truefalse]')
        with page.expect_response(lambda r: '/answers/' in r.url and r.status == 200):
            guard.get_by_label('True').check()
        with page.expect_response(lambda r: r.url.endswith('/check') and r.status == 200):
            guard.get_by_role('button', name='Check').click()
        result = guard.locator('.check-result')  # filled in by the page's script after the response
        expect(result).to_contain_text('Not right.')
        assert '2 tries left' in result.inner_text() and 'No: it must stay on.' in result.inner_text()
        assert_fits_phone(page)

        page.reload()  # the try survives a reload
        guard = page.locator('fieldset[data-qtype=truefalse]')
        assert 'Try 1 of 3: mark 0%.' in guard.locator('.check-result').inner_text()
        guard.get_by_label('False').check()
        guard.get_by_label('C2: fairly sure (above 67%). Right: 2 marks, wrong: −2').check()
        with page.expect_response(lambda r: r.url.endswith('/check') and r.status == 200):
            guard.get_by_role('button', name='Check').click()
        expect(guard.locator('.check-result')).to_contain_text('Try 2 of 3')
        text = guard.locator('.check-result').inner_text()
        assert 'Right.' in text and 'Try 2 of 3: mark 66.7%.' in text and 'Right: the guard stays on.' in text
        assert guard.get_by_label('True').is_disabled() and guard.get_by_role('button', name='Check').count() == 0

        speed = page.locator('fieldset[data-qtype=multichoice]')
        speed.get_by_label("at least the grinder's speed").check()
        with page.expect_response(lambda r: '/answers/' in r.url and r.status == 200):
            speed.get_by_label('C3: very sure (above 80%). Right: 3 marks, wrong: −6').check()
        page.get_by_role('button', name='Submit for grading').click()  # never checked: graded as a first try
        page.wait_for_url('**/review')
        main = page.locator('main').inner_text()
        # CBM marks: C2 × 0.66667 (penalised) and C3 × 1; average 2.16667 of 3; accuracy (0.66667 + 1) / 2
        assert 'Attempt 1: 72%.' in main and 'CBM average 2.17' in main and 'accuracy 83%' in main
        assert 'Mark after penalty' in main and '66.7%' in main and 'Certainty: C3.' in main
        assert_fits_phone(page)
        assert_basic_accessibility(page)
    finally:
        phone.close()
