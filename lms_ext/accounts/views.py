"""Sign-in for local accounts (admins, external mentors), sign-out, and /me."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from marshmallow import ValidationError

from lms_ext.core.db import unit_of_work
from lms_ext.core.extensions import limiter
from lms_ext.core.i18n import _
from lms_ext.core.web import safe_next

from . import services
from .permissions import signed_in_user
from .schemas import LocalLoginInput, UserOutput

bp = Blueprint('accounts', __name__)


def _safe_next(target: str) -> str:
    return safe_next(target, url_for('content.index'))


@bp.route('/login', methods=['GET', 'POST'])
@limiter.limit('10 per minute', methods=['POST'])
def login():
    form, errors = {'next': request.args.get('next', '')}, {}
    if request.method == 'POST':
        form = request.form.to_dict()
        try:
            data = LocalLoginInput().load(form)
        except ValidationError as exc:
            errors = exc.normalized_messages()
        else:
            with unit_of_work():
                user = services.authenticate_local(data['email'], data['password'])
            if user:
                login_user(user)
                flash(_('Signed in as %(name)s.', name=user.display_name), 'success')
                return redirect(_safe_next(data['next']))
            errors = {'password': [_('Email address or password is not correct.')]}
    form.pop('password', None)
    status = 422 if errors else 200
    return render_template('accounts/login.html', form=form, errors=errors), status


@bp.post('/logout')
def logout():
    logout_user()
    flash(_('You are signed out.'), 'info')
    return redirect(url_for('content.index'))


@bp.get('/me')
@login_required
def me():
    return jsonify(UserOutput().dump(signed_in_user()))


@bp.post('/me/low-bandwidth')
@login_required
def toggle_low_bandwidth():
    """Slow or metered connection: media load on tap only, transcripts first."""
    with unit_of_work():
        services.set_low_bandwidth(signed_in_user(), request.form.get('enabled') == '1')
    flash(_('Low-bandwidth mode is on: videos and audio load only when you tap them.') if current_user.low_bandwidth
          else _('Low-bandwidth mode is off.'), 'info')
    return redirect(_safe_next(request.form.get('next', '')))
