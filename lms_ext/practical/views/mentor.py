"""The mentor's device: type the learner's code (or scan their QR code), see the same matching code, judge
each criterion and outcome, sign. External mentors arrive through their invitation."""

import secrets

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required, login_user
from marshmallow import ValidationError

from lms_ext.accounts.models import Role
from lms_ext.accounts.permissions import signed_in_user
from lms_ext.accounts.services import roles_in
from lms_ext.content.proficiency import LEVELS
from lms_ext.core.db import unit_of_work
from lms_ext.core.errors import InvalidInput
from lms_ext.core.extensions import limiter
from lms_ext.core.i18n import _

from ..models import SessionState
from ..schemas import AcceptInvitationInput, SignOffCodeInput, SignOffInput
from ..services import evidence, mentors, signoffs
from ..services.signoffs import WrongCode
from . import bp
from .common import device, form_errors, secret


def _claim(claim, value):
    """Claim a session; a wrong code is recorded in its own transaction (the failed one rolls back)."""
    try:
        with unit_of_work():
            found = claim(signed_in_user(), value, device(), secret())
    except WrongCode:
        with unit_of_work():
            signoffs.record_failure(signed_in_user(), device().ip)
        raise
    return redirect(url_for('practical.mentor_session', session_id=found.id), 303)


@bp.route('/practical/mentor', methods=['GET', 'POST'])
@login_required
@limiter.limit('10 per minute', methods=['POST'])
def enter_code():
    errors = {}
    if request.method == 'POST':
        try:
            data = SignOffCodeInput().load(request.form)
            return _claim(signoffs.claim_by_code, data['code'])
        except (ValidationError, InvalidInput) as exc:
            errors = form_errors(exc)
    return render_template('practical/enter_code.html', errors=errors,
                           locked=signoffs.is_locked_out(signed_in_user())), 422 if errors else 200


@bp.get('/practical/scan/<token>')
@login_required
def scan(token: str):
    """Where the learner's QR code leads: one tap to open the checklist (a GET never changes anything)."""
    return render_template('practical/scan.html', token=token)


@bp.post('/practical/scan')
@login_required
@limiter.limit('10 per minute')
def claim_scanned():
    try:
        return _claim(signoffs.claim_by_token, request.form.get('token', ''))
    except WrongCode:
        flash(_('This QR code has expired or is not valid. Ask the learner to show it again, or type the code.'),
              'error')
        return redirect(url_for('practical.enter_code'), 303)


def _parse_sign_form(form, checklist) -> dict:
    results = {c.id: form.get(f'c-{c.id}') == 'met' for c in checklist.criteria if form.get(f'c-{c.id}')}
    ratings = {o.id: form.get(f'o-{o.id}') for o in checklist.outcomes if form.get(f'o-{o.id}')}
    return {'results': results, 'ratings': ratings, 'note': form.get('note', ''),
            'signature_name': form.get('signature_name', ''), 'confirm': form.get('confirm') == '1',
            'idempotency_key': form.get('idempotency_key', '')}


@bp.route('/practical/sessions/<int:session_id>/mentor', methods=['GET', 'POST'])
@login_required
@limiter.limit('30 per minute', methods=['POST'])
def mentor_session(session_id: int):
    found = signoffs.mentor_session(session_id, signed_in_user())
    errors, form = {}, request.form
    if request.method == 'POST':
        try:
            data = SignOffInput().load(_parse_sign_form(request.form, found.checklist))
            upload = request.files.get('photo')
            photo = (upload.filename, upload.stream) if upload and upload.filename else None
            with unit_of_work():
                signoffs.sign(found, signed_in_user(), data, photo=photo, media_dir=current_app.config['MEDIA_DIR'])
            return redirect(url_for('practical.mentor_session', session_id=found.id), 303)
        except (ValidationError, InvalidInput) as exc:
            errors = form_errors(exc)
    return render_template('practical/mentor_session.html', found=found, checklist=found.checklist,
                           record=found.record, levels=LEVELS, errors=errors, form=form,
                           idempotency_key=form.get('idempotency_key') or secrets.token_urlsafe(24),
                           open=found.state is SessionState.claimed), 422 if errors else 200


@bp.get('/practical/signoffs/<int:signoff_id>/photo')
@login_required
def photo(signoff_id: int):
    """Photo evidence: for the learner, the mentor and the trainers of the course only."""
    record = signoffs.get_signoff(signoff_id)
    if record is None or record.photo_sha256 is None:
        abort(404)
    if current_user.id not in (record.learner_id, record.mentor_id) and (
            Role.instructor not in roles_in(signed_in_user(), record.course)):
        abort(404)
    return send_file(evidence.photo_path(record.photo_sha256, current_app.config['MEDIA_DIR']),
                     mimetype=record.photo_type, max_age=0)


@bp.route('/practical/invitations/<token>', methods=['GET', 'POST'])
@limiter.limit('10 per minute', methods=['POST'])
def accept_invitation(token: str):
    """An external workplace mentor's invitation: creates their local account (no LMS account needed)."""
    invitation = mentors.open_invitation(token)
    errors, form = {}, {}
    if request.method == 'POST':
        form = request.form.to_dict()
        try:
            data = AcceptInvitationInput().load(form)
            with unit_of_work():
                user = mentors.accept_invitation(token, data)
            login_user(user)
            flash(_('Welcome, %(name)s. You are a mentor in %(course)s.', name=user.display_name,
                    course=invitation.course.title), 'success')
            return redirect(url_for('practical.enter_code'), 303)
        except (ValidationError, InvalidInput) as exc:
            errors = form_errors(exc)
        form.pop('password', None)
    return render_template('practical/accept_invitation.html', invitation=invitation, errors=errors,
                           form=form), 422 if errors else 200
