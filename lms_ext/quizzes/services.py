"""Quizzes: question import/export (GIFT, Moodle XML), attempts (autosave, resume, idempotent submit) and
server-side grading."""

import logging
import random
import re
import secrets
from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms_ext.accounts.models import Course, User
from lms_ext.content.models import LearningOutcome, Step, StepKind
from lms_ext.core.db import db
from lms_ext.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lms_ext.core.i18n import _
from lms_ext.core.time import utcnow

from . import behaviours, file_formats, gift, question_types
from .models import AnswerTry, Attempt, AttemptAnswer, AttemptState, Behaviour, GradingMethod, Question, Quiz
from .signals import attempt_graded

logger = logging.getLogger(__name__)


def quiz_for_step(step: Step, *, questions: bool = True) -> Quiz | None:
    """The quiz of a quiz step, with its questions loaded (`questions=False`: the settings only, for grades)."""
    query = sa.select(Quiz).where(Quiz.step_id == step.id)
    return db.session.scalar(query.options(selectinload(Quiz.questions)) if questions else query)


def ensure_quiz(step: Step, **settings) -> Quiz:
    """The quiz of a quiz step (created with `settings` on first use)."""
    if step.kind is not StepKind.quiz:
        raise InvalidInput('step', _('Only quiz steps hold a quiz.'))
    quiz = quiz_for_step(step)
    if quiz is None:
        quiz = Quiz(step=step, **settings)
        db.session.add(quiz)
        db.session.flush()
    return quiz


def get_quiz(quiz_id: int) -> Quiz | None:
    return db.session.get(Quiz, quiz_id)


def get_attempt(attempt_id: int, *, for_update: bool = False) -> Attempt | None:
    """`for_update`: lock the attempt's row until the transaction ends (PostgreSQL), so that an autosave, a
    check and the submission of one attempt happen one after the other, never interleaved."""
    return db.session.get(Attempt, attempt_id, with_for_update=for_update or None)


# --------------------------------------------------------------------------- question files (GIFT, Moodle XML)


def import_questions(quiz: Quiz, text: str, fmt: str = 'gift') -> list[Question]:
    """Add every question of a GIFT or Moodle XML text (`fmt`: a key of `file_formats.FILE_FORMATS`) to the
    quiz, or none: any error raises InvalidInput keyed by line."""
    file_format = file_formats.FILE_FORMATS[fmt]
    result = file_format.parse(text)
    errors: dict[str, list[str]] = {}
    for issue in result.errors:
        errors.setdefault(f'line {issue.line}', []).append(f'column {issue.column}: {issue.message}')
    for parsed in result.questions:
        if round(float(parsed.extra.get('defaultmark', 1.0)), 2) > _MARK_MAX:
            errors.setdefault(f'line {parsed.line}', []).append(
                _('The mark of question "%(name)s" must be at most %(max)s.', name=parsed.name, max=_MARK_MAX))
    if errors:
        raise InvalidInput(fmt, _('The %(format)s file has errors; nothing was imported.', format=file_format.label),
                           errors=errors)
    outcomes = {o.position: o for o in quiz.step.version.outcomes}
    linked = [_outcomes_from_tags(fmt, parsed.name, parsed.tags, outcomes) for parsed in result.questions]
    position = max((q.position for q in quiz.questions), default=0)
    added = []
    for parsed, question_outcomes in zip(result.questions, linked, strict=True):
        position += 1
        qtype = question_types.QUESTION_TYPES[parsed.qtype]
        question = Question(quiz=quiz, position=position, qtype=parsed.qtype, name=parsed.name[:255],
                            text=parsed.text, text_format=parsed.text_format,
                            general_feedback=parsed.general_feedback, category=parsed.category[:255],
                            tags=_stored_tags(parsed.tags), mark=Decimal(str(parsed.extra.get('defaultmark', 1.0))),
                            spec=qtype.spec_from_gift(parsed), outcomes=question_outcomes)
        db.session.add(question)
        added.append(question)
    db.session.flush()
    logger.info('Imported %d %s question(s) into %r', len(added), file_format.label, quiz)
    return added


