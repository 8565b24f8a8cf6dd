"""Try the tool without an LMS (registered only when DEMO_MODE is on).

The start page plays the LMS course page; /demo/platform/* plays the LMS's LTI endpoints.
"""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for

from lms_ext.content import services as content
from lms_ext.core.db import unit_of_work
from lms_ext.core.extensions import csrf
from lms_ext.lti.services import keys
from lms_ext.lti.store import store

from . import platform
from .seed import DEMO_MODULE_SLUG

bp = Blueprint('demo', __name__, url_prefix='/demo')


def _base_url() -> str:
    return current_app.config['BASE_URL']


@bp.get('/')
def start():
    module = content.get_module_by_slug(DEMO_MODULE_SLUG)
    return render_template('demo/start.html', module=module, personas=platform.PERSONAS,
                           activities=platform.activities(store()))


@bp.post('/launch')
def launch():
    """The LMS side of 'open this activity': redirect the browser to the tool's login initiation."""
    message_type = 'LtiDeepLinkingRequest' if request.form.get('deep_link') else 'LtiResourceLinkRequest'
    with unit_of_work():
        url = platform.start_login(store(), _base_url(), request.form.get('persona', ''), message_type,
                                   request.form.get('activity'))
    return redirect(url, 303)


@bp.get('/platform/auth')
def authorize():
    with unit_of_work():
        redirect_uri, fields = platform.authorize(store(), _base_url(), current_app.config['INSTANCE_DIR'],
                                                  request.args.to_dict())
    return render_template('demo/form_post.html', action=redirect_uri, fields=fields)


@bp.get('/platform/jwks')
def jwks():
    return jsonify(platform.public_jwks(current_app.config['INSTANCE_DIR']))


@bp.post('/platform/deep-link-return')
@csrf.exempt  # posted by the tool's page, as to a real LMS; the signed JWT is the proof
def deep_link_return():
    with unit_of_work():
        items = platform.read_deep_link_response(request.form.get('JWT', ''), keys.jwks())
        added = platform.add_activities(store(), items)
    return render_template('demo/deep_link_done.html', added=added, items=items,
                           start_url=url_for('demo.start'))
