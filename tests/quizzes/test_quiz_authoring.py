"""Trainers put questions into a quiz step: GIFT import (errors by line, all or nothing), settings, export."""

import sqlalchemy as sa

from lms_ext.quizzes.models import GradingMethod, Question, Quiz
from tests.quizzes.authoring import trainer_with_quiz_step


def test_trainer_imports_gift_sets_up_and_exports_a_quiz(client, db_session):
    step = trainer_with_quiz_step(client, 'gift-module')
    url = f'/author/steps/{step.id}/quiz'
    assert client.get(url).status_code == 200
    broken = client.post(url, data={'action': 'import', 'questions_text': '::A::Fine?{T}\n\n::B::Broken{=x ~%33%y}'})
    assert broken.status_code == 422 and 'line 3' in broken.get_data(as_text=True)
    assert db_session.scalar(sa.select(sa.func.count(Question.id))) == 0
    ok = client.post(url, data={'action': 'import', 'questions_text': '::A::Fine?{T}\n\n::B::Colour?{=blue ~red}'})
    assert ok.status_code == 303
    saved = client.post(url, data={'action': 'settings', 'pass_mark_percent': '80', 'attempts_allowed': '3',
                                   'grading_method': 'last', 'shuffle_answers': 'true'})
    assert saved.status_code == 303
    quiz = db_session.scalar(sa.select(Quiz).where(Quiz.step_id == step.id))
    db_session.refresh(quiz)
    assert (str(quiz.pass_mark), quiz.attempts_allowed, quiz.grading_method) == ('0.8000', 3, GradingMethod.last)
    assert quiz.shuffle_answers and not quiz.show_feedback
    bad = client.post(url, data={'action': 'settings', 'pass_mark_percent': '120'})
    assert bad.status_code == 422 and 'pass_mark_percent' in bad.get_data(as_text=True)
    exported = client.get(f'/author/steps/{step.id}/quiz.gift').get_data(as_text=True)
    assert '::A::' in exported and '::B::' in exported
    client.post(f'/author/questions/{quiz.questions[0].id}/delete')
    db_session.refresh(quiz)
    assert [q.name for q in quiz.questions] == ['B']


def test_question_text_formats_render_safely(app_context):
    from lms_ext.content.rendering import rich_text
    source = '<p>Look: <img src="https://cdn.example/disc.png" alt="disc" onerror="x()"></p><script>1</script>'
    html = str(rich_text(source, 'html'))
    assert '<img src="https://cdn.example/disc.png" alt="disc">' in html
    assert 'script' not in html and 'onerror' not in html
    assert str(rich_text('**bold**', 'markdown')) == '<p><strong>bold</strong></p>\n'
    assert str(rich_text('a < b\nnext', 'moodle')) == '<p>a &lt; b<br>next</p>'


def test_trainer_draws_random_questions_from_a_category_or_tag(client, db_session):
    step = trainer_with_quiz_step(client, 'draw-module')
    url = f'/author/steps/{step.id}/quiz'
    gift = ('$CATEGORY: $course$/top/Discs\n\n// [tag:ppe]\n::A::Face shield?{T}\n\n::B::Cutting disc?{T}\n\n'
            '$CATEGORY: $course$/top/Guards\n\n::C::Guard on?{T}\n')
    assert client.post(url, data={'action': 'import', 'questions_text': gift}).status_code == 303
    page = client.get(url).get_data(as_text=True)
    for pool in ('$course$/top/Discs', '$course$/top/Guards', 'ppe'):  # the choices come from the questions
        assert f'<option value="{pool}">' in page
    settings = {'action': 'settings', 'pass_mark_percent': '50', 'grading_method': 'highest', 'draw_count': '1'}
    assert client.post(url, data={**settings, 'draw_category': 'ppe'}).status_code == 303
    quiz = db_session.scalar(sa.select(Quiz).where(Quiz.step_id == step.id))
    db_session.refresh(quiz)
    assert (quiz.draw_count, quiz.draw_category) == (1, 'ppe')
    assert '<option value="ppe" selected>' in client.get(url).get_data(as_text=True)
    assert client.post(url, data={**settings, 'draw_category': ''}).status_code == 303  # back to any question
    db_session.refresh(quiz)
    assert quiz.draw_category == ''
