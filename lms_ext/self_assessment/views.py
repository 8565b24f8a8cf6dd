"""Self-assessment pages: a learner answers (or revises) a stage; trainers word the statements and see how the
cohort rates itself per outcome and stage; learners download their answers."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import login_required
from marshmallow import ValidationError

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.accounts.permissions import require_author, require_course_role, signed_in_user
from lms_ext.content import services as content
from lms_ext.content.proficiency import LEVELS
from lms_ext.core.db import unit_of_work
from lms_ext.core.errors import InvalidInput
from lms_ext.core.i18n import _

from . import services
from .schemas import stage_input, statements_input

bp = Blueprint('self_assessment', __name__)


def _course(course_id: int, *roles):
    course = accounts.get_course(course_id) or abort(404)
    require_course_role(course, *roles)
    return course


@bp.route('/courses/<int:course_id>/self-assessment/<int:step_id>', methods=['GET', 'POST'])
def stage(course_id: int, step_id: int):
    """A learner's answers at one stage: the form (filled in with their answers when they revise them)."""
    course = _course(course_id, Role.learner)
    step = services.get_stage(step_id) or abort(404)
    errors = {}
    if request.method == 'POST':
        schema = stage_input([o.id for o in step.version.outcomes], retrospective=services.is_last_stage(step))
        try:
            data = schema.load(request.form)
            with unit_of_work():
                services.submit_stage(step, learner=signed_in_user(), course=course, **data)
            flash(_('Your self-assessment is saved.'), 'success')
            return redirect(url_for('progress.step', course_id=course.id, slug=step.version.module.slug,
                                    position=step.position), 303)
        except (ValidationError, InvalidInput) as exc:
            errors = exc.normalized_messages() if isinstance(exc, ValidationError) else exc.errors
    response = services.response_for(step, signed_in_user(), course)
    return render_template('self_assessment/stage.html', course=course, step=step, response=response,
                           items=services.stage_items(step, response), levels=LEVELS,
                           is_last=services.is_last_stage(step), errors=errors,
                           form=request.form if errors else None), 422 if errors else 200


@bp.get('/courses/<int:course_id>/versions/<int:version_id>/self-assessment/cohort')
def cohort(course_id: int, version_id: int):
    """For trainers: per outcome, how the course's learners rated themselves at each stage."""
    course = _course(course_id, Role.instructor)
    version = content.get_version(version_id) or abort(404)
    return render_template('self_assessment/cohort.html', course=course, version=version, levels=LEVELS,
                           distribution=services.cohort_distribution(course, version))


@bp.route('/author/steps/<int:step_id>/self-assessment', methods=['GET', 'POST'])
@require_author
def author_statements(step_id: int):
    """The statement learners rate per outcome (every stage of the version uses the same ones)."""
    step = services.get_stage(step_id) or abort(404)
    version, errors = step.version, {}
    if request.method == 'POST':
        try:
            texts = statements_input([o.id for o in version.outcomes]).load(request.form)
            with unit_of_work():
                services.update_statements(version, texts)
            flash(_('Statements saved.'), 'success')
            return redirect(url_for('self_assessment.author_statements', step_id=step_id), 303)
        except (ValidationError, InvalidInput) as exc:
            errors = exc.normalized_messages() if isinstance(exc, ValidationError) else exc.errors
    return render_template('self_assessment/author.html', step=step, version=version, errors=errors,
                           stages=services.stages_of(version), custom=services.custom_statements(version),
                           defaults={o.id: services.default_statement(o.text) for o in version.outcomes},
                           form=request.form if errors else None,
                           editable=version.state.value == 'draft'), 422 if errors else 200


@bp.get('/self-assessment/export.json')
@login_required
def export():
    response = jsonify(services.export_for(signed_in_user()))
    response.headers['Content-Disposition'] = 'attachment; filename="my-self-assessments.json"'
    return response