def import_gift(quiz: Quiz, text: str) -> list[Question]:
    """import_questions() for a GIFT text."""
    return import_questions(quiz, text, 'gift')


_MARK_MAX = 9999.99  # Question.mark is Numeric(6, 2); the parsers refuse negative marks
_OUTCOME_TAG = re.compile(r'^outcome:(\d+)$', re.IGNORECASE)


def _stored_tags(tags) -> list[str]:
    """The tags as Moodle stores them (gift.clean_tag), empty ones dropped: every stored tag can be exported."""
    return [tag for tag in (gift.clean_tag(str(raw)) for raw in tags) if tag]


def _outcomes_from_tags(fmt: str, name: str, tags, outcomes: dict[int, LearningOutcome]) -> list[LearningOutcome]:
    """Tags `outcome:N` link the question to learning outcome N (its position in the module version), once
    however often the tag is repeated."""
    found = []
    for tag in tags:
        if match := _OUTCOME_TAG.match(str(tag).strip()):
            outcome = outcomes.get(int(match[1]))
            if outcome is None:
                raise InvalidInput(fmt, _('Question "%(name)s" is tagged %(tag)s, but the module has no learning '
                                          'outcome %(n)s; nothing was imported.', name=name, tag=tag, n=match[1]))
            if outcome not in found:
                found.append(outcome)
    return found


def outcome_positions_from_tags(tags) -> list[int]:
    """The N of every `outcome:N` tag (what a question file says about outcome links)."""
    return [int(match[1]) for tag in tags if (match := _OUTCOME_TAG.match(str(tag).strip()))]


def export_questions(quiz: Quiz, fmt: str = 'gift') -> str:
    """The quiz's questions as a GIFT or Moodle XML text.

    Both carry each question's tags (GIFT in a '// [tag:…]' comment line, as Moodle writes it), the
    `outcome:N` tags rewritten from the question's current outcome links; Moodle XML also carries the mark.
    """
    return file_formats.FILE_FORMATS[fmt].write([_file_question(q) for q in quiz.questions])


def export_gift(quiz: Quiz) -> str:
    return export_questions(quiz, 'gift')


def _file_question(question: Question) -> gift.GiftQuestion:
    tags = [t for t in _stored_tags(question.tags) if not _OUTCOME_TAG.match(t)] + [
        f'outcome:{o.position}' for o in sorted(question.outcomes, key=lambda o: o.position)]
    model = question_types.gift_from_spec(question.qtype, question.name, question.text, question.text_format,
                                          question.category, question.general_feedback, question.spec, tags=tags)
    model.extra['defaultmark'] = float(question.mark)
    return model


# --------------------------------------------------------------------------- attempts


def attempts_of(quiz: Quiz, learner: User, course: Course) -> list[Attempt]:
    return list(db.session.scalars(sa.select(Attempt).where(
        Attempt.quiz_id == quiz.id, Attempt.learner_id == learner.id, Attempt.course_id == course.id)
        .order_by(Attempt.number)))


def can_start(quiz: Quiz, attempts: list[Attempt]) -> tuple[bool, str]:
    """(allowed, reason) for a new attempt: limits and the delay between attempts."""
    finished = [a for a in attempts if a.state is AttemptState.finished]
    if quiz.attempts_allowed is not None and len(attempts) >= quiz.attempts_allowed:
        return False, _('You have used all %(n)s attempts.', n=quiz.attempts_allowed)
    if finished and quiz.delay_minutes:
        ready = finished[-1].finished_at + timedelta(minutes=quiz.delay_minutes)
        if ready > utcnow():
            return False, _('You can try again in %(n)s minutes.', n=max(1, int((ready - utcnow()).seconds / 60)))
    return True, ''


