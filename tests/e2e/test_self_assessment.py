"""A new learner rates themselves at two stages on a phone and sees the comparison (chart and table)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_basic_accessibility, assert_fits_phone, open_activity_as

pytestmark = pytest.mark.e2e


def _open_stage(page, title: str) -> None:
    page.locator('details.step-list summary').click()
    page.locator('details.step-list').get_by_role('link', name=title, exact=True).click()
    page.wait_for_url('**/steps/*')
    assert page.get_by_role('heading', level=1).inner_text() == title


def _rate_every_statement(page, label: str) -> None:
    items = page.locator('fieldset.sa-item')
    assert items.count() == 6
    for index in range(items.count()):
        items.nth(index).get_by_label(label).check()


def test_learner_fills_two_stages_and_compares_them(live_server, phone_page):
    page = phone_page
    open_activity_as(page, live_server, 'Open as a new learner (first launch)')
    page.get_by_role('link', name='Start or continue the module').click()
    page.wait_for_url('**/steps/*')

    _open_stage(page, 'Before you start')
    assert_fits_phone(page)
    assert_basic_accessibility(page)
    page.get_by_role('button', name='Save my answers').click()  # nothing chosen: every statement is named
    expect(page.locator('.error-summary li')).to_have_count(6)
    _rate_every_statement(page, 'Not yet')
    page.locator('fieldset.sa-item').first.get_by_label('Note (optional)').fill('Never held a grinder.')
    page.get_by_role('button', name='Save my answers').click()
    page.wait_for_url('**/steps/*')
    assert 'Your answers are saved' in page.locator('.sa-panel').inner_text()
    assert 'Never held a grinder.' in page.locator('.sa-panel').inner_text()

    _open_stage(page, 'After the theory')
    _rate_every_statement(page, 'With help')
    page.get_by_role('button', name='Save my answers').click()
    page.wait_for_url('**/steps/*')

    page.get_by_role('link', name='Compare my stages').click()
    page.wait_for_url('**/self-assessment')
    assert page.get_by_role('heading', level=1).inner_text() == 'How you rate yourself'
    charts = page.locator('svg.sa-chart[role=img]')
    assert charts.count() == 6 and charts.first.locator('circle.sa-point').count() == 2
    first_table = page.locator('section.sa-outcome table').first.inner_text()
    assert 'Before you start\tNot yet' in first_table and 'After the theory\tWith help' in first_table
    assert_fits_phone(page)
    assert_basic_accessibility(page)
