"""Trainers: the checklist of a practical step (drafts only), the course's mentors, invitations and
assignments, and the register of every sign-off with its flags and the void action."""

from flask import abort, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.accounts.permissions import require_author, require_course_role, signed_in_user
from lms_ext.content import services as content
from lms_ext.content.models import StepKind
from lms_ext.core.db import unit_of_work
from lms_ext.core.errors import DomainError, InvalidInput
from lms_ext.core.i18n import _

from .. import qr
from ..schemas import ChecklistInput, InvitationInput, VoidInput
from ..services import checklists, mentors, signoffs
from . import bp
from .common import course_or_404, form_errors

BLANK_ROWS = 2  # empty criterion rows on the form: add criteria without JavaScript


def _criteria_from_form(form) -> list[dict]:
    rows, i = [], 0
    while f'criteria-{i}-text' in form:
        if form.get(f'criteria-{i}-text', '').strip():
            rows.append({'text': form.get(f'criteria-{i}-text'), 'guidance': form.get(f'criteria-{i}-guidance', ''),
                         'critical': form.get(f'criteria-{i}-critical') == '1',
                         'outcome_ids': form.getlist(f'criteria-{i}-outcomes')})
        i += 1
    return rows


@bp.route('/author/steps/<int:step_id>/checklist', methods=['GET', 'POST'])
@require_author
def author_checklist(step_id: int):
    step = content.get_step(step_id) or abort(404)
    if step.kind is not StepKind.practical:
        abort(404)
    checklist = checklists.checklist_for_step(step)
    errors, rows = {}, None
    if request.method == 'POST':
        rows = _criteria_from_form(request.form)
        try:
            data = ChecklistInput().load({'min_other_met': request.form.get('min_other_met') or 0, 'criteria': rows})
            with unit_of_work():
                checklists.save_checklist(step, data)
            flash(_('Checklist saved.'), 'success')
            return redirect(url_for('practical.author_checklist', step_id=step.id), 303)
        except (ValidationError, InvalidInput) as exc:
            errors = form_errors(exc)
    if rows is None:
        rows = [{'text': c.text, 'guidance': c.guidance, 'critical': c.critical,
                 'outcome_ids': [str(o.id) for o in c.outcomes]} for c in (checklist.criteria if checklist else [])]
    rows = rows + [{'text': '', 'guidance': '', 'critical': False, 'outcome_ids': []}] * BLANK_ROWS
    return render_template('practical/author_checklist.html', step=step, version=step.version, rows=rows,
                           min_other_met=request.form.get('min_other_met', checklist.min_other_met if checklist else 0),
                           editable=checklists.is_editable(step), errors=errors), 422 if errors else 200


# --------------------------------------------------------------------------- mentors of a course


def _trainer_course(course_id: int):
    course = course_or_404(course_id)
    require_course_role(course, Role.instructor)
    return course


def _user_of(course, user_id) -> object:
    user = accounts.get_user(int(user_id)) if str(user_id).isdigit() else None
    if user is None or not accounts.roles_in(user, course):
        abort(404)
    return user


@bp.get('/practical/courses/<int:course_id>/mentors')
def course_mentors(course_id: int, invitation=None, errors=None):
    course = _trainer_course(course_id)
    return render_template('practical/mentors.html', course=course, mentors=mentors.mentors_of(course),
                           candidates=mentors.candidates_of(course), learners=mentors.learners_of(course),
                           assignments=mentors.assignments_of(course), invitations=mentors.invitations_of(course),
                           policy=mentors.policy_of(course), invitation=invitation, errors=errors or {})


@bp.post('/practical/courses/<int:course_id>/mentors')
def designate(course_id: int):
    course = _trainer_course(course_id)
    user = _user_of(course, request.form.get('user_id'))
    with unit_of_work():
        mentors.designate_mentor(course, user)
    flash(_('%(name)s is now a mentor in this course.', name=user.display_name), 'success')
    return redirect(url_for('practical.course_mentors', course_id=course.id), 303)


