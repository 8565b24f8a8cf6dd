"""Entry point for gunicorn: `gunicorn wsgi:app` (configuration from the environment)."""

import gc

from lms_ext.app import create_app

app = create_app()
# Everything built so far (modules, mappers, templates' environment) lives as long as the process: keep it out of
# the garbage collector's scans, which otherwise walk it again on every full collection (gc.freeze, Python 3.7+).
gc.freeze()
