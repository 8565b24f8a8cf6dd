"""Taking a quiz: start or resume, autosave each answer, submit once, review; trainers: authoring and grading."""

from decimal import Decimal, InvalidOperation

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.accounts.permissions import require_author, require_course_role, signed_in_user
from lms_ext.content import services as content
from lms_ext.core.db import unit_of_work
from lms_ext.core.errors import DomainError, InvalidInput
from lms_ext.core.i18n import _, ngettext

from . import file_formats, question_types, services
from .models import Attempt, AttemptState
from .schemas import QuestionOutcomesInput, QuizSettingsInput

bp = Blueprint('quizzes', __name__)


def _course(course_id: int):
    course = accounts.get_course(course_id) or abort(404)
    require_course_role(course, Role.learner)
    return course


def _own_attempt(course, attempt_id: int, *, for_update: bool = False) -> Attempt:
    """Only the learner's own attempt in this course (anything else looks like it does not exist);
    `for_update` for requests that change it (see services.get_attempt)."""
    attempt = services.get_attempt(attempt_id, for_update=for_update)
    if attempt is None or attempt.learner_id != current_user.id or attempt.course_id != course.id:
        abort(404)
    return attempt


# Form fields → the response a question type validates (no JavaScript needed to answer).
def _choice(form, name):
    return {'choice': form.get(name)} if form.get(name, '') != '' else None


def _choices(form, name):
    values = form.getlist(name)
    return {'choices': values} if values else None


def _value(form, name):
    value = form.get(name, '')
    return {'value': value == 'true'} if value in ('true', 'false') else None


def _text(form, name):
    return {'text': form.get(name)} if form.get(name, '').strip() else None


def _number(form, name):
    return {'value': form.get(name)} if form.get(name, '').strip() else None


def _pairs(form, name):
    pairs = {key[len(name) + 3:]: value for key, value in form.items() if key.startswith(name + '_m_') and value}
    return {'pairs': pairs} if pairs else None


FORM_READERS = {'multichoice': _choice, 'multiresponse': _choices, 'truefalse': _value, 'shortanswer': _text,
                'numerical': _number, 'matching': _pairs, 'essay': _text}


def _form_response(question, form) -> dict | None:
    reader = FORM_READERS.get(question.qtype)
    return reader(form, f'q{question.id}') if reader else None


def _save_form(attempt: Attempt, form) -> dict[str, list[str]]:
    """Save every answered question of a posted form (and its certainty); errors by question field."""
    errors = {}
    for question in services.questions_of(attempt):
        response = _form_response(question, form)
        if response is None:
            continue
        try:
            services.save_answer(attempt, question.id, response, form.get(f'q{question.id}_certainty'))
        except InvalidInput as exc:
            errors.update(exc.errors)
    return errors


def _check_form(attempt: Attempt, form) -> dict[str, list[str]]:
    """The no-JavaScript "Check" button of one question (interactive mode): grade it as a try."""
    question_id = form.get('check', type=int)
    question = next((q for q in services.questions_of(attempt) if q.id == question_id), None) or abort(404)
    response = _form_response(question, form)
    if response is None:
        return {f'q{question.id}': [_('Answer the question before checking it.')]}
    services.check_answer(attempt, question.id, response, form.get(f'q{question.id}_certainty'))
    return {}


@bp.post('/courses/<int:course_id>/quizzes/<int:quiz_id>/attempt')
def start(course_id: int, quiz_id: int):
    course = _course(course_id)
    quiz = services.get_quiz(quiz_id) or abort(404)
    try:
        with unit_of_work():
            attempt = services.start_or_resume(quiz, signed_in_user(), course)
    except DomainError as exc:
        flash(exc.message, 'error')
        return redirect(request.referrer or url_for('content.index'), 303)
    return redirect(url_for('quizzes.attempt', course_id=course_id, attempt_id=attempt.id), 303)


