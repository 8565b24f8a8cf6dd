"""Entry point for gunicorn: `gunicorn wsgi:app` (configuration from the environment)."""

from lms_ext.app import create_app

app = create_app()