def start_or_resume(quiz: Quiz, learner: User, course: Course) -> Attempt:
    """The attempt in progress, or a new one within the quiz's limits."""
    attempts = attempts_of(quiz, learner, course)
    current = next((a for a in attempts if a.state is AttemptState.in_progress), None)
    if current is not None:
        return current
    allowed, reason = can_start(quiz, attempts)
    if not allowed:
        raise PermissionDenied(reason)
    if not quiz.questions:
        raise Conflict(_('This quiz has no questions yet.'))
    seed = secrets.randbelow(2**31)
    chosen = _draw(quiz, random.Random(seed))
    attempt = Attempt(quiz=quiz, learner=learner, course=course, number=len(attempts) + 1,
                      question_ids=[q.id for q in chosen], seed=seed)
    db.session.add(attempt)
    db.session.flush()
    logger.info('%r started %r', learner, attempt)
    return attempt


def _draw(quiz: Quiz, rng: random.Random) -> list[Question]:
    pool = [q for q in quiz.questions if not quiz.draw_category or q.category == quiz.draw_category
            or quiz.draw_category in q.tags]
    if quiz.draw_count and quiz.draw_count < len(pool):
        pool = sorted(rng.sample(pool, quiz.draw_count), key=lambda q: q.position)
    if quiz.shuffle_questions:
        rng.shuffle(pool)
    return pool


def questions_of(attempt: Attempt) -> list[Question]:
    by_id = {q.id: q for q in attempt.quiz.questions}
    return [by_id[i] for i in attempt.question_ids if i in by_id]


def _time_over(attempt: Attempt) -> bool:
    limit = attempt.quiz.time_limit_minutes
    return bool(limit) and utcnow() > attempt.started_at + timedelta(minutes=limit, seconds=30)  # network grace


def _clean_response(question: Question, response: dict) -> dict:
    try:
        return question_types.QUESTION_TYPES[question.qtype].validate_response(question.spec, response)
    except ValidationError as exc:
        raise InvalidInput(f'q{question.id}', '; '.join(
            f'{k}: {" ".join(map(str, v)) if isinstance(v, list) else v}'
            for k, v in exc.normalized_messages().items())) from exc


def _clean_certainty(quiz: Quiz, question: Question, certainty) -> int | None:
    """A CBM certainty 1..3 (None: not given); ignored when the quiz does not use CBM or the question is manual."""
    if not quiz.cbm or not uses_certainty(question) or certainty in (None, ''):
        return None
    try:
        level = int(certainty)
    except (TypeError, ValueError):
        level = 0
    if level not in behaviours.CERTAINTIES:
        raise InvalidInput(f'q{question.id}_certainty', _('Choose how certain you are: 1, 2 or 3.'))
    return level


def uses_certainty(question: Question) -> bool:
    """Automatically graded questions ask for a certainty under CBM and can be checked in interactive mode."""
    return question.qtype not in ('essay', 'description')


def _editable_answer(attempt: Attempt, question_id: int) -> tuple[Question, AttemptAnswer | None]:
    if attempt.state is not AttemptState.in_progress:
        raise Conflict(_('This attempt was submitted; answers can no longer change.'))
    if _time_over(attempt):
        raise Conflict(_('The time for this attempt is over.'))
    if question_id not in attempt.question_ids:
        raise NotFound(_('This question is not part of your attempt.'))
    question = db.session.get(Question, question_id)
    return question, next((a for a in attempt.answers if a.question_id == question_id), None)


def save_answer(attempt: Attempt, question_id: int, response: dict, certainty=None) -> AttemptAnswer:
    """Autosave one response and its certainty (the latest wins); validated against the question, never graded.

    A question finished in interactive mode keeps its last checked response: saving that same response again
    changes nothing, any other raises Conflict.
    """
    question, answer = _editable_answer(attempt, question_id)
    clean = _clean_response(question, response)
    level = _clean_certainty(attempt.quiz, question, certainty)
    if answer is not None and is_finished(attempt.quiz, answer):
        if (answer.response, answer.certainty) == (clean, level):
            return answer
        raise Conflict(_('This question is finished; its answer can no longer change.'))
    if answer is None:
        try:
            with db.session.begin_nested():
                answer = AttemptAnswer(attempt=attempt, question=question, response=clean, certainty=level,
                                       saved_at=utcnow())
                db.session.add(answer)
            return answer
        except IntegrityError:  # the same question saved at the same moment by another request (SQLite)
            db.session.expire(attempt, ['answers'])
            answer = next(a for a in attempt.answers if a.question_id == question_id)
    answer.response, answer.certainty, answer.saved_at = clean, level, utcnow()
    db.session.flush()
    return answer


