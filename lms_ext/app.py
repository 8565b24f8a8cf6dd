"""The application factory: everything the app consists of is listed here, explicitly."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import config as config_module

REPO_DIR = Path(__file__).resolve().parent.parent


def create_app(config=None, **overrides) -> Flask:
    """Build the app from a config class (default: chosen by LMS_EXT_ENV) plus overrides."""
    config = config or config_module.config_from_env()
    app = Flask('lms_ext', template_folder=str(REPO_DIR / 'templates'),
                static_folder=str(Path(__file__).parent / 'static'))
    app.config.from_object(config)
    app.config.update(overrides)
    config.validate(app.config)
    Path(app.config['INSTANCE_DIR']).mkdir(parents=True, exist_ok=True)  # the default SQLite file lives here

    _init_extensions(app)
    _import_models()
    _register_activities()
    _register_blueprints(app)
    _connect_receivers()

    from lms_ext.core.web import register_error_handlers, register_security_headers
    register_error_handlers(app)
    register_security_headers(app)

    from lms_ext.cli import register_cli
    register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from lms_ext.accounts.permissions import init_login
    from lms_ext.content.rendering import markdown, rich_text
    from lms_ext.core.db import db, ping_idle_connections
    from lms_ext.core.extensions import babel, compress, csrf, limiter, migrate
    from lms_ext.core.i18n import register_template_helpers, select_locale
    from lms_ext.core.jobs import init_jobs
    from lms_ext.core.logging import configure_logging
    from lms_ext.lti.store import init_store

    configure_logging(app)  # first, so every later step logs with request ids
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            ping_idle_connections(engine, app.config['DATABASE_PING_IDLE_SECONDS'])
    migrate.init_app(app, db, directory=str(REPO_DIR / 'migrations'))
    babel.init_app(app, locale_selector=select_locale)
    register_template_helpers(app)
    app.jinja_env.filters['markdown'] = markdown
    app.jinja_env.filters['rich_text'] = rich_text
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)  # slow mobile links: pages and assets travel compressed
    init_login(app)  # flask-login: user loader and login view
    init_store(app)  # LTI state/nonce, launch data and caches: Redis when configured, else the database
    init_jobs(app)  # RQ queue when REDIS_URL is set; otherwise outbox rows are polled by `flask jobs work`
    if app.config.get('TRUST_PROXY_HEADERS'):
        # Behind a TLS-terminating load balancer: trust one hop of X-Forwarded-* for scheme and host.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)


def _import_models() -> None:
    """Every model module, so that metadata (and Alembic autogenerate) sees all tables."""
    import lms_ext.accounts.models
    import lms_ext.badges.models
    import lms_ext.content.models
    import lms_ext.learning_styles.models
    import lms_ext.lti.models
    import lms_ext.practical.models
    import lms_ext.progress.models
    import lms_ext.quizzes.models
    import lms_ext.self_assessment.models  # noqa: F401


def _register_activities() -> None:
    """Activity hooks per step kind: content exports, imports and copies them without importing the packages."""
    from lms_ext.content import activities
    from lms_ext.content.models import StepKind
    from lms_ext.practical.services import checklists
    from lms_ext.quizzes import activity as quiz_activity
    from lms_ext.self_assessment import activity as self_assessment_activity

    activities.register(StepKind.practical, checklists.HOOKS)
    activities.register(StepKind.quiz, quiz_activity.HOOKS)
    activities.register(StepKind.self_assessment, self_assessment_activity.HOOKS)


def _register_blueprints(app: Flask) -> None:
    from lms_ext.accounts.views import bp as accounts_bp
    from lms_ext.badges.views import bp as badges_bp
    from lms_ext.content.views import bp as content_bp
    from lms_ext.core.health import bp as health_bp
    from lms_ext.learning_styles.views import bp as learning_styles_bp
    from lms_ext.lti.views import bp as lti_bp
    from lms_ext.practical.views import bp as practical_bp
    from lms_ext.progress.calibration_views import bp as calibration_bp
    from lms_ext.progress.views import bp as progress_bp
    from lms_ext.quizzes.views import bp as quizzes_bp
    from lms_ext.self_assessment.views import bp as self_assessment_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(content_bp)
    app.register_blueprint(learning_styles_bp)
    app.register_blueprint(progress_bp)
    app.register_blueprint(calibration_bp)
    app.register_blueprint(quizzes_bp)
    app.register_blueprint(self_assessment_bp)
    app.register_blueprint(practical_bp)
    app.register_blueprint(badges_bp)
    app.register_blueprint(lti_bp)
    if app.config['DEMO_MODE']:
        from lms_ext.demo.views import bp as demo_bp
        app.register_blueprint(demo_bp)


def _connect_receivers() -> None:
    """Signal receivers of higher packages, imported for their @signal.connect side effect."""
    import lms_ext.badges.receivers
    import lms_ext.lti.receivers
    import lms_ext.progress.receivers  # noqa: F401
