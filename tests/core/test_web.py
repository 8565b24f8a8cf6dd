"""Health check, error pages and JSON errors, security headers, request ids in logs."""

import json
import logging

import pytest
from flask import Blueprint, abort
from marshmallow import ValidationError

from config import TestConfig
from lms_ext.app import create_app
from lms_ext.core.errors import InvalidInput


@pytest.fixture(scope='module')
def failing_app(database):
    """An app with routes that fail in the ways the handlers must cover."""
    bp = Blueprint('boom', __name__)

    @bp.get('/boom')
    def boom():
        raise RuntimeError('secret internal detail: password=hunter2')

    @bp.get('/invalid')
    def invalid():
        raise ValidationError({'eqf_level': ['Must be between 1 and 8.']})

    @bp.get('/domain')
    def domain():
        raise InvalidInput('slug', 'This address is taken.')

    @bp.get('/forbidden')
    def forbidden():
        abort(403)

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database['url'],
                     SQLALCHEMY_ENGINE_OPTIONS=database['engine_options'])
    app.register_blueprint(bp)
    return app


def test_healthz_reports_the_database(client):
    response = client.get('/healthz')
    assert response.status_code == 200
    assert response.json == {'status': 'ok', 'checks': {'database': 'ok'}}


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f'sqlite:///{tmp_path}/missing/dir/x.sqlite')
    response = app.test_client().get('/healthz')
    assert response.status_code == 503
    assert response.json['checks']['database'] == 'error'


def test_unknown_page_is_a_friendly_html_404(client):
    response = client.get('/no/such/page')
    assert response.status_code == 404
    assert b'Page not found' in response.data
    assert b'<main' in response.data


def test_json_clients_get_json_errors(client):
    response = client.get('/no/such/page', headers={'Accept': 'application/json'})
    assert response.status_code == 404
    assert response.json['error'] == 'Not Found'


def test_500_never_leaks_the_traceback(failing_app, caplog):
    client = failing_app.test_client()
    with caplog.at_level(logging.ERROR):
        response = client.get('/boom')
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert 'Something went wrong on our side' in body
    assert 'hunter2' not in body and 'Traceback' not in body
    assert 'hunter2' in caplog.text  # ...but it is logged for us
    response = client.get('/boom', headers={'Accept': 'application/json'})
    assert response.status_code == 500 and 'hunter2' not in response.get_data(as_text=True)


def test_validation_errors_are_422_with_the_field_map(failing_app):
    response = failing_app.test_client().get('/invalid', headers={'Accept': 'application/json'})
    assert response.status_code == 422
    assert response.json['errors'] == {'eqf_level': ['Must be between 1 and 8.']}
    response = failing_app.test_client().get('/domain', headers={'Accept': 'application/json'})
    assert response.status_code == 422
    assert response.json['errors'] == {'slug': ['This address is taken.']}


def test_html_validation_error_names_the_field(failing_app):
    response = failing_app.test_client().get('/invalid')
    assert response.status_code == 422
    assert b'eqf_level' in response.data and b'Must be between 1 and 8.' in response.data


def test_403_page(failing_app):
    response = failing_app.test_client().get('/forbidden')
    assert response.status_code == 403
    assert b'You do not have access to this page' in response.data


def test_security_headers_allow_lms_iframes_but_nothing_else_unsafe(client):
    response = client.get('/')
    csp = response.headers['Content-Security-Policy']
    assert 'frame-ancestors *' in csp and "script-src 'self'" in csp and "object-src 'none'" in csp
    assert response.headers['X-Content-Type-Options'] == 'nosniff'


def test_request_id_is_echoed_or_generated(client):
    response = client.get('/healthz', headers={'X-Request-ID': 'req-abcdef123'})
    assert response.headers['X-Request-ID'] == 'req-abcdef123'
    generated = client.get('/healthz').headers['X-Request-ID']
    assert len(generated) == 32
    forged = client.get('/healthz', headers={'X-Request-ID': 'x" forged=1 <script>'}).headers['X-Request-ID']
    assert forged != 'x" forged=1 <script>' and len(forged) == 32


def test_json_log_lines_carry_the_request_id(database, capfd):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database['url'],
                     SQLALCHEMY_ENGINE_OPTIONS=database['engine_options'], LOG_FORMAT='json', LOG_LEVEL='INFO')
    bp = Blueprint('logs', __name__)

    @bp.get('/log')
    def log_something():
        logging.getLogger('lms_ext.test').info('Hello %r', 'world')
        return 'ok'

    app.register_blueprint(bp)
    app.test_client().get('/log', headers={'X-Request-ID': 'trace-12345678'})
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith('{')]
    record = next(line for line in lines if line['message'] == "Hello 'world'")
    assert record['request_id'] == 'trace-12345678'
    assert record['level'] == 'INFO' and record['logger'] == 'lms_ext.test'
