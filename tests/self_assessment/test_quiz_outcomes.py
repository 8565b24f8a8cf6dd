"""Quiz questions linked to learning outcomes: GIFT tags, the authoring form, results per outcome."""

from decimal import Decimal

import pytest

from lms_ext.accounts.models import Role
from lms_ext.content import services as content
from lms_ext.content.models import StepKind
from lms_ext.content.schemas import ModuleInput
from lms_ext.core.errors import Conflict, InvalidInput
from lms_ext.quizzes import services as quizzes
from lms_ext.quizzes.models import GradingMethod, Question
from tests.conftest import login
from tests.factories import CourseFactory
from tests.sample_module import SAMPLE_MODULE
from tests.self_assessment.conftest import enrolled


@pytest.fixture
def draft_quiz(db_session):
    module = content.create_module(ModuleInput().load({**SAMPLE_MODULE, 'slug': 'linked-quiz'}))
    step = content.add_step(module.versions[0], {'kind': StepKind.quiz, 'title': 'Check'})
    return quizzes.ensure_quiz(step, attempts_allowed=5)


def test_gift_tags_link_questions_to_outcomes_by_position(draft_quiz):
    outcomes = draft_quiz.step.version.outcomes
    added = quizzes.import_gift(draft_quiz, '// [tag:outcome:2] [tag:outcome:5] [tag:hazards]\n::A::Yes?{T}\n\n'
                                            '::B::No?{F}')
    assert [[o.id for o in q.outcomes] for q in added] == [[outcomes[1].id, outcomes[4].id], []]
    with pytest.raises(InvalidInput) as caught:
        quizzes.import_gift(draft_quiz, '// [tag:outcome:9]\n::C::Maybe?{T}')
    assert 'outcome 9' in caught.value.message and len(draft_quiz.questions) == 2


def test_links_are_checked_and_only_change_on_drafts(db_session, draft_quiz, version):
    question = quizzes.import_gift(draft_quiz, '::A::Yes?{T}')[0]
    own = draft_quiz.step.version.outcomes
    quizzes.set_question_outcomes(question, [own[2].id, own[0].id])
    assert [o.position for o in question.outcomes] == [1, 3]
    with pytest.raises(InvalidInput) as caught:  # an outcome of another module's version
        quizzes.set_question_outcomes(question, [version.outcomes[0].id])
    assert caught.value.field == f'outcomes_{question.id}'
    content.publish_version(draft_quiz.step.version)
    with pytest.raises(Conflict):
        quizzes.set_question_outcomes(question, [])


def test_trainer_links_questions_on_the_quiz_page(client, db_session, draft_quiz):
    question = quizzes.import_gift(draft_quiz, '::A::Yes?{T}')[0]
    outcomes = draft_quiz.step.version.outcomes
    trainer = enrolled(CourseFactory(), Role.instructor)
    login(client, trainer)
    page = client.get(f'/author/steps/{draft_quiz.step_id}/quiz').get_data(as_text=True)
    assert 'name="outcome_ids"' in page and outcomes[0].text in page
    saved = client.post(f'/author/questions/{question.id}/outcomes',
                        data={'outcome_ids': [str(outcomes[1].id), str(outcomes[3].id)]})
    assert saved.status_code == 303
    links = db_session.get(Question, question.id)
    db_session.refresh(links)
    assert [o.position for o in links.outcomes] == [2, 4]
    refused = client.post(f'/author/questions/{question.id}/outcomes', data={'outcome_ids': ['x']})
    assert refused.status_code == 303
    db_session.refresh(links)
    assert [o.position for o in links.outcomes] == [2, 4]  # nothing changed


@pytest.mark.parametrize(('method', 'expected'), [
    # attempts: outcome 1 gets 1/2 then 2/2; outcome 2 gets 1/1 then 0/1
    (GradingMethod.highest, ('1', '0')),  # the second attempt: 3/4 beats 2/4
    (GradingMethod.first, ('0.5', '1')),
    (GradingMethod.last, ('1', '0')),
    (GradingMethod.average, ('0.75', '0.5')),
])
def test_outcome_results_follow_the_grading_method(db_session, draft_quiz, course, method, expected):
    outcomes = draft_quiz.step.version.outcomes
    quizzes.import_gift(draft_quiz, '// [tag:outcome:1]\n::Q1::a{T}\n\n// [tag:outcome:1]\n::Q2::b{T}\n\n'
                                    '// [tag:outcome:2]\n::Q3::c{T}\n\n::Q4::not linked{T}')
    draft_quiz.grading_method = method
    content.publish_version(draft_quiz.step.version)
    lena = enrolled(course)
    for answers in ({'Q1': True, 'Q2': False, 'Q3': True, 'Q4': False},  # score 2/4
                    {'Q1': True, 'Q2': True, 'Q3': False, 'Q4': True}):  # score 3/4
        attempt = quizzes.start_or_resume(draft_quiz, lena, course)
        for question in quizzes.questions_of(attempt):
            quizzes.save_answer(attempt, question.id, {'value': answers[question.name]})
        quizzes.submit(attempt)
    results = quizzes.outcome_results(draft_quiz, course)
    assert results == {(lena.id, outcomes[0].id): Decimal(expected[0]), (lena.id, outcomes[1].id): Decimal(expected[1])}
