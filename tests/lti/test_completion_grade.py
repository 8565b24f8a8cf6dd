"""Completing a module queues its grade for every placement of the module in the course (AGS outbox)."""

import copy
from decimal import Decimal

import sqlalchemy as sa

from lms_ext.content import services as content
from lms_ext.content.models import StepKind
from lms_ext.content.schemas import ModuleInput
from lms_ext.lti.models import Deployment, Platform, ResourceLink, ScoreSubmission
from lms_ext.progress import services as progress
from lms_ext.quizzes import services as quizzes
from tests.factories import CourseFactory, UserFactory
from tests.sample_module import SAMPLE_MODULE

SCORE_SCOPE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score'


def _module(slug: str, *, with_quiz: bool):
    data = copy.deepcopy(SAMPLE_MODULE)
    data['slug'] = slug
    module = content.create_module(ModuleInput().load(data))
    version = module.versions[0]
    if with_quiz:
        quiz = quizzes.ensure_quiz(content.add_step(version, {'kind': StepKind.quiz, 'title': 'Quiz'}),
                                   pass_mark=Decimal('0.5'))
        quizzes.import_gift(quiz, '::Q1:: Sparks fly {T}\n\n::Q2:: Grinders are toys {F}\n')
    content.publish_version(version)
    return module


def _placements(db_session, course, module, n: int) -> list[ResourceLink]:
    platform = Platform(issuer='https://lms.example.org', client_id=f'c-{module.slug}',
                        auth_login_url='https://lms.example.org/auth', auth_token_url='https://lms.example.org/token',
                        key_set_url='https://lms.example.org/jwks')
    deployment = Deployment(platform=platform, deployment_id='1')
    links = [ResourceLink(platform=platform, deployment=deployment, course=course, module_id=module.id,
                          resource_link_id=f'{module.slug}-{i}', title='Grinder', ags_scopes=[SCORE_SCOPE],
                          ags_lineitem_url=f'https://lms.example.org/lineitems/{i}') for i in range(n)]
    db_session.add_all(links)
    db_session.flush()
    return links


def _completion_scores(db_session, learner):
    return db_session.scalars(sa.select(ScoreSubmission).where(
        ScoreSubmission.learner_id == learner.id, ScoreSubmission.attempt_key.like('module-completed:%'))).all()


def test_completion_without_quiz_sends_100_to_each_placement_once(db_session):
    module, course, learner = _module('grade-no-quiz', with_quiz=False), CourseFactory(), UserFactory()
    links = _placements(db_session, course, module, 2)
    run = progress.start_or_resume(learner, module, course)
    for step in run.version.steps:
        progress.complete_step(run, step)
    progress.complete_step(run, run.version.steps[0])  # a repeated event sends nothing more
    scores = _completion_scores(db_session, learner)
    assert sorted(s.link_id for s in scores) == sorted(link.id for link in links)
    assert {(s.score_given, s.score_maximum, s.grading_progress, s.activity_progress) for s in scores} == {
        (Decimal(100), Decimal(100), 'FullyGraded', 'Completed')}


def test_completion_grade_is_the_quiz_grade_sent_after_the_quiz_score(db_session):
    module, course, learner = _module('grade-quiz', with_quiz=True), CourseFactory(), UserFactory()
    [link] = _placements(db_session, course, module, 1)
    run = progress.start_or_resume(learner, module, course)
    for step in run.version.steps[:-1]:
        progress.complete_step(run, step)
    quiz = quizzes.quiz_for_step(run.version.steps[-1])
    attempt = quizzes.start_or_resume(quiz, learner, course)
    first, second = quizzes.questions_of(attempt)
    quizzes.save_answer(attempt, first.id, {'value': True})
    quizzes.save_answer(attempt, second.id, {'value': True})  # wrong: 50%, which passes at 0.5
    quizzes.submit(attempt)
    submissions = db_session.scalars(sa.select(ScoreSubmission).where(ScoreSubmission.link_id == link.id)
                                     .order_by(ScoreSubmission.timestamp)).all()
    assert [(s.attempt_key.split(':')[0], s.score_given) for s in submissions] == [
        ('quiz-attempt', Decimal(50)), ('module-completed', Decimal(50))]
    assert submissions[0].timestamp < submissions[1].timestamp
