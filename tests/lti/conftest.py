"""The tool under gunicorn and the independent strict platform, registered with each other."""

import pytest

from tests.live import LiveTool
from tests.lti.platform import StrictPlatform, browser_session


@pytest.fixture(scope='session')
def tool():
    live = LiveTool(label='lti', env={'AGS_RETRY_BASE_SECONDS': '1'}).start()
    live.start_worker()
    yield live
    live.stop()


@pytest.fixture(scope='session')
def platform(tool):
    strict = StrictPlatform(tool_login_url=tool.base_url + '/lti/login', tool_launch_url=tool.base_url + '/lti/launch',
                            tool_jwks_url=tool.base_url + '/lti/jwks', tool_deep_link_url=tool.base_url + '/lti/launch')
    strict.start()
    tool.cli('lti', 'add-platform', '--issuer', strict.issuer, '--client-id', strict.client_id,
             '--login-url', strict.auth_url, '--token-url', strict.token_url, '--jwks-url', strict.jwks_url,
             '--deployment', strict.deployment_id, '--name', 'Strict Moodle')
    yield strict
    strict.stop()
    assert strict.errors == []  # the fixture itself never crashed


@pytest.fixture
def browser_like():
    """A requests session that keeps cookies like a browser (Secure cookies on 127.0.0.1 too)."""
    with browser_session() as session:
        yield session