@bp.route('/courses/<int:course_id>/attempts/<int:attempt_id>', methods=['GET', 'POST'])
def attempt(course_id: int, attempt_id: int):
    course = _course(course_id)
    attempt = _own_attempt(course, attempt_id, for_update=request.method == 'POST')
    if attempt.state is AttemptState.finished:
        return redirect(url_for('quizzes.review', course_id=course_id, attempt_id=attempt_id))
    errors = {}
    if request.method == 'POST':  # the no-JavaScript "Save", "Check" and "Submit" buttons
        try:
            with unit_of_work():
                errors = _save_form(attempt, request.form)
                if not errors and request.form.get('check'):
                    errors = _check_form(attempt, request.form)
                if not errors and request.form.get('submit'):
                    services.submit(attempt)
        except DomainError as exc:
            flash(exc.message, 'error')
        if not errors:
            if request.form.get('submit'):
                return redirect(url_for('quizzes.review', course_id=course_id, attempt_id=attempt_id), 303)
            if request.form.get('check'):
                return redirect(url_for('quizzes.attempt', course_id=course_id, attempt_id=attempt_id,
                                        _anchor='q' + request.form['check']), 303)
            flash(_('Your answers are saved.'), 'success')
            return redirect(url_for('quizzes.attempt', course_id=course_id, attempt_id=attempt_id), 303)
    questions = services.questions_of(attempt)
    answers = {a.question_id: a for a in attempt.answers}
    shuffle = attempt.seed if attempt.quiz.shuffle_answers else None
    shown = [(q, question_types.QUESTION_TYPES[q.qtype].display(q.spec, shuffle_seed=shuffle),
              services.check_state(attempt.quiz, q, answers.get(q.id))) for q in questions]
    return render_template('quizzes/attempt.html', course=course, attempt=attempt, quiz=attempt.quiz, shown=shown,
                           answers=answers, errors=errors), 422 if errors else 200


@bp.post('/courses/<int:course_id>/attempts/<int:attempt_id>/answers/<int:question_id>')
def autosave(course_id: int, attempt_id: int, question_id: int):
    """Saves one answer as it is given (JSON). Repeating the same request is harmless."""
    course = _course(course_id)
    attempt = _own_attempt(course, attempt_id, for_update=True)
    payload = request.get_json(silent=True) or {}
    certainty = payload.pop('certainty', None) if isinstance(payload, dict) else None
    with unit_of_work():
        answer = services.save_answer(attempt, question_id, payload, certainty)
        saved_at = answer.saved_at.isoformat()
    return jsonify(saved=True, saved_at=saved_at)


@bp.post('/courses/<int:course_id>/attempts/<int:attempt_id>/answers/<int:question_id>/check')
def check(course_id: int, attempt_id: int, question_id: int):
    """Interactive mode: grade one question now as a try (JSON). Repeating the same check counts once."""
    course = _course(course_id)
    attempt = _own_attempt(course, attempt_id, for_update=True)
    payload = request.get_json(silent=True) or {}
    certainty = payload.pop('certainty', None) if isinstance(payload, dict) else None
    with unit_of_work():
        services.check_answer(attempt, question_id, payload, certainty)
    question = services.get_question(question_id)
    answer = next(a for a in attempt.answers if a.question_id == question_id)
    state = services.check_state(attempt.quiz, question, answer)
    return jsonify(tries=state['tries'], tries_left=state['tries_left'], finished=state['finished'],
                   right=state['right'], mark=float(state['mark']),
                   html=render_template('quizzes/_check_result.html', quiz=attempt.quiz, q=question, check=state))


@bp.post('/courses/<int:course_id>/attempts/<int:attempt_id>/submit')
def submit(course_id: int, attempt_id: int):
    """Submit (idempotent: a double click or a retry after a timeout changes nothing)."""
    course = _course(course_id)
    attempt = _own_attempt(course, attempt_id, for_update=True)
    with unit_of_work():
        services.submit(attempt)
    if request.accept_mimetypes.best == 'application/json':
        return jsonify(state=attempt.state.value, score=None if attempt.score is None else float(attempt.score))
    return redirect(url_for('quizzes.review', course_id=course_id, attempt_id=attempt_id), 303)


@bp.get('/courses/<int:course_id>/attempts/<int:attempt_id>/review')
def review(course_id: int, attempt_id: int):
    course = _course(course_id)
    attempt = _own_attempt(course, attempt_id)
    if attempt.state is not AttemptState.finished:
        return redirect(url_for('quizzes.attempt', course_id=course_id, attempt_id=attempt_id))
    quiz = attempt.quiz
    attempts = services.attempts_of(quiz, signed_in_user(), course)
    allowed, reason = services.can_start(quiz, attempts)
    return render_template('quizzes/review.html', course=course, attempt=attempt, quiz=quiz,
                           rows=services.review(attempt), grade=services.quiz_grade(quiz, signed_in_user(), course),
                           cbm=services.cbm_results(attempt),
                           passed=services.has_passed(quiz, signed_in_user(), course), can_retry=allowed,
                           retry_reason=reason, step=quiz.step, module=quiz.step.version.module)


# --------------------------------------------------------------------------- trainers


