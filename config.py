"""Configuration read from the environment.

`LMS_EXT_ENV` picks the class (development, testing, production; production when unset, so
a forgotten variable fails closed). Every class reads the same environment variables; the
README lists them.
"""

import os
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET = 'dev-only-insecure-secret-change-me'  # noqa: S105 - the value production refuses
KNOWN_PREFIXED = {'LMS_EXT_ENV', 'LMS_EXT_ALLOW_SQLITE'}


class ConfigError(RuntimeError):
    """Raised when the configuration is unsafe or incomplete; the message says what to set."""


def _database_url(default: str) -> str:
    url = os.environ.get('DATABASE_URL', default)
    # Heroku-style URLs; SQLAlchemy 2 only knows the postgresql scheme, and we use psycopg 3.
    if url.startswith('postgres://'):
        url = 'postgresql://' + url[len('postgres://'):]
    if url.startswith('postgresql://'):
        url = 'postgresql+psycopg://' + url[len('postgresql://'):]
    return url


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {'1', 'true', 'yes', 'on'}


class Config:
    ENV_NAME = 'base'
    SECRET_KEY = os.environ.get('SECRET_KEY', DEFAULT_SECRET)
    BASE_URL = os.environ.get('BASE_URL', 'http://127.0.0.1:5000').rstrip('/')
    INSTANCE_DIR = Path(os.environ.get('INSTANCE_DIR', BASE_DIR / 'instance'))
    SQLALCHEMY_DATABASE_URI = _database_url(f'sqlite:///{INSTANCE_DIR / "lms_ext.sqlite"}')
    SQLALCHEMY_ENGINE_OPTIONS = {'pool_recycle': 1800}
    # Pooled connections idle this long are pinged before use (core.db.ping_idle_connections); busy ones are not.
    DATABASE_PING_IDLE_SECONDS = float(os.environ.get('DATABASE_PING_IDLE_SECONDS', '10'))
    REDIS_URL = os.environ.get('REDIS_URL') or None
    MEDIA_DIR = Path(os.environ.get('MEDIA_DIR', INSTANCE_DIR / 'media'))
    MAX_CONTENT_LENGTH = int(os.environ.get('MAX_UPLOAD_MB', '200')) * 1024 * 1024
    LOG_LEVEL = os.environ.get('LOG_LEVEL', 'INFO')
    LOG_FORMAT = os.environ.get('LOG_FORMAT', 'json')  # json or text

    # Languages we ship a catalogue for; the LTI launch locale picks among them.
    LANGUAGES = ('en',)
    BABEL_DEFAULT_LOCALE = 'en'
    BABEL_DEFAULT_TIMEZONE = 'UTC'
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / 'lms_ext' / 'translations')

    # The tool lives in LMS iframes: cookies must be sent cross-site.
    SESSION_COOKIE_NAME = 'lms_ext_session'
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = BASE_URL.startswith('https://')
    SESSION_COOKIE_SAMESITE = 'None' if SESSION_COOKIE_SECURE else 'Lax'
    SESSION_COOKIE_PARTITIONED = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = 'https' if SESSION_COOKIE_SECURE else 'http'

    WTF_CSRF_TIME_LIMIT = None  # bound to the session instead; long quizzes must not expire the form
    WTF_CSRF_SSL_STRICT = False  # LMS iframes send no Referer we could trust to match
    RATELIMIT_STORAGE_URI = REDIS_URL or 'memory://'
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = _bool('RATELIMIT_ENABLED', True)  # off only for load tests
    # Each process keeps active LTI registrations this long (lms_ext/lti/registry.py); 0 = always read them.
    LTI_REGISTRATION_CACHE_SECONDS = int(os.environ.get('LTI_REGISTRATION_CACHE_SECONDS', '10'))

    COMPRESS_MIMETYPES = ['text/html', 'text/css', 'text/javascript', 'application/javascript', 'application/json',
                          'text/vtt', 'image/svg+xml']
    COMPRESS_ALGORITHM = ['br', 'gzip']
    COMPRESS_MIN_SIZE = 500
    # First retry of a failed grade pass-back after this many seconds, doubling up to 6 hours.
    AGS_RETRY_BASE_SECONDS = int(os.environ.get('AGS_RETRY_BASE_SECONDS', '30'))
    DEMO_MODE = _bool('DEMO_MODE', False)

    # Open Badges issuer of this installation (an organisation row per LMS issuer may override it).
    BADGE_ISSUER_NAME = os.environ.get('BADGE_ISSUER_NAME', 'microVET training provider')
    BADGE_ISSUER_URL = os.environ.get('BADGE_ISSUER_URL', BASE_URL)
    BADGE_ISSUER_EMAIL = os.environ.get('BADGE_ISSUER_EMAIL', 'badges@example.org')
    BADGE_ISSUER_DESCRIPTION = os.environ.get(
        'BADGE_ISSUER_DESCRIPTION', 'Vocational education and training provider issuing microVET micro-credentials.')
    BADGE_ISSUER_IMAGE = os.environ.get('BADGE_ISSUER_IMAGE', '')  # an https URL of the issuer's logo
    BADGE_ISSUER_COUNTRY = os.environ.get('BADGE_ISSUER_COUNTRY', 'DEU')  # ISO 3166-1 alpha-3
    BADGE_STACKABILITY = os.environ.get(
        'BADGE_STACKABILITY', 'Stand-alone micro-credential; can be combined with other microVET modules.')
    BADGE_VALID_DAYS = int(os.environ.get('BADGE_VALID_DAYS', '0')) or None  # badges expire after N days
    # Outgoing mail (e-mail confirmation for badges). Without SMTP_HOST messages stay in the outbox table,
    # shown at /badges/outbox in demo mode.
    SMTP_HOST = os.environ.get('SMTP_HOST') or None
    SMTP_PORT = int(os.environ.get('SMTP_PORT', '587'))
    SMTP_USERNAME = os.environ.get('SMTP_USERNAME') or None
    SMTP_PASSWORD = os.environ.get('SMTP_PASSWORD') or None
    SMTP_STARTTLS = _bool('SMTP_STARTTLS', True)
    MAIL_FROM = os.environ.get('MAIL_FROM', 'microVET <no-reply@example.org>')
    TRUST_PROXY_HEADERS = _bool('TRUST_PROXY_HEADERS', False)
    TESTING = False
    DEBUG = False

    @classmethod
    def validate(cls, config) -> None:
        """Fail fast on unsafe settings; the base class only warns about unknown variables."""
        unknown = sorted(k for k in os.environ if k.startswith('LMS_EXT_') and k not in KNOWN_PREFIXED)
        if unknown:
            warnings.warn(f'Unknown LMS_EXT_* variables ignored: {", ".join(unknown)}', stacklevel=2)


