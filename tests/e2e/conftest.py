"""A live app under gunicorn (2 workers) on its own database, and Debian's chromium for Playwright."""

import pytest

from tests.live import LiveTool

PHONE = {'width': 390, 'height': 844}


@pytest.fixture(scope='session')
def live_server():
    tool = LiveTool(label='e2e').start()
    yield tool.base_url
    tool.stop()


def phone_context(browser):
    """A new browser context the size of a phone (a second person's phone in two-party tests)."""
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


@pytest.fixture
def phone_page(browser):
    context = phone_context(browser)
    page = context.new_page()
    yield page
    context.close()


def assert_fits_phone(page) -> None:
    """No horizontal scrolling at phone width."""
    overflow = page.evaluate('document.documentElement.scrollWidth - window.innerWidth')
    assert overflow <= 0, f'page is {overflow}px wider than the phone screen'


def assert_basic_accessibility(page) -> None:
    """Landmarks, one h1, labelled inputs, alt texts, a declared language."""
    problems = page.evaluate('''() => {
        const p = [];
        if (!document.documentElement.lang) p.push('no lang on <html>');
        if (document.querySelectorAll('main').length !== 1) p.push('not exactly one <main>');
        if (document.querySelectorAll('h1').length !== 1) p.push('not exactly one <h1>');
        for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
            const labelled = (el.id && document.querySelector(`label[for="${el.id}"]`))
                || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.closest('label');
            if (!labelled) p.push(`unlabelled ${el.tagName} ${el.name}`);
        }
        for (const img of document.querySelectorAll('img')) {
            if (!img.hasAttribute('alt')) p.push(`img without alt ${img.src}`);
        }
        return p;
    }''')
    assert problems == []


def open_activity_as(page, live_server, button_name: str) -> None:
    """From the demo course page, launch as a persona; a first launch's questionnaire is skipped."""
    page.goto(live_server + '/demo/')
    page.get_by_role('button', name=button_name).first.click()
    page.wait_for_url(lambda url: '/links/' in url.split('?')[0] or '/preferences/questionnaire' in url)
    if '/preferences/questionnaire' in page.url:
        page.get_by_role('button', name='Skip for now').click()
        page.wait_for_url(lambda url: '/links/' in url.split('?')[0])
