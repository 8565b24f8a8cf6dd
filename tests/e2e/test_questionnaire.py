"""Issue 5's journey on a phone: a new learner answers the questionnaire, lands on the matching format,
switches, and the switch sticks across units and reloads."""

import pytest

from tests.e2e.conftest import assert_basic_accessibility, assert_fits_phone

pytestmark = pytest.mark.e2e

KINESTHETIC = ['Try it carefully, with someone next to me', 'Driving there together once',
               'Having done it myself a few times', 'Check it step by step, one part at a time',
               'Do it together with them', 'The practical exercise', 'Practise the real tasks',
               'start and learn from what happens', 'Being shown how to do it better']


def test_new_learner_is_routed_by_their_answers_and_keeps_their_switch(live_server, phone_page):
    page = phone_page
    page.goto(live_server + '/demo/')
    page.get_by_role('button', name='Open as a new learner (first launch)').first.click()
    page.wait_for_url('**/preferences/questionnaire**')
    assert page.get_by_role('heading', level=1).inner_text() == 'How do you like to learn?'
    assert_fits_phone(page)
    assert_basic_accessibility(page)
    for label in KINESTHETIC:
        page.get_by_label(label, exact=True).check()
    page.get_by_label('Good and unlimited').check()
    page.get_by_label('A quiet room').check()
    page.get_by_role('button', name='Save my preferences').click()
    page.wait_for_url('**/links/*')
    page.get_by_role('link', name='Start or continue the module').click()
    page.wait_for_url('**/steps/1')  # the self-assessment stage "Before you start"; the first unit follows
    page.goto(page.url.rsplit('/steps/', 1)[0] + '/steps/2')
    switch = page.locator('.format-switch')
    assert 'Shown as hands-on task because you said you like to start with doing it with your hands.' in \
        switch.inner_text()
    assert page.get_by_role('heading', name='Safety first').count() == 1

    switch.get_by_role('link', name='audio').click()
    assert 'Shown as audio because you chose it.' in page.locator('.format-switch').inner_text()
    page.get_by_role('button', name='Done, next step →').click()
    page.wait_for_url('**/steps/3')
    assert 'Shown as audio because you chose it.' in page.locator('.format-switch').inner_text()
    page.reload()
    assert 'Shown as audio' in page.locator('.format-switch').inner_text()
    assert page.locator('audio').count() == 1
    assert_fits_phone(page)

    page.get_by_role('link', name='My learning preferences').click()
    assert 'You said you like to start with doing it with your hands' in page.locator('main').inner_text()
    assert_basic_accessibility(page)