# --------------------------------------------------------------------------- interactive mode


def is_finished(quiz: Quiz, answer: AttemptAnswer) -> bool:
    """Interactive mode: the question is locked once a try was right or every try is used."""
    if quiz.behaviour is not Behaviour.interactive or not answer.tries:
        return False
    return behaviours.is_right(answer.tries[-1].fraction) or len(answer.tries) >= quiz.tries_allowed


def check_answer(attempt: Attempt, question_id: int, response: dict, certainty=None) -> AnswerTry:
    """Interactive mode: save the response and grade it now as one try ("Check").

    Checking the response of the last try again (a retry after a timeout, a double click) returns that try
    and counts nothing.
    """
    if attempt.quiz.behaviour is not Behaviour.interactive:
        raise Conflict(_('This quiz gives feedback after submitting, not per question.'))
    question, answer = _editable_answer(attempt, question_id)
    if not uses_certainty(question):
        raise InvalidInput(f'q{question_id}', _('This question cannot be checked automatically.'))
    last = answer.tries[-1] if answer is not None and answer.tries else None
    answer = save_answer(attempt, question_id, response, certainty)
    if last is not None and (last.response, last.certainty) == (answer.response, answer.certainty):
        return last
    try:
        with db.session.begin_nested():
            return _record_try(question, answer)
    except IntegrityError:  # a simultaneous request (a double tap) recorded this try first: that one counts
        db.session.expire(answer, ['tries'])
        return answer.tries[-1]


def _record_try(question: Question, answer: AttemptAnswer) -> AnswerTry:
    grading = question_types.QUESTION_TYPES[question.qtype].grade(question.spec, answer.response)
    attempt_try = AnswerTry(answer=answer, number=len(answer.tries) + 1, response=answer.response,
                            certainty=answer.certainty, fraction=behaviours.share(Decimal(str(grading.fraction))))
    db.session.add(attempt_try)
    db.session.flush()
    logger.info('%r checked question %s: try %s, fraction %s', answer.attempt, question.id, attempt_try.number,
                attempt_try.fraction)
    return attempt_try


def try_mark(quiz: Quiz, attempt_try: AnswerTry) -> Decimal:
    """The (penalised) mark of a try: max(0, fraction - penalty × earlier tries)."""
    return behaviours.penalised(attempt_try.fraction, attempt_try.number - 1, quiz.penalty)


def check_state(quiz: Quiz, question: Question, answer: AttemptAnswer | None) -> dict | None:
    """What the attempt page shows under a checked question: its last try, feedback, mark and tries left."""
    if answer is None or not answer.tries:
        return None
    last = answer.tries[-1]
    finished = is_finished(quiz, answer)
    return {'try': last, 'tries': len(answer.tries), 'tries_left': max(0, quiz.tries_allowed - len(answer.tries)),
            'finished': finished, 'right': behaviours.is_right(last.fraction), 'mark': try_mark(quiz, last),
            'grading': question_types.QUESTION_TYPES[question.qtype].grade(question.spec, last.response)}


def _interactive_fraction(quiz: Quiz, question: Question, answer: AttemptAnswer) -> Decimal:
    """At submission: the last try's mark, or the unchecked response graded as a last try (as Moodle does)."""
    last = answer.tries[-1] if answer.tries else None
    if last is None or (last.response, last.certainty) != (answer.response, answer.certainty):
        last = _record_try(question, answer)
    return try_mark(quiz, last)


