"""Administrators' LTI pages: endpoints to copy, registrations to approve, manual registration;
and /lti/register, where an LMS administrator starts LTI Dynamic Registration."""

import logging

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from lms_ext.accounts.permissions import require_admin
from lms_ext.core.db import unit_of_work
from lms_ext.core.errors import DomainError
from lms_ext.core.extensions import csrf, limiter
from lms_ext.core.i18n import _

from ..adapter import LaunchRejected
from ..models import PlatformStatus
from ..schemas import DynamicRegistrationInput, PlatformInput
from ..services import registration
from . import bp

logger = logging.getLogger(__name__)


def tool_endpoints() -> dict[str, str]:
    base = current_app.config['BASE_URL']
    return {'login': base + '/lti/login', 'launch': base + '/lti/launch', 'jwks': base + '/lti/jwks',
            'register': base + '/lti/register', 'deep_link': base + '/lti/launch',
            'domain': base.split('://', 1)[-1]}


@bp.route('/admin/lti', methods=['GET', 'POST'])
@require_admin
def admin_platforms():
    form, errors = {}, {}
    if request.method == 'POST':
        form = request.form.to_dict()
        form['deployment_ids'] = [d.strip() for d in request.form.get('deployment_ids', '').split(',') if d.strip()]
        try:
            data = PlatformInput().load(form)
            with unit_of_work():
                platform = registration.add_platform(data)
            flash(_('Platform %(issuer)s registered.', issuer=platform.issuer), 'success')
            return redirect(url_for('lti.admin_platforms'), 303)
        except ValidationError as exc:
            errors = exc.normalized_messages()
        except DomainError as exc:
            errors = {'client_id': [exc.message]}
        form['deployment_ids'] = request.form.get('deployment_ids', '')
    return render_template('lti/admin_platforms.html', platforms=registration.all_platforms(),
                           endpoints=tool_endpoints(), form=form, errors=errors,
                           PlatformStatus=PlatformStatus), 422 if errors else 200


@bp.post('/admin/lti/<int:platform_id>/status')
@require_admin
def admin_set_status(platform_id: int):
    platform = registration.get_platform(platform_id) or abort(404)
    try:
        status = PlatformStatus(request.form.get('status', ''))
    except ValueError:
        abort(400)
    with unit_of_work():
        registration.set_status(platform, status)
    flash(_('%(issuer)s is now %(status)s.', issuer=platform.issuer, status=status.value), 'success')
    return redirect(url_for('lti.admin_platforms'), 303)


@bp.get('/lti/register')
@csrf.exempt
@limiter.limit('10 per minute')
def register():
    """Dynamic registration initiation: the LMS opens this with openid_configuration + registration_token."""
    try:
        data = DynamicRegistrationInput().load(request.args.to_dict())
    except ValidationError as exc:
        return render_template('lti/register_done.html', ok=False, errors=exc.normalized_messages(),
                               platform_origin=None), 400
    production = current_app.config['ENV_NAME'] == 'production'
    try:
        with unit_of_work():
            platform = registration.register_dynamically(
                openid_configuration_url=data['openid_configuration'],
                registration_token=data['registration_token'], base_url=current_app.config['BASE_URL'],
                require_https=production, allow_private=not production)
            issuer = platform.issuer
    except LaunchRejected as exc:
        logger.warning('Dynamic registration refused: %s (%s)', exc.reason, exc.detail)
        return render_template('lti/register_done.html', ok=False, errors={'registration': [exc.reason]},
                               platform_origin=None), 400
    origin = '/'.join(data['openid_configuration'].split('/')[:3])
    return render_template('lti/register_done.html', ok=True, issuer=issuer, platform_origin=origin, errors={})
