"""Every page a trainer reaches from the activity page works on a phone: it fits, it is accessible, it says
something useful (including when it is still empty)."""

import pytest

from tests.e2e.conftest import assert_basic_accessibility, assert_fits_phone, open_activity_as

pytestmark = pytest.mark.e2e

PAGES = {  # link on the activity page -> a heading of the page it opens
    'Course roster': 'Course roster',
    'Formats and completion': None,
    'Essays to grade': None,
    'How the group rates itself': None,
    'Calibration: self, quiz, mentor': None,
    'Mentors': None,
    'Sign-offs': None,
    'Badges': None,
}


@pytest.mark.parametrize('link', list(PAGES))
def test_trainer_page_fits_a_phone_and_is_accessible(live_server, phone_page, link):
    page = phone_page
    open_activity_as(page, live_server, 'Open as Tomas (trainer)')
    home = page.url
    page.get_by_role('link', name=link, exact=True).click()
    page.wait_for_load_state()
    assert page.url != home
    heading = page.get_by_role('heading', level=1).inner_text()
    assert heading and (PAGES[link] is None or heading == PAGES[link])
    assert 'Error' not in page.title()
    assert_fits_phone(page)
    assert_basic_accessibility(page)