def submit(attempt: Attempt) -> Attempt:
    """Finish and grade the attempt. Submitting again (double click, retry) changes nothing."""
    if attempt.state is AttemptState.finished:
        return attempt
    quiz = attempt.quiz
    questions = {q.id: q for q in questions_of(attempt)}
    for answer in attempt.answers:
        question = questions.get(answer.question_id)
        if question is None:
            continue
        if quiz.behaviour is Behaviour.interactive and uses_certainty(question):
            answer.fraction = _interactive_fraction(quiz, question, answer)
            continue
        grading = question_types.QUESTION_TYPES[question.qtype].grade(question.spec, answer.response)
        if grading.fraction is not None:  # essays wait for the trainer
            answer.fraction = Decimal(str(round(grading.fraction, 5)))
    attempt.state, attempt.finished_at = AttemptState.finished, utcnow()
    db.session.flush()
    _update_score(attempt)
    logger.info('%r submitted: score %s', attempt, attempt.score)
    return attempt


def quiz_grade(quiz: Quiz, learner: User, course: Course) -> Decimal | None:
    """The learner's grade for the quiz by its grading method, over graded attempts (share of the maximum)."""
    return _grade_by_method(quiz.grading_method,
                            [a.score for a in attempts_of(quiz, learner, course) if a.score is not None])


def _grade_by_method(method: GradingMethod, scores: list[Decimal]) -> Decimal | None:
    """The grade from the scores of the graded attempts, in attempt order."""
    if not scores:
        return None
    if method is GradingMethod.highest:
        return max(scores)
    if method is GradingMethod.first:
        return scores[0]
    if method is GradingMethod.last:
        return scores[-1]
    return (sum(scores) / len(scores)).quantize(Decimal('0.00001'), rounding=ROUND_HALF_UP)


def grades_by_step(steps: list[Step], learner: User, course: Course) -> dict[int, tuple[Quiz, Decimal | None]]:
    """{step id: (quiz, the learner's grade or None)} for quiz steps, in one query (completion evidence)."""
    rows = db.session.execute(
        sa.select(Quiz, Attempt.score).outerjoin(Attempt, sa.and_(
            Attempt.quiz_id == Quiz.id, Attempt.learner_id == learner.id, Attempt.course_id == course.id,
            Attempt.score.is_not(None)))
        .where(Quiz.step_id.in_([s.id for s in steps])).order_by(Quiz.id, Attempt.number))
    scores: dict[int, tuple[Quiz, list[Decimal]]] = {}
    for quiz, score in rows:
        entry = scores.setdefault(quiz.step_id, (quiz, []))
        if score is not None:
            entry[1].append(score)
    return {step_id: (quiz, _grade_by_method(quiz.grading_method, found))
            for step_id, (quiz, found) in scores.items()}


def has_passed(quiz: Quiz, learner: User, course: Course) -> bool:
    grade = quiz_grade(quiz, learner, course)
    return grade is not None and grade >= quiz.pass_mark


def review(attempt: Attempt) -> list[dict]:
    """Per question: the response, its grading, its mark, and (interactive) its tries with their marks, and
    (CBM) the certainty and the CBM mark; the template shows feedback and right answers if the quiz does."""
    quiz = attempt.quiz
    answers = {a.question_id: a for a in attempt.answers}
    rows = []
    for question in questions_of(attempt):
        qtype = question_types.QUESTION_TYPES[question.qtype]
        answer = answers.get(question.id)
        grading = qtype.grade(question.spec, answer.response) if answer else None
        fraction = answer.fraction if answer is not None and answer.fraction is not None else (
            None if grading is None or grading.fraction is None else Decimal(str(round(grading.fraction, 5))))
        cbm = quiz.cbm and uses_certainty(question)
        rows.append({'question': question, 'answer': answer, 'grading': grading, 'fraction': fraction,
                     'tries': [(t, try_mark(quiz, t)) for t in answer.tries] if answer else [],
                     'certainty': (answer.certainty if answer else None) if cbm else None,
                     'cbm_mark': behaviours.cbm_mark(fraction or Decimal(0), answer.certainty if answer else None)
                     if cbm else None})
    return rows


