"""A demo learner who has walked the whole demo module, so a newcomer sees a real badge at once (idempotent).

Gabriel goes through the real services, step by step, as a learner would: units done, the quiz answered
and submitted, every self-assessment stage rated, and the practical task signed off in person by Maria, the demo
mentor (code, claim, signature, his confirmation). Progress then completes the run and the badges receiver
issues the badge — nothing is marked done behind the services' backs.
"""

import logging

import sqlalchemy as sa
from flask import current_app

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Course, Role, User, UserKind
from lms_ext.badges import services as badges
from lms_ext.badges.models import Assertion
from lms_ext.content.models import Module, Step, StepKind
from lms_ext.core.db import db
from lms_ext.practical.services import signoffs
from lms_ext.practical.services.checklists import checklist_for_step
from lms_ext.progress import services as progress
from lms_ext.quizzes import services as quizzes
from lms_ext.self_assessment import services as self_assessment

logger = logging.getLogger(__name__)

GRADUATE_SUBJECT = 'demo-graduate-gabriel'
GRADUATE = {'given_name': 'Gabriel', 'family_name': 'Horvat', 'name': 'Gabriel Horvat',
            'email': 'gabriel.horvat@demo.invalid'}
MENTOR_SUBJECT = 'demo-mentor-maria'
MENTOR = {'given_name': 'Maria', 'family_name': 'Costa', 'name': 'Maria Costa', 'email': 'maria.costa@demo.invalid'}
DEVICE_LEARNER = signoffs.Device(ip='192.0.2.10', agent='Demo seed (Gabriel’s phone)')
DEVICE_MENTOR = signoffs.Device(ip='192.0.2.20', agent='Demo seed (Maria’s phone)')
# How Gabriel rates himself at each stage (1..4), one list entry per stage in module order: he grows.
STAGE_LEVELS = (1, 2, 3)


def _user(course: Course, subject: str, facts: dict, role: Role) -> User:
    user = db.session.scalar(sa.select(User).where(User.issuer == course.issuer, User.subject == subject))
    if user is None:
        user = User(kind=UserKind.lti, issuer=course.issuer, subject=subject, **facts)
        db.session.add(user)
        db.session.flush()
    accounts.enroll(user, course, role)
    return user


def _right_response(question) -> dict:
    """The best answer to each demo question, read from its own specification (the answer with the highest
    fraction; every positive one for multiple response; every pair for matching)."""
    spec = question.spec
    if question.qtype == 'matching':
        return {'pairs': {str(i): p['answer'] for i, p in enumerate(spec['pairs']) if p['question']}}
    answers = spec['answers']
    best = max(range(len(answers)), key=lambda i: float(answers[i]['fraction']))
    if question.qtype == 'multiresponse':
        return {'choices': [i for i, a in enumerate(answers) if float(a['fraction']) > 0]}
    if question.qtype == 'truefalse':
        return {'value': best == 0}
    if question.qtype == 'multichoice':
        return {'choice': best}
    if question.qtype == 'numerical':
        return {'value': answers[best]['text']}
    return {'text': answers[best]['text']}


def _take_quiz(step: Step, learner: User, course: Course) -> None:
    quiz = quizzes.quiz_for_step(step)
    attempt = quizzes.start_or_resume(quiz, learner, course)
    for question in quizzes.questions_of(attempt):
        if question.qtype not in ('description', 'essay'):  # the demo quiz has neither
            quizzes.save_answer(attempt, question.id, _right_response(question))
    quizzes.submit(attempt)  # graded on the server; a passed quiz completes its step


def _rate_stage(step: Step, learner: User, course: Course, stage_index: int, last: bool) -> None:
    level = STAGE_LEVELS[min(stage_index, len(STAGE_LEVELS) - 1)]
    ratings = {o.id: {'level': level, 'note': '', 'start': 1 if last else None} for o in step.version.outcomes}
    self_assessment.submit_stage(step, learner=learner, course=course, ratings=ratings,
                                 reflection='Much more confident with the grinder now.' if last else '')


def _signed_off_in_person(step: Step, learner: User, mentor: User, course: Course, key: str) -> None:
    session, code = signoffs.start_session(learner, course, step, DEVICE_LEARNER, key=key)
    session = signoffs.claim_by_code(mentor, code, DEVICE_MENTOR, key)
    checklist = checklist_for_step(step)
    signoffs.sign(session, mentor, {
        'results': {c.id: True for c in checklist.criteria},
        'ratings': {o.id: 3 for o in checklist.outcomes}, 'note': 'Safe, calm and tidy work.',
        'signature_name': MENTOR['name'], 'confirm': True, 'idempotency_key': f'demo-seed-{learner.id}-{step.id}'},
        photo=None, media_dir=None)
    signoffs.confirm(session, learner, took_place=True)


def seed(course: Course, module: Module) -> Assertion | None:
    """Gabriel walks every step of the demo module; the badge is issued on completion."""
    key = current_app.config['SECRET_KEY']  # sign-off codes are keyed with the app's secret
    learner = _user(course, GRADUATE_SUBJECT, GRADUATE, Role.learner)
    mentor = _user(course, MENTOR_SUBJECT, MENTOR, Role.mentor)
    run = progress.start_or_resume(learner, module, course)
    stages = [s for s in run.version.steps if s.kind is StepKind.self_assessment]
    done = {entry.step_id for entry in run.steps if entry.completed_at is not None}
    for step in run.version.steps:
        if step.id in done:
            continue
        if step.kind is StepKind.unit:
            progress.complete_step(run, step)
        elif step.kind is StepKind.quiz:
            _take_quiz(step, learner, course)
        elif step.kind is StepKind.self_assessment:
            _rate_stage(step, learner, course, stages.index(step), last=step is stages[-1])
        elif step.kind is StepKind.practical:
            _signed_off_in_person(step, learner, mentor, course, key)
    earned = next((a for a in badges.badges_of(learner) if a.version_id == run.version_id), None)
    logger.info('Demo graduate %r holds %r', learner, earned)
    return earned
