"""The learner player: one step at a time, in the chosen format, with progress saved on the server."""

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.accounts.permissions import require_course_role, signed_in_user
from lms_ext.content import formats, media, offline
from lms_ext.content import services as content
from lms_ext.content.models import StepKind
from lms_ext.core.db import unit_of_work
from lms_ext.learning_styles import services as preferences
from lms_ext.practical import services as practical
from lms_ext.quizzes import services as quizzes
from lms_ext.self_assessment import services as self_assessment

from . import analytics, services

bp = Blueprint('progress', __name__)


def _load(course_id: int, slug: str):
    """(course, module, is_learner) after the role check; trainers and mentors preview without progress."""
    course = accounts.get_course(course_id) or abort(404)
    roles = require_course_role(course, Role.learner, Role.instructor, Role.mentor)
    module = content.get_module_by_slug(slug) or abort(404)
    return course, module, Role.learner in roles


def _run_and_version(course, module, is_learner):
    if is_learner:
        run = services.start_or_resume(signed_in_user(), module, course)
        return run, run.version
    return None, content.published_version_or_404(module.slug)


@bp.get('/courses/<int:course_id>/modules/<slug>/')
def resume(course_id: int, slug: str):
    course, module, is_learner = _load(course_id, slug)
    with unit_of_work():
        run, version = _run_and_version(course, module, is_learner)
        step = (run.current_step if run else None) or (version.steps[0] if version.steps else None)
        position = step.position if step else 1
    return redirect(url_for('progress.step', course_id=course_id, slug=slug, position=position))


@bp.get('/courses/<int:course_id>/modules/<slug>/steps/<int:position>')
def step(course_id: int, slug: str, position: int):
    course, module, is_learner = _load(course_id, slug)
    requested = request.args.get('format')
    event = None
    with unit_of_work():
        run, version = _run_and_version(course, module, is_learner)
        step = next((s for s in version.steps if s.position == position), None) or abort(404)
        profile = preferences.profile_of(signed_in_user()) if is_learner else None
        variant, choice = preferences.choose_variant(
            step, profile, requested=requested, previous=run.preferred_format if run else None,
            low_bandwidth=current_user.low_bandwidth)
        if run is not None:
            services.record_view(run, step, format_key=choice.format if choice else None,
                                 explicit=bool(choice and choice.reason == 'chosen'))
            if choice is not None:
                event = preferences.record_shown(signed_in_user(), course, step, choice, profile)
        summary = services.summary(run) if run else None
        rule = services.completion_rule(run) if run else None
    fmt = formats.FORMATS[variant.format] if variant else None
    assets = media.assets_by_id({i for i, _kind in fmt.asset_ids(variant.payload)}) if variant else {}
    return render_template('progress/player.html', course=course, module=module, version=version, step=step,
                           variant=variant, fmt=fmt, assets=assets, run=run, summary=summary, choice=choice,
                           context=profile.context if profile else {}, event=event, formats=formats.FORMATS,
                           quiz=_quiz_panel(step, course) if step.kind is StepKind.quiz else None,
                           panel=_activity_panel(step, course, is_learner), rule=rule)


def _quiz_panel(step, course) -> dict | None:
    """What the player shows on a quiz step: the quiz, the learner's attempts and grade."""
    quiz = quizzes.quiz_for_step(step)
    if quiz is None:
        return None
    attempts = quizzes.attempts_of(quiz, signed_in_user(), course)
    allowed, reason = quizzes.can_start(quiz, attempts)
    return {'quiz': quiz, 'attempts': attempts, 'grade': quizzes.quiz_grade(quiz, signed_in_user(), course),
            'in_progress': next((a for a in attempts if a.state.value == 'in_progress'), None),
            'can_start': allowed, 'reason': reason, 'count': len(quiz.questions)}


def _activity_panel(step, course, is_learner: bool) -> dict | None:
    """What the player shows on a self-assessment stage or a practical step (each package decides)."""
    if step.kind is StepKind.self_assessment:
        return self_assessment.step_panel(step, signed_in_user(), course, as_learner=is_learner)
    if step.kind is StepKind.practical:
        return practical.step_panel(step, signed_in_user(), course, as_learner=is_learner)
    return None


@bp.post('/courses/<int:course_id>/modules/<slug>/steps/<int:position>/done')
def complete(course_id: int, slug: str, position: int):
    course, module, is_learner = _load(course_id, slug)
    if not is_learner:
        abort(403)
    with unit_of_work():
        run = services.start_or_resume(signed_in_user(), module, course)
        step = next((s for s in run.version.steps if s.position == position), None) or abort(404)
        if step.kind is not StepKind.unit:
            abort(409)  # activities complete themselves (a passed quiz, a signed-off checklist)
        services.complete_step(run, step)
        following = next((s for s in run.version.steps if s.position > position), None)
    if following is None:
        return redirect(url_for('progress.step', course_id=course_id, slug=slug, position=position, finished=1))
    return redirect(url_for('progress.step', course_id=course_id, slug=slug, position=following.position))


@bp.get('/courses/<int:course_id>/modules/<slug>/offline.zip')
def offline_bundle(course_id: int, slug: str):
    course, module, is_learner = _load(course_id, slug)
    with unit_of_work():
        _run, version = _run_and_version(course, module, is_learner)
        bundle = offline.build_bundle(version, media_dir=current_app.config['MEDIA_DIR'])
    return send_file(bundle, mimetype='application/zip', as_attachment=True,
                     download_name=f'{module.slug}-v{version.number}-offline.zip')


@bp.get('/courses/<int:course_id>/analytics/formats')
def format_analytics(course_id: int):
    """For trainers: completion by the format a unit was first shown in, and by profile match."""
    course = accounts.get_course(course_id) or abort(404)
    require_course_role(course, Role.instructor)
    by_format, by_match = analytics.completion_by_format(course), analytics.completion_by_match(course)
    if request.args.get('format') == 'csv':
        return (analytics.to_csv({'format': by_format, 'profile': by_match}), 200,
                {'Content-Type': 'text/csv; charset=utf-8',
                 'Content-Disposition': f'attachment; filename="formats-{course.id}.csv"'})
    return render_template('progress/format_analytics.html', course=course, by_format=by_format, by_match=by_match,
                           min_cell=analytics.MIN_CELL)