def cbm_results(attempt: Attempt) -> behaviours.CbmSummary | None:
    """The CBM average and accuracy of a graded attempt of a CBM quiz (None otherwise)."""
    if not attempt.quiz.cbm or attempt.score is None:
        return None
    return behaviours.cbm_summary(_cbm_items(attempt))


def _cbm_items(attempt: Attempt) -> list[behaviours.CbmItem]:
    answers = {a.question_id: a for a in attempt.answers}
    items = []
    for question in questions_of(attempt):
        if question.qtype == 'description':
            continue
        answer = answers.get(question.id)
        fraction = answer.fraction if answer is not None and answer.fraction is not None else Decimal(0)
        items.append(behaviours.CbmItem(question.mark, fraction, answer.certainty if answer else None,
                                        uses_certainty(question)))
    return items


# --------------------------------------------------------------------------- authoring (drafts only)


def _require_draft(quiz: Quiz) -> None:
    if quiz.step.version.state.value != 'draft':
        raise Conflict(_('Published versions cannot be changed. Create a new draft to edit the quiz.'))


def update_settings(quiz: Quiz, data: dict) -> Quiz:
    _require_draft(quiz)
    quiz.pass_mark = Decimal(data.pop('pass_mark_percent')) / 100
    if 'penalty_percent' in data:
        quiz.penalty = (data.pop('penalty_percent') / 100).quantize(Decimal('0.0000001'), rounding=ROUND_HALF_UP)
    for name, value in data.items():
        setattr(quiz, name, value)
    db.session.flush()
    return quiz


def import_questions_into_draft(quiz: Quiz, text: str, fmt: str = 'gift') -> list[Question]:
    _require_draft(quiz)
    return import_questions(quiz, text, fmt)


def delete_question(question: Question) -> None:
    quiz = question.quiz
    _require_draft(quiz)
    quiz.questions.remove(question)
    db.session.flush()


def get_question(question_id: int) -> Question | None:
    return db.session.get(Question, question_id)


def set_question_outcomes(question: Question, outcome_ids: list[int]) -> Question:
    """Link a draft's question to the learning outcomes it tests (outcomes of the quiz's own version only)."""
    _require_draft(question.quiz)
    outcomes = {o.id: o for o in question.quiz.step.version.outcomes}
    if unknown := set(outcome_ids) - set(outcomes):
        raise InvalidInput(f'outcomes_{question.id}', _('Outcome %(id)s is not part of this module version.',
                                                        id=min(unknown)))
    question.outcomes = [o for o in outcomes.values() if o.id in set(outcome_ids)]
    db.session.flush()
    return question


def set_question_mark(question: Question, mark: Decimal) -> Question:
    """Set what a draft's question is worth (0 to 9999.99; checked by the caller's schema)."""
    _require_draft(question.quiz)
    question.mark = mark
    db.session.flush()
    return question


# --------------------------------------------------------------------------- results per learning outcome


def outcome_results(quiz: Quiz, course: Course) -> dict[tuple[int, int], Decimal]:
    """{(learner_id, outcome_id): share 0..1} of the marks of the questions linked to each outcome.

    Per learner, from the graded attempts the quiz's grading method uses for the grade: `highest` the
    best-scored attempt (the earliest of equals), `first` / `last` that attempt, `average` the mean of the
    outcome's share over all graded attempts. In an attempt, an outcome's share is sum(fraction × mark) /
    sum(mark) over the attempt's questions linked to it (unanswered counts 0); an outcome with no linked
    question in the attempt has no share there.
    """
    links = {q.id: [o.id for o in q.outcomes] for q in quiz.questions if q.outcomes}
    if not links:
        return {}
    marks = {q.id: q.mark for q in quiz.questions}
    by_learner: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in db.session.scalars(sa.select(Attempt).where(
            Attempt.quiz_id == quiz.id, Attempt.course_id == course.id, Attempt.score.is_not(None))
            .options(selectinload(Attempt.answers)).order_by(Attempt.learner_id, Attempt.number)):
        by_learner[attempt.learner_id].append(attempt)
    results = {}
    for learner_id, attempts in by_learner.items():
        shares: dict[int, list[Decimal]] = defaultdict(list)
        for attempt in _graded_attempts_used(quiz, attempts):
            for outcome_id, share in _outcome_shares(attempt, links, marks).items():
                shares[outcome_id].append(share)
        for outcome_id, values in shares.items():
            results[(learner_id, outcome_id)] = (sum(values) / len(values)).quantize(
                Decimal('0.00001'), rounding=ROUND_HALF_UP)
    return results


