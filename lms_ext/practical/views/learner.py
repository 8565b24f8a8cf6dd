"""The learner's device: ask for sign-off (QR code and 6-digit code), watch the mentor's progress,
confirm that the session took place."""

from flask import abort, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from lms_ext.accounts.models import Role
from lms_ext.accounts.permissions import require_course_role, signed_in_user
from lms_ext.content import services as content
from lms_ext.core.db import unit_of_work
from lms_ext.core.errors import DomainError
from lms_ext.core.i18n import _

from .. import qr
from ..models import SessionState
from ..services import mentors, signoffs
from . import bp
from .common import course_or_404, device, secret

_CODES = 'practical_codes'  # the plain code is shown to its learner only; the database keeps a digest


def _remember_code(session_id: int, code: str) -> None:
    session[_CODES] = {**session.get(_CODES, {}), str(session_id): code}


def _own_session(course, session_id: int):
    found = signoffs.get_session(session_id)
    if found is None or found.learner_id != current_user.id or found.course_id != course.id:
        abort(404)
    return found


@bp.post('/practical/courses/<int:course_id>/steps/<int:step_id>/sessions')
def start(course_id: int, step_id: int):
    course = course_or_404(course_id)
    require_course_role(course, Role.learner)
    step = content.get_step(step_id) or abort(404)
    with unit_of_work():
        found, code = signoffs.start_session(signed_in_user(), course, step, device(), key=secret())
    _remember_code(found.id, code)
    return redirect(url_for('practical.learner_session', course_id=course.id, session_id=found.id), 303)


def _qr_svg(found) -> str:
    url = url_for('practical.scan', token=signoffs.qr_token(found, secret()), _external=True)
    return qr.svg(url, title=_('QR code for your mentor to scan'))


@bp.get('/practical/courses/<int:course_id>/sessions/<int:session_id>')
def learner_session(course_id: int, session_id: int):
    course = course_or_404(course_id)
    require_course_role(course, Role.learner)
    found = _own_session(course, session_id)
    step = found.checklist.step
    waiting = found.state is SessionState.waiting
    return render_template('practical/learner_session.html', course=course, found=found, step=step,
                           code=session.get(_CODES, {}).get(str(found.id)) if waiting else None,
                           qr_svg=_qr_svg(found) if waiting else None, record=found.record,
                           module=step.version.module)


@bp.get('/practical/courses/<int:course_id>/sessions/<int:session_id>/qr')
def rotate_qr(course_id: int, session_id: int):
    """A fresh QR token (each lives 60 s): the learner's page fetches one every 30 s."""
    course = course_or_404(course_id)
    require_course_role(course, Role.learner)
    found = _own_session(course, session_id)
    if found.state is not SessionState.waiting:
        return jsonify({'state': found.state.value}), 409
    return jsonify({'state': found.state.value, 'svg': _qr_svg(found)})


@bp.get('/practical/sessions/<int:session_id>/status')
@login_required
def status(session_id: int):
    """Polled by both devices (no websockets): the state and the matching code once a mentor has it."""
    found = signoffs.get_session(session_id)
    if found is None or current_user.id not in (found.learner_id, found.mentor_id):
        abort(404)
    return jsonify({'state': found.state.value, 'match_code': found.match_code})


@bp.post('/practical/courses/<int:course_id>/sessions/<int:session_id>/code')
def renew_code(course_id: int, session_id: int):
    course = course_or_404(course_id)
    require_course_role(course, Role.learner)
    found = _own_session(course, session_id)
    with unit_of_work():
        code = signoffs.renew_code(found, signed_in_user(), secret())
    _remember_code(found.id, code)
    return redirect(url_for('practical.learner_session', course_id=course.id, session_id=found.id), 303)


@bp.post('/practical/courses/<int:course_id>/sessions/<int:session_id>/cancel')
def cancel(course_id: int, session_id: int):
    course = course_or_404(course_id)
    require_course_role(course, Role.learner)
    found = _own_session(course, session_id)
    with unit_of_work():
        signoffs.cancel(found, signed_in_user())
    step = found.checklist.step
    return redirect(url_for('progress.step', course_id=course.id, slug=step.version.module.slug,
                            position=step.position), 303)


@bp.post('/practical/courses/<int:course_id>/sessions/<int:session_id>/confirm')
def confirm(course_id: int, session_id: int):
    course = course_or_404(course_id)
    require_course_role(course, Role.learner)
    found = _own_session(course, session_id)
    with unit_of_work():
        signoffs.confirm(found, signed_in_user(), took_place=request.form.get('took_place') == '1')
    return redirect(url_for('practical.learner_session', course_id=course.id, session_id=found.id), 303)


@bp.route('/practical/courses/<int:course_id>/my-mentor', methods=['GET', 'POST'])
def suggest_mentor(course_id: int):
    """A learner suggests their workplace mentor; the trainer approves."""
    course = course_or_404(course_id)
    require_course_role(course, Role.learner)
    error = None
    if request.method == 'POST':
        mentor = next((m for m in mentors.mentors_of(course) if str(m.id) == request.form.get('mentor_id')), None)
        try:
            if mentor is None:
                abort(422)
            with unit_of_work():
                mentors.suggest(course, mentor, signed_in_user())
        except DomainError as exc:
            error = exc.message
    mine = [a for a in mentors.assignments_of(course) if a.learner_id == current_user.id]
    return render_template('practical/suggest_mentor.html', course=course, mentors=mentors.mentors_of(course),
                           mine=mine, error=error)
