"""Small pieces the practical views share."""

from flask import abort, current_app, request

from lms_ext.accounts import services as accounts

from ..services.signoffs import Device


def device() -> Device:
    return Device(ip=request.remote_addr or '', agent=request.user_agent.string or '')


def secret() -> str:
    return current_app.config['SECRET_KEY']


def course_or_404(course_id: int):
    return accounts.get_course(course_id) or abort(404)


def form_errors(exc) -> dict:
    """Errors of a marshmallow ValidationError or a domain InvalidInput, keyed by field."""
    return exc.normalized_messages() if hasattr(exc, 'normalized_messages') else exc.errors