def _graded_attempts_used(quiz: Quiz, attempts: list[Attempt]) -> list[Attempt]:
    method = quiz.grading_method
    if method is GradingMethod.highest:
        return [max(attempts, key=lambda a: a.score)]
    if method is GradingMethod.first:
        return attempts[:1]
    if method is GradingMethod.last:
        return attempts[-1:]
    return attempts


def _outcome_shares(attempt: Attempt, links: dict[int, list[int]], marks: dict[int, Decimal]) -> dict[int, Decimal]:
    fractions = {a.question_id: a.fraction for a in attempt.answers}
    earned: dict[int, Decimal] = defaultdict(Decimal)
    total: dict[int, Decimal] = defaultdict(Decimal)
    for question_id in attempt.question_ids:
        for outcome_id in links.get(question_id, ()):
            total[outcome_id] += marks[question_id]
            earned[outcome_id] += (fractions.get(question_id) or 0) * marks[question_id]
    return {outcome_id: earned[outcome_id] / total[outcome_id] for outcome_id in total if total[outcome_id]}


# --------------------------------------------------------------------------- manual grading (essays)


def attempts_waiting(course: Course) -> list[Attempt]:
    """Submitted attempts in a course that wait for a trainer to grade their essays."""
    return list(db.session.scalars(sa.select(Attempt).where(
        Attempt.course_id == course.id, Attempt.state == AttemptState.finished, Attempt.score.is_(None))
        .order_by(Attempt.finished_at)))


def grade_essay(attempt: Attempt, question_id: int, fraction: Decimal, *, grader: User) -> Attempt:
    """A trainer's mark for one essay; when the attempt has no ungraded essay left, it is graded."""
    if attempt.state is not AttemptState.finished:
        raise Conflict(_('The learner has not submitted this attempt yet.'))
    if not Decimal(0) <= fraction <= Decimal(1):
        raise InvalidInput('fraction', _('Give a mark between 0 and 100 %.'))
    answer = next((a for a in attempt.answers if a.question_id == question_id), None)
    question = db.session.get(Question, question_id)
    if question is None or question.qtype != 'essay' or question_id not in attempt.question_ids:
        raise NotFound(_('No essay with this number in the attempt.'))
    if answer is None:
        answer = AttemptAnswer(attempt=attempt, question=question, response={'text': ''})
        db.session.add(answer)
    answer.fraction = fraction
    db.session.flush()
    logger.info('%r graded essay %r of %r: %s', grader, question_id, attempt, fraction)
    _update_score(attempt)
    return attempt


def _update_score(attempt: Attempt) -> None:
    """The attempt's score once every answer has a mark (unanswered: 0; essays: the trainer's mark).

    Sends attempt_graded the first time the score exists.
    """
    answers = {a.question_id: a for a in attempt.answers}
    total = earned = Decimal(0)
    for question in questions_of(attempt):
        if question.qtype == 'description':
            continue
        total += question.mark
        answer = answers.get(question.id)
        if question.qtype == 'essay' and (answer is None or answer.fraction is None):
            return  # still waiting for another essay
        earned += (answer.fraction if answer is not None and answer.fraction is not None else 0) * question.mark
    was_pending = attempt.score is None
    if attempt.quiz.cbm:
        attempt.score = behaviours.cbm_summary(_cbm_items(attempt)).score
    else:
        attempt.score = behaviours.share(earned / total if total else Decimal(1))
    db.session.flush()
    if was_pending:
        attempt_graded.send(attempt, learner=attempt.learner, course=attempt.course, quiz=attempt.quiz,
                            quiz_grade=quiz_grade(attempt.quiz, attempt.learner, attempt.course))
