"""Interactive quizzes with several tries and a penalty, and certainty-based marking (CBM), through the
services and the HTTP views (with and without JavaScript). Marks are hand-computed with penalty 1/3:
a try after n earlier tries earns max(0, fraction - 0.3333333 × n)."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.content import services as content
from lms_ext.content.models import StepKind
from lms_ext.content.schemas import ModuleInput
from lms_ext.core.errors import Conflict, InvalidInput
from lms_ext.lti.models import Deployment, Platform, ResourceLink, ScoreSubmission
from lms_ext.quizzes import services
from lms_ext.quizzes.models import AnswerTry, Behaviour, Quiz
from tests.conftest import login
from tests.factories import CourseFactory, UserFactory
from tests.quizzes.authoring import trainer_with_quiz_step
from tests.sample_module import SAMPLE_MODULE

GIFT = '''
::Q1::Two plus two?{=four ~three ~five}

::Q2::The sky is blue.{T}

::Q3::Pi to two decimals?{#3.14:0.005}

::Q4::Which are even?{~%50%two ~%50%four ~%-100%three}

::Essay::Describe your workshop.{}
'''


def _quiz(slug: str, gift: str = GIFT, **settings) -> Quiz:
    module = content.create_module(ModuleInput().load({**SAMPLE_MODULE, 'slug': slug}))
    version = module.versions[0]
    step = content.add_step(version, {'kind': StepKind.quiz, 'title': 'Check'})
    quiz = services.ensure_quiz(step, **settings)
    services.import_gift(quiz, gift)
    content.publish_version(version)
    return quiz


@pytest.fixture
def learner_course(db_session):
    course, learner = CourseFactory(), UserFactory()
    accounts.enroll(learner, course, Role.learner)
    return learner, course


@pytest.fixture
def interactive(db_session):
    return _quiz('interactive-quiz', GIFT.replace('\n::Essay::Describe your workshop.{}\n', ''),
                 behaviour=Behaviour.interactive, penalty=Decimal('0.3333333'), tries_allowed=3)


def _state(attempt, question):
    answer = next(a for a in attempt.answers if a.question_id == question.id)
    return services.check_state(attempt.quiz, question, answer)


def test_interactive_tries_penalties_cap_and_idempotent_checks(interactive, learner_course, db_session):
    learner, course = learner_course
    attempt = services.start_or_resume(interactive, learner, course)
    q1, q2, q3, q4 = services.questions_of(attempt)

    services.check_answer(attempt, q1.id, {'choice': 1})  # wrong
    state = _state(attempt, q1)
    assert (state['tries'], state['tries_left'], state['finished'], state['mark']) == (1, 2, False, Decimal(0))
    services.check_answer(attempt, q1.id, {'choice': 0})  # right at the second try: 1 - 1/3
    state = _state(attempt, q1)
    assert (state['tries'], state['finished'], state['right'], state['mark']) == (2, True, True, Decimal('0.66667'))
    with pytest.raises(Conflict):  # finished: no more tries, the answer cannot change
        services.check_answer(attempt, q1.id, {'choice': 2})
    with pytest.raises(Conflict):
        services.save_answer(attempt, q1.id, {'choice': 2})
    services.save_answer(attempt, q1.id, {'choice': 0})  # the same answer again changes nothing

    first = services.check_answer(attempt, q2.id, {'value': False})
    assert services.check_answer(attempt, q2.id, {'value': False}) is first  # a repeated check counts once
    services.check_answer(attempt, q2.id, {'value': True})
    assert _state(attempt, q2)['mark'] == Decimal('0.66667')

    for wrong in ('1', '2', '3'):  # the try cap: three wrong tries finish the question with 0
        services.check_answer(attempt, q3.id, {'value': wrong})
    state = _state(attempt, q3)
    assert (state['tries'], state['tries_left'], state['finished'], state['mark']) == (3, 0, True, Decimal(0))
    with pytest.raises(Conflict):
        services.check_answer(attempt, q3.id, {'value': '3.14'})

    services.check_answer(attempt, q4.id, {'choices': [0]})  # partly right (50 %): may try again
    assert not _state(attempt, q4)['finished']
    services.save_answer(attempt, q4.id, {'choices': [0, 1]})  # changed but never checked
    services.submit(attempt)
    # the unchecked response is graded as a last (second) try at submission: 1 - 1/3
    q4_answer = next(a for a in attempt.answers if a.question_id == q4.id)
    assert [t.fraction for t in q4_answer.tries] == [Decimal('0.5'), Decimal(1)]
    assert {a.question_id: a.fraction for a in attempt.answers} == {
        q1.id: Decimal('0.66667'), q2.id: Decimal('0.66667'), q3.id: Decimal(0), q4.id: Decimal('0.66667')}
    assert attempt.score == Decimal('0.50000')  # (0.66667 × 3 + 0) / 4
    rows = services.review(attempt)
    assert [mark for _t, mark in rows[0]['tries']] == [Decimal(0), Decimal('0.66667')]
    tries = db_session.scalar(sa.select(sa.func.count(AnswerTry.id)))
    services.submit(attempt)
    assert db_session.scalar(sa.select(sa.func.count(AnswerTry.id))) == tries  # submitting twice adds nothing


def test_a_simultaneous_identical_check_counts_once(interactive, learner_course, db_session):
    learner, course = learner_course
    attempt = services.start_or_resume(interactive, learner, course)
    question = services.questions_of(attempt)[1]
    answer = services.save_answer(attempt, question.id, {'value': False})
    assert answer.tries == []  # this request has read the tries; another one records the same try meanwhile
    db_session.execute(sa.insert(AnswerTry).values(answer_id=answer.id, number=1, response={'value': False},
                                                   fraction=Decimal(0), checked_at=answer.saved_at))
    counted = services.check_answer(attempt, question.id, {'value': False})
    assert counted.number == 1
    assert db_session.scalar(sa.select(sa.func.count(AnswerTry.id)).where(AnswerTry.answer_id == answer.id)) == 1


def test_checking_needs_interactive_mode_and_an_automatic_question(db_session, learner_course):
    learner, course = learner_course
    deferred = _quiz('deferred-quiz')
    attempt = services.start_or_resume(deferred, learner, course)
    with pytest.raises(Conflict):
        services.check_answer(attempt, services.questions_of(attempt)[0].id, {'choice': 0})
    essay_quiz = _quiz('essay-quiz', behaviour=Behaviour.interactive)
    attempt = services.start_or_resume(essay_quiz, learner, course)
    essay = services.questions_of(attempt)[4]
    with pytest.raises(InvalidInput) as info:
        services.check_answer(attempt, essay.id, {'text': 'Tidy.'})
    assert f'q{essay.id}' in info.value.errors


def test_interactive_over_http_resumes_with_tries_and_works_without_javascript(client, interactive,
                                                                                learner_course, db_session):
    learner, course = learner_course
    login(client, learner)
    url = client.post(f'/courses/{course.id}/quizzes/{interactive.id}/attempt').headers['Location']
    attempt = services.attempts_of(interactive, learner, course)[0]
    q1, q2, _q3, _q4 = services.questions_of(attempt)
    check_url = f'/courses/{course.id}/attempts/{attempt.id}/answers/{q1.id}/check'

    checked = client.post(check_url, json={'choice': 1})  # JavaScript: fetch
    assert checked.status_code == 200
    assert (checked.json['tries'], checked.json['tries_left'], checked.json['finished']) == (1, 2, False)
    assert 'Not right.' in checked.json['html'] and '2 tries left' in checked.json['html']
    again = client.post(check_url, json={'choice': 1})  # a retry after a timeout
    assert again.json['tries'] == 1 and again.json['html'] == checked.json['html']

    page = client.get(url).get_data(as_text=True)  # a reload resumes with the tries so far
    assert 'Try 1 of 3: mark 0%.' in page and page.count('name="check"') == 4
    assert 'each further try costs 33.3% of its marks' in page and 'How certain are you?' not in page

    # without JavaScript the Check button posts the form; the page comes back at the question
    posted = client.post(url, data={f'q{q1.id}': '0', f'q{q2.id}': 'true', 'check': str(q1.id)})
    assert posted.status_code == 303 and posted.headers['Location'].endswith(f'#q{q1.id}')
    page = client.get(url).get_data(as_text=True)
    assert 'Right.' in page and 'Try 2 of 3: mark 66.7%.' in page and '33.3% penalty' in page
    assert page.count('name="check"') == 3 and 'This question is finished.' in page
    empty = client.post(url, data={'check': str(_q3.id)})
    assert empty.status_code == 422 and 'Answer the question before checking it.' in empty.get_data(as_text=True)

    done = client.post(url, data={f'q{q2.id}': 'true', 'submit': '1'})  # q2 saved, never checked
    assert done.headers['Location'].endswith('/review')
    db_session.refresh(attempt)
    assert attempt.score == Decimal('0.41667')  # (0.66667 + 1 + 0 + 0) / 4
    review = client.get(done.headers['Location']).get_data(as_text=True)
    assert 'Attempt 1: 42%' in review and 'Mark after penalty' in review and '66.7%' in review


def test_cbm_with_deferred_feedback_end_to_end(client, learner_course, db_session):
    quiz = _quiz('cbm-quiz', GIFT.split('\n::Q4::')[0], cbm=True, pass_mark=Decimal('0.2'))
    learner, course = learner_course
    platform = Platform(issuer='https://lms.example', client_id='c', auth_login_url='https://lms.example/a',
                        auth_token_url='https://lms.example/t', key_set_url='https://lms.example/k')
    link = ResourceLink(platform=platform, deployment=Deployment(platform=platform, deployment_id='d'),
                        course=course, resource_link_id='rl', module_id=quiz.step.version.module_id,
                        ags_scopes=['https://purl.imsglobal.org/spec/lti-ags/scope/score'],
                        ags_lineitem_url='https://lms.example/lineitems/1/lineitem')
    db_session.add(link)
    login(client, learner)
    url = client.post(f'/courses/{course.id}/quizzes/{quiz.id}/attempt').headers['Location']
    page = client.get(url).get_data(as_text=True)
    assert page.count('How certain are you?') == 3 and 'C3: very sure (above 80%)' in page
    assert 'name="check"' not in page  # deferred feedback: nothing is graded before submitting
    attempt = services.attempts_of(quiz, learner, course)[0]
    q1, q2, q3 = services.questions_of(attempt)
    autosave = f'/courses/{course.id}/attempts/{attempt.id}/answers/{q1.id}'
    assert client.post(autosave, json={'choice': 0, 'certainty': 3}).status_code == 200  # right, C3: 3
    bad = client.post(url, data={f'q{q2.id}': 'false', f'q{q2.id}_certainty': '4'})
    assert bad.status_code == 422 and 'Choose how certain you are' in bad.get_data(as_text=True)
    # wrong at C2: -2; right without a certainty: C1 assumed, 1
    done = client.post(url, data={f'q{q2.id}': 'false', f'q{q2.id}_certainty': '2', f'q{q3.id}': '3.14',
                                  'submit': '1'})
    assert done.status_code == 303
    db_session.refresh(attempt)
    assert {a.question_id: a.certainty for a in attempt.answers} == {q1.id: 3, q2.id: 2, q3.id: None}
    # CBM average (3 - 2 + 1) / 3 = 0.66667; accuracy 2/3; score = average / 3
    cbm = services.cbm_results(attempt)
    assert (cbm.average, cbm.accuracy, cbm.score) == (Decimal('0.66667'), Decimal('0.66667'), Decimal('0.22222'))
    assert attempt.score == Decimal('0.22222')
    review = client.get(done.headers['Location']).get_data(as_text=True)
    assert 'CBM average 0.67' in review and 'accuracy 67%' in review and 'Attempt 1: 22%' in review
    assert 'Certainty: C3.' in review and 'CBM mark: -2 (of 3).' in review
    assert 'No certainty given: C1 assumed.' in review
    submissions = db_session.scalars(sa.select(ScoreSubmission).where(ScoreSubmission.link_id == link.id)).all()
    assert [(s.attempt_key, s.score_given) for s in submissions] == [(f'quiz-attempt:{attempt.id}',
                                                                     Decimal('22.2200'))]  # the LMS gets %


def test_cbm_combines_with_interactive_tries(db_session, learner_course):
    quiz = _quiz('cbm-interactive', '::Q::The sky is blue.{T}', behaviour=Behaviour.interactive, cbm=True,
                 penalty=Decimal('0.3333333'), tries_allowed=3)
    learner, course = learner_course
    attempt = services.start_or_resume(quiz, learner, course)
    question = services.questions_of(attempt)[0]
    services.check_answer(attempt, question.id, {'value': False}, 3)  # wrong, very sure
    again = services.check_answer(attempt, question.id, {'value': False}, 2)  # a new certainty is a new try
    assert again.number == 2
    services.check_answer(attempt, question.id, {'value': True}, 2)  # right at the third try: 1 - 2/3
    services.submit(attempt)
    row = services.review(attempt)[0]
    # CBM on the penalised fraction: C2 × 0.33333 = 0.66666; score 0.66666 / 3
    assert (row['fraction'], row['certainty'], row['cbm_mark']) == (Decimal('0.33333'), 2, Decimal('0.66666'))
    assert attempt.score == Decimal('0.22222')


def test_settings_for_behaviour_penalty_tries_and_cbm(client, db_session):
    step = trainer_with_quiz_step(client, 'settings-module')
    url = f'/author/steps/{step.id}/quiz'
    page = client.get(url).get_data(as_text=True)
    assert 'Question behaviour' in page and 'value="33.33333"' in page and 'name="cbm"' in page
    bad = client.post(url, data={'action': 'settings', 'pass_mark_percent': '60', 'behaviour': 'adaptive',
                                 'penalty_percent': '150', 'tries_allowed': '0'})
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert all(f'href="#f-{name}"' in body for name in ('behaviour', 'penalty_percent', 'tries_allowed'))
    saved = client.post(url, data={'action': 'settings', 'pass_mark_percent': '60', 'behaviour': 'interactive',
                                   'penalty_percent': '25', 'tries_allowed': '4', 'cbm': 'true'})
    assert saved.status_code == 303
    quiz = db_session.scalar(sa.select(Quiz).where(Quiz.step_id == step.id))
    db_session.refresh(quiz)
    assert (quiz.behaviour, quiz.penalty, quiz.tries_allowed, quiz.cbm) == (
        Behaviour.interactive, Decimal('0.2500000'), 4, True)
