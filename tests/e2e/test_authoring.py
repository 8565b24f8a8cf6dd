"""A trainer edits the demo module in a real browser: new draft, drag-and-drop reorder, preview, delete."""

import pytest

from tests.e2e.conftest import assert_basic_accessibility

pytestmark = pytest.mark.e2e


def test_trainer_reorders_steps_by_drag_and_drop_in_a_new_draft(live_server, browser):
    # Tall enough that every step is on screen: Playwright's drag does not scroll between press and drop.
    context = browser.new_context(viewport={'width': 1280, 'height': 2400})
    page = context.new_page()
    try:
        page.goto(live_server + '/demo/')
        page.get_by_role('button', name='Open as Tomas (trainer)').first.click()
        page.wait_for_url('**/links/*')
        page.get_by_role('link', name='Author modules').click()
        page.get_by_role('link', name='Version 1').click()
        assert 'cannot change' in page.content()
        page.get_by_role('button', name='Create a new draft from this version').click()
        page.wait_for_selector('ol.author-steps[data-reorder-url]')
        assert_basic_accessibility(page)
        titles = page.locator('ol.author-steps > li h3')
        assert titles.nth(0).inner_text().startswith('⠿ 1. Before you start')
        with page.expect_navigation(), page.expect_response(lambda r: '/order' in r.url and r.status == 204):
            page.locator('ol.author-steps > li').nth(4).drag_to(page.locator('ol.author-steps > li').nth(0),
                                                                 target_position={'x': 20, 'y': 5})
        assert 'Safe cutting and grinding technique' in titles.nth(0).inner_text()
        # the no-JavaScript way does the same
        page.locator('ol.author-steps > li').nth(0).get_by_role('button', name='Move down').click()
        assert 'Before you start' in page.locator('ol.author-steps > li h3').nth(0).inner_text()
        page.get_by_role('link', name='Preview as a learner').click()
        assert 'Preview of version 2 (draft)' in page.content()
        page.get_by_role('link', name='Back to editing').click()
        page.get_by_role('button', name='Delete this draft').click()
        assert 'Draft deleted.' in page.content()
    finally:
        context.close()
