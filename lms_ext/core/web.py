"""HTTP plumbing shared by all blueprints: error pages/JSON, security headers."""

import logging
from urllib.parse import urlsplit

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, InternalServerError

from .errors import DomainError, InvalidInput
from .i18n import _

logger = logging.getLogger(__name__)


def wants_json() -> bool:
    """True for API clients: JSON body, or an Accept header preferring JSON over HTML."""
    if request.is_json or request.path.startswith('/api/'):
        return True
    best = request.accept_mimetypes.best_match(['text/html', 'application/json'])
    return best == 'application/json' and request.accept_mimetypes[best] > request.accept_mimetypes['text/html']


def _error_response(status: int, title: str, message: str, errors: dict | None = None):
    if wants_json():
        body = {'error': title, 'message': message}
        if errors:
            body['errors'] = errors
        return jsonify(body), status
    templates = [f'errors/{status}.html', 'errors/generic.html']
    return render_template(templates, status=status, title=title, message=message, errors=errors), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if isinstance(exc, CSRFError):
            logger.warning('CSRF check failed on %s: %s', request.path, exc.description)
            return _error_response(400, _('Form expired'),
                                   _('This form has expired or was sent from elsewhere. '
                                     'Reload the page and try again; nothing was saved.'))
        # Werkzeug's stock descriptions are English-only; templates have friendlier, translated ones.
        message = '' if exc.description == type(exc).description else exc.description
        return _error_response(exc.code or 500, exc.name, message or '')

    @app.errorhandler(ValidationError)
    def _validation_error(exc: ValidationError):
        return _error_response(422, _('Invalid input'), _('Some fields need your attention.'),
                               errors=exc.normalized_messages())

    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        errors = exc.errors if isinstance(exc, InvalidInput) else None
        return _error_response(exc.status, _('Request not possible'), exc.message, errors=errors)

    @app.errorhandler(InternalServerError)
    @app.errorhandler(Exception)
    def _unexpected(exc):
        original = getattr(exc, 'original_exception', None) or exc
        if isinstance(original, HTTPException) and not isinstance(original, InternalServerError):
            return _http_error(original)
        logger.exception('Unhandled error on %s %s', request.method, request.path)
        return _error_response(500, _('Something went wrong'),
                               _('An unexpected error happened on our side. It has been logged; '
                                 'please try again in a moment.'))


def register_security_headers(app: Flask) -> None:
    """Headers for every response. The tool runs inside LMS iframes, so framing is allowed."""

    @app.after_request
    def _headers(response):
        response.headers.setdefault('X-Content-Type-Options', 'nosniff')
        response.headers.setdefault('Referrer-Policy', 'strict-origin-when-cross-origin')
        response.headers.setdefault(
            'Content-Security-Policy',
            "default-src 'self'; img-src 'self' data:; media-src 'self' https:; style-src 'self'; "
            "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self' https: http:; "
            "frame-ancestors *")
        return response


def safe_next(target: str | None, default: str) -> str:
    """`target` if it is a path on this site (no scheme, no host, no backslash), else `default`: no open redirects."""
    target = target or ''
    parts = urlsplit(target)
    if target.startswith('/') and not parts.scheme and not parts.netloc and '\\' not in target:
        return target
    return default