@bp.post('/practical/courses/<int:course_id>/mentors/<int:user_id>/revoke')
def revoke(course_id: int, user_id: int):
    course = _trainer_course(course_id)
    user = _user_of(course, user_id)
    with unit_of_work():
        mentors.revoke_mentor(course, user)
    flash(_('%(name)s can no longer sign off learners in this course.', name=user.display_name), 'success')
    return redirect(url_for('practical.course_mentors', course_id=course.id), 303)


@bp.post('/practical/courses/<int:course_id>/policy')
def set_policy(course_id: int):
    course = _trainer_course(course_id)
    with unit_of_work():
        mentors.set_all_mentors_assigned(course, request.form.get('all_mentors_assigned') == '1')
    return redirect(url_for('practical.course_mentors', course_id=course.id), 303)


@bp.post('/practical/courses/<int:course_id>/assignments')
def assign(course_id: int):
    course = _trainer_course(course_id)
    mentor, learner = _user_of(course, request.form.get('mentor_id')), _user_of(course, request.form.get('learner_id'))
    try:
        with unit_of_work():
            mentors.assign(course, mentor, learner, trainer=signed_in_user())
    except DomainError as exc:
        flash(exc.message, 'error')
    return redirect(url_for('practical.course_mentors', course_id=course.id), 303)


@bp.post('/practical/courses/<int:course_id>/assignments/<int:assignment_id>/remove')
def remove_assignment(course_id: int, assignment_id: int):
    course = _trainer_course(course_id)
    assignment = mentors.get_assignment(assignment_id)
    if assignment is None or assignment.course_id != course.id:
        abort(404)
    with unit_of_work():
        mentors.remove_assignment(assignment)
    return redirect(url_for('practical.course_mentors', course_id=course.id), 303)


@bp.post('/practical/courses/<int:course_id>/invitations')
def invite(course_id: int):
    """The link (and QR code) is shown once, here; only its hash is stored."""
    course = _trainer_course(course_id)
    try:
        data = InvitationInput().load(request.form)
    except ValidationError as exc:
        return course_mentors(course_id, errors=exc.normalized_messages()), 422
    with unit_of_work():
        _invitation, token = mentors.create_invitation(course, by=signed_in_user(), **data)
    url = url_for('practical.accept_invitation', token=token, _external=True)
    return course_mentors(course_id, invitation={'url': url, 'svg': qr.svg(url, title=_('Invitation QR code'))})


@bp.post('/practical/courses/<int:course_id>/invitations/<int:invitation_id>/revoke')
def revoke_invitation(course_id: int, invitation_id: int):
    course = _trainer_course(course_id)
    invitation = mentors.get_invitation(invitation_id)
    if invitation is None or invitation.course_id != course.id:
        abort(404)
    with unit_of_work():
        mentors.revoke_invitation(invitation)
    return redirect(url_for('practical.course_mentors', course_id=course.id), 303)


# --------------------------------------------------------------------------- the sign-off register


@bp.get('/practical/courses/<int:course_id>/signoffs')
def course_signoffs(course_id: int, errors=None):
    course = _trainer_course(course_id)
    return render_template('practical/signoffs.html', course=course, records=signoffs.signoffs_of_course(course),
                           errors=errors or {})


@bp.post('/practical/signoffs/<int:signoff_id>/void')
def void(signoff_id: int):
    record = signoffs.get_signoff(signoff_id) or abort(404)
    course = _trainer_course(record.course_id)
    try:
        data = VoidInput().load(request.form)
        with unit_of_work():
            signoffs.void(record, signed_in_user(), data['reason'])
    except ValidationError as exc:
        return course_signoffs(course.id, errors={f'reason-{record.id}': exc.normalized_messages()['reason']}), 422
    flash(_('The sign-off is voided.'), 'success')
    return redirect(url_for('practical.course_signoffs', course_id=course.id), 303)
