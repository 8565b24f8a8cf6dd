"""Rate limits, on the real app over HTTP: sign-off codes typed by a mentor, and badge e-mail claims.

The app runs in its own gunicorn process (one worker, so its in-memory limiter counts every request) with
rate limits on, as in production; the personas come in through the demo launcher like everyone else.
"""

import re

import pytest

from tests.e2e.conftest import open_activity_as
from tests.live import LiveTool


@pytest.fixture(scope='module')
def limited_server():
    tool = LiveTool(label='limits', workers=1, threads=2, env={'RATELIMIT_ENABLED': '1'}).start()
    yield tool.base_url
    tool.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def _csrf(page, path: str, base: str) -> str:
    page.goto(base + path)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.content()).group(1)


def test_a_mentor_typing_codes_is_stopped_after_ten_a_minute(limited_server, page):
    open_activity_as(page, limited_server, 'Open as Maria (mentor)')
    token = _csrf(page, '/practical/mentor', limited_server)
    statuses = [page.request.post(limited_server + '/practical/mentor', form={'csrf_token': token, 'code': '000000'},
                                  max_redirects=0).status for _ in range(11)]
    assert 429 not in statuses[:10] and statuses[10] == 429, statuses
    answer = page.request.post(limited_server + '/practical/mentor', form={'csrf_token': token, 'code': '000000'})
    assert answer.status == 429 and 'microVET' in answer.text()  # the app's own error page, not a bare text


def test_a_learner_can_ask_for_five_confirmation_mails_an_hour(limited_server, page):
    open_activity_as(page, limited_server, 'Open as Lena (learner)')
    token = _csrf(page, '/badges/mine', limited_server)
    statuses = [page.request.post(limited_server + '/badges/email',
                                  form={'csrf_token': token, 'email': f'lena{n}@example.org'},
                                  max_redirects=0).status for n in range(6)]
    # (Lena's address came with her launch, so the claims are refused with 409 — they count all the same)
    assert 429 not in statuses[:5] and statuses[5] == 429, statuses