@bp.route('/author/steps/<int:step_id>/quiz', methods=['GET', 'POST'])
@require_author
def author_quiz(step_id: int):
    step = content.get_step(step_id) or abort(404)
    errors, editable = {}, step.version.state.value == 'draft'
    if step.kind.value != 'quiz':
        abort(404)
    if editable:
        with unit_of_work():  # a draft's quiz step gets its quiz on first visit
            quiz = services.ensure_quiz(step)
    else:
        quiz = services.quiz_for_step(step) or abort(404)  # published versions never change, not even here
    if request.method == 'POST':
        try:
            with unit_of_work():
                if request.form.get('action') == 'settings':
                    # empty fields mean "not set", except the draw pool, where empty means any question
                    form = {k: v for k, v in request.form.items()
                            if k != 'action' and (v != '' or k == 'draw_category')}
                    services.update_settings(quiz, QuizSettingsInput().load(form))
                    flash(_('Quiz settings saved.'), 'success')
                else:
                    filename, text = _posted_questions()
                    added = services.import_questions_into_draft(quiz, text, file_formats.detect_format(filename, text))
                    flash(ngettext('%(num)d question imported.', '%(num)d questions imported.', len(added)), 'success')
            return redirect(url_for('quizzes.author_quiz', step_id=step_id), 303)
        except (ValidationError, DomainError) as exc:
            errors = exc.normalized_messages() if isinstance(exc, ValidationError) else getattr(
                exc, 'errors', {'form': [exc.message]})
    return render_template('quizzes/author.html', step=step, quiz=quiz, errors=errors, editable=editable,
                           questions_text=request.form.get('questions_text', '') if errors else ''), \
        422 if errors else 200


def _posted_questions() -> tuple[str, str]:
    """(file name, text) of the uploaded question file, or ('', the pasted text)."""
    upload = request.files.get('questions_file')
    if upload and upload.filename:
        return upload.filename, upload.read().decode('utf-8', 'replace')
    return '', request.form.get('questions_text', '')


@bp.post('/author/questions/<int:question_id>/delete')
@require_author
def author_delete_question(question_id: int):
    question = services.get_question(question_id) or abort(404)
    step_id = question.quiz.step_id
    with unit_of_work():
        services.delete_question(question)
    return redirect(url_for('quizzes.author_quiz', step_id=step_id), 303)


@bp.post('/author/questions/<int:question_id>/outcomes')
@require_author
def author_question_outcomes(question_id: int):
    """Link a question to the learning outcomes it tests (self-assessment calibration uses the links)."""
    question = services.get_question(question_id) or abort(404)
    step_id = question.quiz.step_id
    try:
        data = QuestionOutcomesInput().load({'outcome_ids': request.form.getlist('outcome_ids')})
        with unit_of_work():
            services.set_question_outcomes(question, data['outcome_ids'])
        flash(_('Outcomes of “%(name)s” saved.', name=question.name), 'success')
    except ValidationError:
        flash(_('Choose outcomes from the list.'), 'error')
    except DomainError as exc:
        flash(exc.message, 'error')
    return redirect(url_for('quizzes.author_quiz', step_id=step_id, _anchor=f'q-{question_id}'), 303)


@bp.get('/author/steps/<int:step_id>/quiz.gift', defaults={'fmt': 'gift'}, endpoint='author_export_gift')
@bp.get('/author/steps/<int:step_id>/quiz.xml', defaults={'fmt': 'moodle_xml'}, endpoint='author_export_moodle_xml')
@require_author
def author_export(step_id: int, fmt: str):
    step = content.get_step(step_id) or abort(404)
    quiz = services.quiz_for_step(step) or abort(404)
    file_format = file_formats.FILE_FORMATS[fmt]
    filename = f'quiz-{quiz.id}{file_format.extension}'
    return (services.export_questions(quiz, fmt), 200, {'Content-Type': file_format.media_type,
                                                        'Content-Disposition': f'attachment; filename="{filename}"'})


@bp.route('/courses/<int:course_id>/grading', methods=['GET', 'POST'])
def grading(course_id: int):
    """Trainers grade the essays of submitted attempts; the grade then goes to the LMS."""
    course = accounts.get_course(course_id) or abort(404)
    require_course_role(course, Role.instructor)
    if request.method == 'POST':
        attempt = services.get_attempt(int(request.form.get('attempt_id', '0'))) or abort(404)
        if attempt.course_id != course.id:
            abort(404)
        try:
            percent = Decimal(request.form.get('percent', ''))
            with unit_of_work():
                services.grade_essay(attempt, int(request.form.get('question_id', '0')), percent / 100,
                                     grader=signed_in_user())
            flash(_('Mark saved.'), 'success')
        except (InvalidOperation, DomainError) as exc:
            flash(getattr(exc, 'message', '') or _('Give the mark as a number from 0 to 100.'), 'error')
        return redirect(url_for('quizzes.grading', course_id=course_id), 303)
    waiting = [(a, [row for row in services.review(a) if row['question'].qtype == 'essay'])
               for a in services.attempts_waiting(course)]
    return render_template('quizzes/grading.html', course=course, waiting=waiting)
