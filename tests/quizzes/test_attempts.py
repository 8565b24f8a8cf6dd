"""Quiz attempts: GIFT import (all or nothing), limits, autosave, resume, idempotent submit, grading methods,
and the grade queued for the LMS gradebook exactly once per attempt."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.content import services as content
from lms_ext.content.models import StepKind
from lms_ext.content.schemas import ModuleInput
from lms_ext.core.errors import Conflict, InvalidInput, PermissionDenied
from lms_ext.core.time import utcnow
from lms_ext.lti.models import Deployment, Platform, ResourceLink, ScoreSubmission
from lms_ext.progress import services as progress
from lms_ext.quizzes import services
from lms_ext.quizzes.models import AttemptAnswer, AttemptState, GradingMethod, Question
from tests.conftest import login
from tests.factories import CourseFactory, UserFactory
from tests.sample_module import SAMPLE_MODULE

GIFT = '''
::Q1::Two plus two?{=four ~three ~five}

::Q2::The sky is blue.{T}

::Q3::Pi to two decimals?{#3.14:0.005}

::Essay::Describe your workshop.{}
'''


@pytest.fixture
def quiz(db_session):
    module = content.create_module(ModuleInput().load({**SAMPLE_MODULE, 'slug': 'quiz-module'}))
    version = module.versions[0]
    step = content.add_step(version, {'kind': StepKind.quiz, 'title': 'Check'})
    quiz = services.ensure_quiz(step, pass_mark=Decimal('0.6'), attempts_allowed=2)
    services.import_gift(quiz, GIFT.replace('\n::Essay::Describe your workshop.{}\n', ''))
    content.publish_version(version)
    return quiz


@pytest.fixture
def learner_course(db_session):
    course, learner = CourseFactory(), UserFactory()
    accounts.enroll(learner, course, Role.learner)
    return learner, course


def _answer_all(attempt, right=True):
    q1, q2, q3 = services.questions_of(attempt)
    services.save_answer(attempt, q1.id, {'choice': 0 if right else 1})
    services.save_answer(attempt, q2.id, {'value': right})
    services.save_answer(attempt, q3.id, {'value': '3.14' if right else '2'})


def test_gift_import_is_all_or_nothing_with_line_numbers(quiz, db_session):
    before = db_session.scalar(sa.select(sa.func.count(Question.id)))
    with pytest.raises(InvalidInput) as info:
        services.import_gift(quiz, '::ok::Fine?{T}\n\n::bad::Broken {=a ~%33%b}\n')
    assert 'line 3' in info.value.errors and '33' in ' '.join(info.value.errors['line 3'])
    assert db_session.scalar(sa.select(sa.func.count(Question.id))) == before
    assert services.export_gift(quiz).count('::Q') == 3


def test_autosave_resume_and_idempotent_submit(quiz, learner_course, db_session):
    learner, course = learner_course
    attempt = services.start_or_resume(quiz, learner, course)
    q1 = services.questions_of(attempt)[0]
    services.save_answer(attempt, q1.id, {'choice': 2})
    services.save_answer(attempt, q1.id, {'choice': 0})  # the latest answer wins
    assert services.start_or_resume(quiz, learner, course) is attempt  # resume, not a new attempt
    assert [a.response for a in attempt.answers] == [{'choice': 0}]
    with pytest.raises(InvalidInput) as info:
        services.save_answer(attempt, q1.id, {'choice': 7})
    assert f'q{q1.id}' in info.value.errors
    _answer_all(attempt)
    services.submit(attempt)
    score = attempt.score
    assert attempt.state is AttemptState.finished and score == Decimal(1)
    assert services.submit(attempt).score == score  # submitting twice changes nothing
    with pytest.raises(Conflict):
        services.save_answer(attempt, q1.id, {'choice': 1})


def test_an_answer_saved_by_a_simultaneous_request_is_updated_not_duplicated(quiz, learner_course, db_session):
    """An autosave in flight and the form's "Submit" save the same question at the same moment: the second
    insert meets the unique constraint and updates the row the first one wrote (nothing fails, nothing lost)."""
    learner, course = learner_course
    attempt = services.start_or_resume(quiz, learner, course)
    q1 = services.questions_of(attempt)[0]
    assert attempt.answers == []  # this request has read the answers: none yet
    db_session.execute(sa.insert(AttemptAnswer).values(attempt_id=attempt.id, question_id=q1.id,
                                                       response={'choice': 2}, saved_at=utcnow()))  # the other one
    services.save_answer(attempt, q1.id, {'choice': 0})
    rows = db_session.execute(sa.select(AttemptAnswer.response).where(AttemptAnswer.attempt_id == attempt.id)).all()
    assert [r.response for r in rows] == [{'choice': 0}]
    assert services.submit(attempt).state is AttemptState.finished


def test_attempt_limit_delay_and_grading_methods(quiz, learner_course, db_session):
    learner, course = learner_course
    first = services.start_or_resume(quiz, learner, course)
    _answer_all(first, right=False)
    services.submit(first)
    assert first.score == Decimal(0)
    quiz.delay_minutes = 10
    with pytest.raises(PermissionDenied, match='try again in'):
        services.start_or_resume(quiz, learner, course)
    first.finished_at -= timedelta(minutes=11)
    second = services.start_or_resume(quiz, learner, course)
    q1, _q2, _q3 = services.questions_of(second)
    services.save_answer(second, q1.id, {'choice': 0})
    services.submit(second)
    assert second.score == Decimal('0.33333')
    with pytest.raises(PermissionDenied, match='all 2 attempts'):
        services.start_or_resume(quiz, learner, course)
    expected = {GradingMethod.highest: Decimal('0.33333'), GradingMethod.first: Decimal(0),
                GradingMethod.last: Decimal('0.33333'), GradingMethod.average: Decimal('0.16667')}
    for method, grade in expected.items():
        quiz.grading_method = method
        assert services.quiz_grade(quiz, learner, course) == grade, method
        # the badge evidence reads the same grade in one query
        assert services.grades_by_step([quiz.step], learner, course) == {quiz.step.id: (quiz, grade)}, method
    other = UserFactory()
    assert services.grades_by_step([quiz.step], other, course) == {quiz.step.id: (quiz, None)}


def test_essays_wait_for_the_trainer(db_session, learner_course):
    module = content.create_module(ModuleInput().load({**SAMPLE_MODULE, 'slug': 'essay-module'}))
    step = content.add_step(module.versions[0], {'kind': StepKind.quiz, 'title': 'Essay'})
    quiz = services.ensure_quiz(step)
    services.import_gift(quiz, GIFT)
    learner, course = learner_course
    attempt = services.start_or_resume(quiz, learner, course)
    services.save_answer(attempt, services.questions_of(attempt)[3].id, {'text': 'Clean and tidy.'})
    services.submit(attempt)
    assert attempt.state is AttemptState.finished and attempt.score is None


def test_passing_completes_the_step_and_queues_the_grade_once(quiz, learner_course, db_session):
    learner, course = learner_course
    platform = Platform(issuer='https://lms.example', client_id='c', auth_login_url='https://lms.example/a',
                        auth_token_url='https://lms.example/t', key_set_url='https://lms.example/k')
    link = ResourceLink(platform=platform, deployment=Deployment(platform=platform, deployment_id='d'),
                        course=course, resource_link_id='rl', module_id=quiz.step.version.module_id,
                        ags_scopes=['https://purl.imsglobal.org/spec/lti-ags/scope/score'],
                        ags_lineitem_url='https://lms.example/lineitems/1/lineitem')
    db_session.add(link)
    run = progress.start_or_resume(learner, quiz.step.version.module, course)
    attempt = services.start_or_resume(quiz, learner, course)
    _answer_all(attempt)
    services.submit(attempt)
    services.submit(attempt)
    assert quiz.step.id in progress.summary(run).done
    submissions = db_session.scalars(sa.select(ScoreSubmission).where(ScoreSubmission.link_id == link.id)).all()
    assert [(s.attempt_key, s.score_given, s.grading_progress) for s in submissions] == [
        (f'quiz-attempt:{attempt.id}', Decimal('100.0000'), 'FullyGraded')]


def test_quiz_pages_without_javascript(client, quiz, learner_course, db_session):
    learner, course = learner_course
    login(client, learner)
    started = client.post(f'/courses/{course.id}/quizzes/{quiz.id}/attempt')
    assert started.status_code == 303
    page = client.get(started.headers['Location'])
    body = page.get_data(as_text=True)
    assert 'Two plus two?' in body and 'fraction' not in body and 'four' in body
    attempt = services.attempts_of(quiz, learner, course)[0]
    q1, q2, q3 = services.questions_of(attempt)
    saved = client.post(started.headers['Location'], data={f'q{q1.id}': '0', f'q{q3.id}': '3,14', 'save': '1'})
    assert saved.status_code == 303
    bad = client.post(started.headers['Location'], data={f'q{q3.id}': 'three'})
    assert bad.status_code == 422 and 'value' in bad.get_data(as_text=True)
    done = client.post(started.headers['Location'], data={f'q{q2.id}': 'true', 'submit': '1'})
    assert done.status_code == 303 and done.headers['Location'].endswith('/review')
    review = client.get(done.headers['Location']).get_data(as_text=True)
    assert 'Attempt 1: 100%' in review and 'Passed' in review
    other = UserFactory()
    accounts.enroll(other, course, Role.learner)
    login(client, other)
    assert client.get(started.headers['Location']).status_code == 404  # not their attempt


def test_json_autosave(client, quiz, learner_course, db_session):
    learner, course = learner_course
    login(client, learner)
    client.post(f'/courses/{course.id}/quizzes/{quiz.id}/attempt')
    attempt = services.attempts_of(quiz, learner, course)[0]
    q1 = services.questions_of(attempt)[0]
    url = f'/courses/{course.id}/attempts/{attempt.id}/answers/{q1.id}'
    assert client.post(url, json={'choice': 1}).json['saved'] is True
    assert client.post(url, json={'choice': 99}).status_code == 422
    submit_url, json_only = f'/courses/{course.id}/attempts/{attempt.id}/submit', {'Accept': 'application/json'}
    submitted, again = client.post(submit_url, headers=json_only), client.post(submit_url, headers=json_only)
    assert submitted.json == again.json == {'state': 'finished', 'score': 0.0}


def test_trainer_grades_essays_and_then_the_grade_is_queued(client, db_session, learner_course):
    module = content.create_module(ModuleInput().load({**SAMPLE_MODULE, 'slug': 'essay-grading'}))
    step = content.add_step(module.versions[0], {'kind': StepKind.quiz, 'title': 'Essay'})
    quiz = services.ensure_quiz(step)
    services.import_gift(quiz, '::Essay::Describe your workshop.{}\n\n::TF::Sky is blue.{T}')
    content.publish_version(module.versions[0])
    learner, course = learner_course
    attempt = services.start_or_resume(quiz, learner, course)
    essay, truefalse = services.questions_of(attempt)
    services.save_answer(attempt, essay.id, {'text': 'Tidy, with a fire blanket.'})
    services.save_answer(attempt, truefalse.id, {'value': True})
    services.submit(attempt)
    assert attempt.score is None and services.attempts_waiting(course) == [attempt]
    trainer = UserFactory()
    accounts.enroll(trainer, course, Role.instructor)
    login(client, trainer)
    page = client.get(f'/courses/{course.id}/grading').get_data(as_text=True)
    assert 'Tidy, with a fire blanket.' in page
    client.post(f'/courses/{course.id}/grading', data={'attempt_id': attempt.id, 'question_id': essay.id,
                                                       'percent': 'lots'})
    db_session.refresh(attempt)
    assert attempt.score is None
    client.post(f'/courses/{course.id}/grading', data={'attempt_id': attempt.id, 'question_id': essay.id,
                                                       'percent': '50'})
    db_session.refresh(attempt)
    assert attempt.score == Decimal('0.75') and services.attempts_waiting(course) == []
    login(client, learner)
    assert client.get(f'/courses/{course.id}/grading').status_code == 403
