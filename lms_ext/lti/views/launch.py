"""LTI endpoints (/lti/login, /lti/launch, /lti/jwks), the deep linking picker, and the resource link page."""

import logging

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from marshmallow import ValidationError

from lms_ext.accounts.models import Role
from lms_ext.accounts.permissions import require_course_role
from lms_ext.content import services as content
from lms_ext.core.db import read_only, unit_of_work
from lms_ext.core.errors import InvalidInput
from lms_ext.core.extensions import csrf, limiter
from lms_ext.core.i18n import SESSION_LOCALE_KEY, _
from lms_ext.practical.services import mentors

from .. import adapter, registry
from ..schemas import DeepLinkSelectionInput
from ..services import deep_linking, keys, roster
from ..services import launch as launches
from ..store import store, token_cache
from . import bp

logger = logging.getLogger(__name__)
DEEP_LINK_SESSION_KEY = 'deep_link_launches'
LOGIN_PARAMS = ('iss', 'login_hint', 'target_link_uri', 'lti_message_hint', 'lti_deployment_id', 'client_id',
                'lti_storage_target')


def launch_url() -> str:
    return current_app.config['BASE_URL'] + '/lti/launch'


def _rejected(exc: adapter.LaunchRejected, status: int = 400):
    """Close the door: no session, a log line, a page that says what the user can do."""
    session.clear()
    logger.warning('LTI request rejected: %s (%s)', exc.reason, exc.detail)
    return render_template('lti/launch_error.html', reason=exc.reason), status


@bp.route('/lti/login', methods=['GET', 'POST'])
@csrf.exempt
@limiter.limit('120 per minute')
def login():
    params = {k: request.values[k] for k in LOGIN_PARAMS if request.values.get(k)}
    storage_target = params.pop('lti_storage_target', None)
    if storage_target and not request.values.get('lti1p3_no_storage'):
        # The platform offers its storage frame (LTI client-side postMessages): bind the state there.
        try:
            with unit_of_work():
                login = adapter.start_storage_login(adapter.DatabaseToolConf(keys.signing_key), store(),
                                                    launch_url(), storage_target)
        except adapter.LaunchRejected as exc:
            return _rejected(exc)
        return render_template('lti/storage_login.html', login=login, key=adapter.storage_key(login.state),
                               params=params)
    in_iframe = request.headers.get('Sec-Fetch-Dest') == 'iframe'
    if in_iframe and not request.values.get('lti1p3_cookies_ok') and not request.values.get('lti1p3_new_window'):
        # Browsers that block third-party cookies would lose the state cookie: check first, in the page.
        return render_template('lti/cookie_check.html', params=params)
    try:
        with unit_of_work():
            response = adapter.start_login(adapter.DatabaseToolConf(keys.signing_key), store(), launch_url())
    except adapter.LaunchRejected as exc:
        return _rejected(exc)
    return response


@bp.post('/lti/launch')
@csrf.exempt
@limiter.limit('120 per minute')
def launch():
    try:
        with unit_of_work():
            tool_conf = adapter.DatabaseToolConf(keys.signing_key)
            message = adapter.validate_launch(tool_conf, store(), current_app.config['BASE_URL'])
            result = launches.record_launch(message.platform, tool_conf.deployment, message.claims)
    except adapter.StorageCheckNeeded as check:
        # No state cookie came back: the page reads the state's secret from the platform storage and resends.
        return render_template('lti/storage_launch.html', check=check, id_token=request.form.get('id_token', ''),
                               state=request.form.get('state', ''),
                               key=adapter.storage_key(request.form.get('state', '')))
    except adapter.LaunchRejected as exc:
        return _rejected(exc)
    session.clear()  # a launch starts a fresh session: nothing from another person or course survives
    deep_linking_request = result.message_type == 'LtiDeepLinkingRequest'
    if deep_linking_request and Role.instructor not in result.roles:
        abort(403)  # only trainers place activities; no session is opened
    login_user(result.user)
    if result.locale:
        session[SESSION_LOCALE_KEY] = result.locale
    if deep_linking_request:
        session[DEEP_LINK_SESSION_KEY] = [message.get_launch_id()]
        return redirect(url_for('lti.deep_link_picker', launch_id=message.get_launch_id()), 303)
    return redirect(url_for('lti.link_home', link_id=result.link_id), 303)


@bp.get('/lti/jwks')
def jwks():
    with unit_of_work():
        key_set = keys.jwks()
    response = jsonify(key_set)
    response.headers['Cache-Control'] = 'public, max-age=300'
    return response


def _deep_link_claims(launch_id: str) -> dict:
    if launch_id not in session.get(DEEP_LINK_SESSION_KEY, []):
        abort(403)
    claims = adapter.launch_data(store(), launch_id)
    if claims is None:
        abort(410)
    return claims


