"""Who is signed in (flask-login) and view decorators that check roles."""

from functools import wraps

from flask import Flask, abort
from flask_login import current_user

from lms_ext.core.extensions import login_manager
from lms_ext.core.i18n import _l

from . import services


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = 'accounts.login'
    login_manager.login_message = _l('Please sign in to continue.')
    login_manager.session_protection = 'basic'

    @login_manager.user_loader
    def _load_user(user_id: str):
        return services.signed_in_user_by_id(int(user_id)) if user_id.isdigit() else None


def require_admin(view):
    """Only signed-in local administrators."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def require_course_role(course, *roles) -> set:
    """403 unless the signed-in user holds one of `roles` in `course`; returns all their roles there."""
    if not current_user.is_authenticated:
        abort(401)
    held = services.roles_in(current_user, course)
    if not held.intersection(roles):
        abort(403)
    return held


def require_author(view):
    """Trainers (instructor in some course) and administrators: module authoring."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not services.is_trainer_anywhere(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def signed_in_user():
    """The signed-in user as a plain model object, for passing to services. Never hand them the request-bound
    `current_user` proxy: stored in a relationship, it would later resolve to whoever is signed in then."""
    return current_user._get_current_object()
