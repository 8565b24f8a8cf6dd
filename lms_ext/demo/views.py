"""Try the tool without an LMS (registered only when DEMO_MODE is on).

The start page plays the LMS course page; /demo/platform/* plays the LMS's LTI endpoints.
"""

import json

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, url_for

from lms_ext.content import services as content
from lms_ext.core.db import unit_of_work
from lms_ext.core.extensions import csrf
from lms_ext.lti.services import keys
from lms_ext.lti.store import store

from . import platform
from .seed import DEMO_CONTEXT_ID, DEMO_MODULE_SLUG

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
        added = platform.add_activities(store(), _base_url(), items)
    return render_template('demo/deep_link_done.html', added=added, items=items,
                           start_url=url_for('demo.start'))


# --------------------------------------------------------------------------- the demo platform's services

def _service(scope: str):
    try:
        platform.check_token(store(), request.headers.get('Authorization', ''), scope)
    except PermissionError:
        abort(401)


@bp.post('/platform/token')
@csrf.exempt
def token():
    with unit_of_work():
        answer = platform.issue_token(store(), _base_url(), request.form.to_dict(), keys.jwks())
    return jsonify(answer)


@bp.get('/platform/memberships')
def memberships():
    with unit_of_work():
        _service(platform.NRPS_SCOPE)
    body = {'id': request.url, 'context': {'id': DEMO_CONTEXT_ID, 'title': 'Metalwork basics (demo course)'},
            'members': platform.roster(store())}
    return jsonify(body), 200, {'Content-Type': 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json'}


@bp.route('/platform/lineitems', methods=['GET', 'POST'])
@csrf.exempt
def line_items():
    with unit_of_work():
        _service(platform.AGS_SCOPES[0])
        if request.method == 'POST':
            item = platform.create_line_item(store(), _base_url(), request.get_json(force=True) or {})
            return jsonify(item), 201, {'Content-Type': 'application/vnd.ims.lis.v2.lineitem+json'}
        items = platform.line_items(store())
    return Response(json.dumps(items), 200, {'Content-Type': 'application/vnd.ims.lis.v2.lineitemcontainer+json'})


@bp.post('/platform/lineitems/<int:number>/scores')
@csrf.exempt
def scores(number: int):
    try:
        with unit_of_work():
            _service(platform.AGS_SCOPES[2])
            platform.record_score(store(), number, request.get_json(force=True) or {})
    except LookupError:
        abort(404)
    except FileExistsError:
        abort(409)
    return '', 204


@bp.get('/gradebook')
def gradebook():
    return render_template('demo/gradebook.html', rows=platform.gradebook(store()))