@bp.route('/lti/deep-link/<launch_id>', methods=['GET', 'POST'])
def deep_link_picker(launch_id: str):
    claims = _deep_link_claims(launch_id)
    settings = deep_linking.settings_of(claims)
    errors, chosen = {}, []
    if request.method == 'POST':
        chosen = request.form.getlist('modules')
        try:
            data = DeepLinkSelectionInput().load({'modules': chosen})
            with unit_of_work():  # the first signature may create the tool key: it must be kept
                platform = registry.find_platform(claims['iss'], _client_id(claims))
                if platform is None:
                    abort(403)
                token, return_url = deep_linking.build_response(platform, claims, data['modules'],
                                                                launch_url=launch_url())
        except ValidationError as exc:
            errors = exc.normalized_messages()
        except InvalidInput as exc:
            errors = exc.errors
        else:
            session[DEEP_LINK_SESSION_KEY] = []  # one response per request
            return render_template('lti/deep_link_return.html', return_url=return_url, token=token)
    status = 422 if errors else 200
    return render_template('lti/deep_link_picker.html', versions=content.published_versions(), errors=errors,
                           chosen=chosen, multiple=str(settings.get('accept_multiple', 'true')).lower() != 'false',
                           settings=settings), status


def _client_id(claims: dict) -> str:
    aud = claims['aud']
    return claims.get('azp') or (aud[0] if isinstance(aud, list) else aud)


@bp.get('/links/<int:link_id>')
def link_home(link_id: int):
    read_only()  # the page most launches land on: no transaction round trips
    user_id = current_user.id if current_user.is_authenticated else None
    page = launches.landing(link_id, user_id) or abort(404)
    if user_id is None:
        abort(401)
    roles = require_course_role(page.link.course, Role.learner, Role.instructor, Role.mentor)
    if Role.learner in roles and page.link.module is not None and not page.has_profile:
        return redirect(url_for('learning_styles.questionnaire', next=request.path))
    return render_template('lti/link_home.html', link=page.link, version=page.version, roles=roles, Role=Role)


def _fetch_roster(source) -> list[dict]:
    """The course roster from the platform. The first signature of a fresh install creates the tool key: it is
    committed before the platform is called, so no write transaction waits on the network (on SQLite it would lock
    every other writer out, the built-in demo platform's token endpoint included)."""
    with unit_of_work():
        keys.signing_key()
    return roster.fetch_roster(source, token_cache())


@bp.get('/links/<int:link_id>/roster')
def link_roster(link_id: int):
    """The course roster from the platform (NRPS), for trainers."""
    link = launches.get_resource_link(link_id) or abort(404)
    require_course_role(link.course, Role.instructor)
    source = roster.roster_link(link.course)
    members, error = [], None
    if source is None:
        error = _('Your learning platform did not offer its roster service with this activity.')
    else:
        try:
            members = _fetch_roster(source)
        except adapter.ServiceFailed as exc:
            logger.warning('Roster of %r unavailable: %s', link.course, exc)
            error = _('The roster could not be fetched from your learning platform just now. Try again later.')
    mentor_subjects = {u.subject for u in mentors.mentors_of(link.course) if u.issuer == link.platform.issuer}
    return render_template('lti/roster.html', link=link, members=members, error=error,
                           mentor_subjects=mentor_subjects, is_learner=roster.is_learner)


@bp.post('/links/<int:link_id>/roster/mentors')
def roster_designate(link_id: int):
    """A trainer makes a roster member a workshop mentor (Moodle never launches anyone as Mentor). The member
    is looked up in a freshly fetched roster, never taken from what the browser sent."""
    link = launches.get_resource_link(link_id) or abort(404)
    require_course_role(link.course, Role.instructor)
    source = roster.roster_link(link.course) or abort(409)
    try:
        members = _fetch_roster(source)
        with unit_of_work():
            member = roster.find_member(members, request.form.get('user_id', ''))
            if member is None:
                abort(404)
            if roster.is_learner(member):
                raise InvalidInput('user_id', _('%(name)s is a learner in this course and cannot sign off learners '
                                                'here.', name=member['name']))
            user = roster.member_user(link, member)
            mentors.designate_mentor(link.course, user)
    except adapter.ServiceFailed:
        flash(_('The roster could not be fetched from your learning platform just now. Try again later.'), 'error')
    except InvalidInput as exc:
        flash(exc.message, 'error')
    else:
        flash(_('%(name)s is now a mentor in this course.', name=member['name']), 'success')
    return redirect(url_for('lti.link_roster', link_id=link.id), 303)
