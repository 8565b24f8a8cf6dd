import pytest
from flask import session
from flask_babel import get_locale

from config import TestConfig
from lms_ext.app import create_app


@pytest.fixture
def bilingual_app(database):
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database['url'],
                      SQLALCHEMY_ENGINE_OPTIONS=database['engine_options'], LANGUAGES=('en', 'nl'))


def test_launch_locale_in_the_session_wins_over_the_browser(bilingual_app):
    with bilingual_app.test_request_context('/', headers={'Accept-Language': 'en-GB,en;q=0.9'}):
        session['locale'] = 'nl-NL'  # as stored by an LTI launch
        assert str(get_locale()) == 'nl'


def test_browser_language_is_used_without_a_launch_locale(bilingual_app):
    with bilingual_app.test_request_context('/', headers={'Accept-Language': 'nl-BE,nl;q=0.9,en;q=0.5'}):
        assert str(get_locale()) == 'nl'


def test_unsupported_locales_fall_back_to_english(bilingual_app):
    with bilingual_app.test_request_context('/', headers={'Accept-Language': 'el-GR'}):
        session['locale'] = 'bg'
        assert str(get_locale()) == 'en'


def test_pages_declare_their_language(client):
    assert b'<html lang="en">' in client.get('/').data
