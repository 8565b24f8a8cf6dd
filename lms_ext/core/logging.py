"""Structured logging: one JSON (or text) line per record, each with the request id."""

import logging
import re
import sys
import uuid

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = 'X-Request-ID'
_VALID_INCOMING_ID = re.compile(r'^[A-Za-z0-9._-]{8,64}$')


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (or '-') to every record, also those of libraries."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get('request_id', '-') if has_request_context() else '-'
        return True


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at the time of the record: an app built while stderr was
    redirected (a CLI runner, a test) must not keep writing to that stream after it is closed."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def configure_logging(app: Flask) -> None:
    handler = _StderrHandler()
    if app.config['LOG_FORMAT'] == 'json':
        handler.setFormatter(JsonFormatter(
            '%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s',
            rename_fields={'asctime': 'time', 'levelname': 'level', 'name': 'logger'}))
    else:
        handler.setFormatter(logging.Formatter(
            '%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s'))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    # Replace our own handler on re-configuration (tests build several apps).
    root.handlers = [h for h in root.handlers if not getattr(h, '_lms_ext', False)]
    handler._lms_ext = True
    root.addHandler(handler)
    root.setLevel(app.config['LOG_LEVEL'])
    app.logger.handlers.clear()
    app.logger.propagate = True

    @app.before_request
    def _assign_request_id():
        incoming = request.headers.get(REQUEST_ID_HEADER, '')
        g.request_id = incoming if _VALID_INCOMING_ID.match(incoming) else uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        if 'request_id' in g:
            response.headers[REQUEST_ID_HEADER] = g.request_id
        return response