class DevelopmentConfig(Config):
    ENV_NAME = 'development'
    DEMO_MODE = _bool('DEMO_MODE', True)
    LOG_FORMAT = os.environ.get('LOG_FORMAT', 'text')


class TestConfig(Config):
    ENV_NAME = 'testing'
    TESTING = True
    SECRET_KEY = 'test-secret-key-that-is-long-enough-0123456789'  # noqa: S105
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get('TEST_DATABASE_URL', 'sqlite://'))
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    LTI_REGISTRATION_CACHE_SECONDS = 0  # tests reuse issuers across databases; tests/lti/test_registry.py turns it on
    REDIS_URL = None
    RATELIMIT_STORAGE_URI = 'memory://'
    DEMO_MODE = True
    LOG_FORMAT = 'text'
    LOG_LEVEL = 'WARNING'


class ProductionConfig(Config):
    ENV_NAME = 'production'
    DEMO_MODE = False

    @classmethod
    def validate(cls, config) -> None:
        super().validate(config)
        problems = []
        secret = config.get('SECRET_KEY') or ''
        if secret == DEFAULT_SECRET or len(secret) < 32:
            problems.append('SECRET_KEY must be set to a random value of at least 32 characters '
                            '(python -c "import secrets; print(secrets.token_urlsafe(48))").')
        if not str(config.get('BASE_URL', '')).startswith('https://'):
            problems.append('BASE_URL must be the public https:// address of the tool '
                            '(LMS platforms only launch https tools).')
        if config['SQLALCHEMY_DATABASE_URI'].startswith('sqlite') and not _bool('LMS_EXT_ALLOW_SQLITE'):
            problems.append('DATABASE_URL points at SQLite; use PostgreSQL in production '
                            '(or set LMS_EXT_ALLOW_SQLITE=1 for a single-process trial).')
        if config.get('DEMO_MODE'):
            problems.append('DEMO_MODE must be off in production.')
        country = str(config.get('BADGE_ISSUER_COUNTRY', ''))
        if not (country.isalpha() and len(country) == 3):
            problems.append('BADGE_ISSUER_COUNTRY must be the ISO 3166-1 alpha-3 code of the issuer, e.g. DEU.')
        if not config.get('SESSION_COOKIE_SECURE') or config.get('SESSION_COOKIE_SAMESITE') != 'None':
            problems.append('Session cookies must be Secure and SameSite=None for LMS iframes.')
        if problems:
            raise ConfigError('Refusing to start in production:\n  - ' + '\n  - '.join(problems))


CONFIGS = {'development': DevelopmentConfig, 'testing': TestConfig, 'production': ProductionConfig}


def config_from_env() -> type[Config]:
    """Pick the configuration class named by LMS_EXT_ENV (production when unset)."""
    name = os.environ.get('LMS_EXT_ENV', 'production')
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f'LMS_EXT_ENV={name!r}; expected one of {", ".join(CONFIGS)}') from None
