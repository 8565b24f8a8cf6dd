import pytest

from config import DEFAULT_SECRET, ConfigError, ProductionConfig, config_from_env


def _prod(**overrides):
    base = {'SECRET_KEY': 'x' * 40, 'BASE_URL': 'https://tool.example.org',
            'SQLALCHEMY_DATABASE_URI': 'postgresql+psycopg://db/lms', 'DEMO_MODE': False,
            'SESSION_COOKIE_SECURE': True, 'SESSION_COOKIE_SAMESITE': 'None', 'BADGE_ISSUER_COUNTRY': 'DEU'}
    base.update(overrides)
    return base


def test_production_accepts_a_safe_configuration():
    ProductionConfig.validate(_prod())


@pytest.mark.parametrize(('overrides', 'expected'), [
    ({'SECRET_KEY': DEFAULT_SECRET}, 'SECRET_KEY'),
    ({'SECRET_KEY': 'short'}, 'SECRET_KEY'),
    ({'BASE_URL': 'http://tool.example.org'}, 'BASE_URL must be the public https://'),
    ({'SQLALCHEMY_DATABASE_URI': 'sqlite:///x.sqlite'}, 'use PostgreSQL'),
    ({'DEMO_MODE': True}, 'DEMO_MODE'),
    ({'SESSION_COOKIE_SAMESITE': 'Lax'}, 'SameSite=None'),
    ({'BADGE_ISSUER_COUNTRY': 'Germany'}, 'BADGE_ISSUER_COUNTRY'),
])
def test_production_refuses_unsafe_settings_with_a_clear_message(overrides, expected):
    with pytest.raises(ConfigError, match='Refusing to start in production') as info:
        ProductionConfig.validate(_prod(**overrides))
    assert expected in str(info.value)


def test_create_app_fails_fast_in_production(monkeypatch):
    from lms_ext.app import create_app
    with pytest.raises(ConfigError, match='SECRET_KEY'):
        create_app(ProductionConfig, SECRET_KEY=DEFAULT_SECRET)


def test_environment_picks_the_config_class(monkeypatch):
    monkeypatch.setenv('LMS_EXT_ENV', 'development')
    assert config_from_env().ENV_NAME == 'development'
    monkeypatch.delenv('LMS_EXT_ENV')
    assert config_from_env() is ProductionConfig  # fails closed
    monkeypatch.setenv('LMS_EXT_ENV', 'staging')
    with pytest.raises(ConfigError, match="expected one of"):
        config_from_env()
