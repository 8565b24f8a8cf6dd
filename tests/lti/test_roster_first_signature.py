"""The first signature of a fresh installation creates the tool key; calling the platform must not wait on it.

On a fresh install the roster is the first thing the tool signs (a client-credentials assertion). If the new key's
row were still uncommitted while the tool calls the platform, SQLite would lock every other writer out for the length
of the call — the built-in demo platform, served by the same app, could then not answer its own token request.
"""

import html
import re

import pytest
import requests

from tests.live import LiveTool


@pytest.fixture
def fresh_tool():
    tool = LiveTool(label='first_signature').start()  # development: the demo platform is on
    yield tool
    tool.stop()


def _demo_launch(tool: LiveTool, persona: str) -> requests.Session:
    """The demo course page's 'Open as …' button, followed as a browser does (auto-submitted form included)."""
    browser = requests.Session()
    start = browser.get(tool.base_url + '/demo/', timeout=10)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', start.text).group(1)
    signing_in = browser.post(tool.base_url + '/demo/launch', data={'csrf_token': csrf, 'persona': persona},
                              timeout=30)
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', signing_in.text).group(1))
    fields = {k: html.unescape(v) for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', signing_in.text)}
    landed = browser.post(action, data=fields, timeout=30)
    assert landed.status_code == 200 and '/links/' in landed.url, landed.text[:500]
    return browser


def test_the_first_roster_of_a_fresh_install_is_fetched(fresh_tool):
    browser = _demo_launch(fresh_tool, 'trainer')
    link = re.search(r'href="(/links/\d+/roster)"', browser.get(fresh_tool.base_url + '/links/1', timeout=10).text)
    page = browser.get(fresh_tool.base_url + link.group(1), timeout=60)
    assert page.status_code == 200
    assert 'could not be fetched' not in page.text and 'Lena Novak' in page.text, page.text[-1500:]
    assert 'database is locked' not in fresh_tool.log()
