"""A quiz travels with its module: in module packages (settings, the questions as GIFT, outcome links) and
into new drafts. Registered for `StepKind.quiz` in `content.activities` by the app factory.

The GIFT text carries each question's tags, `outcome:N` tags included (rewritten from the current links),
so importing it links the questions to their outcomes; the `outcomes` list says the same for readers
of older packages, which had no tags, and is applied after it (it replaces, so nothing links twice).
GIFT has no per-question mark: the `marks` list carries each question's mark, in question order, and is
applied after the import; packages without it (older ones) keep GIFT's default mark, 1.
"""

from decimal import Decimal

from marshmallow import ValidationError

from lms_ext.content import activities
from lms_ext.content.models import Step
from lms_ext.core.i18n import _

from . import gift, services
from .schemas import QuestionMarksInput, QuizSettingsInput

SETTINGS = ('attempts_allowed', 'grading_method', 'delay_minutes', 'time_limit_minutes', 'draw_count',
            'draw_category', 'shuffle_questions', 'shuffle_answers', 'show_feedback', 'show_right_answers',
            'behaviour', 'tries_allowed', 'cbm')


def _plain(value):
    return value.value if hasattr(value, 'value') else value


def export_data(step: Step) -> dict | None:
    quiz = services.quiz_for_step(step)
    if quiz is None:
        return None
    settings = {name: _plain(getattr(quiz, name)) for name in SETTINGS}
    settings['pass_mark_percent'] = int((quiz.pass_mark * 100).to_integral_value())
    settings['penalty_percent'] = float(quiz.penalty * 100)
    outcomes = [{'question': q.position, 'outcomes': sorted(o.position for o in q.outcomes)}
                for q in quiz.questions if q.outcomes]
    marks = [float(q.mark) for q in quiz.questions]
    return {'settings': settings, 'gift': services.export_gift(quiz), 'outcomes': outcomes, 'marks': marks}


def check_data(data: dict, outcome_count: int) -> list[tuple[tuple, str]]:
    if not isinstance(data, dict):
        return [((), _('A quiz needs settings and its questions in GIFT.'))]
    problems = []
    try:
        QuizSettingsInput().load(data.get('settings') or {})
    except ValidationError as exc:
        problems += activities.problems_from(exc.normalized_messages(), ('settings',))
    text = data.get('gift')
    if not isinstance(text, str):
        return problems + [(('gift',), _('The questions must be GIFT text.'))]
    parsed = gift.parse_gift(text)
    problems += [(('gift',), _('line %(line)s, column %(column)s: %(message)s', line=issue.line,
                               column=issue.column, message=issue.message)) for issue in parsed.errors]
    problems += [(('gift',), _('line %(line)s: question "%(name)s" is tagged outcome:%(n)s, but the module has '
                               'only %(count)d learning outcomes.', line=question.line, name=question.name,
                               n=position, count=outcome_count))
                 for question in parsed.questions for position in services.outcome_positions_from_tags(question.tags)
                 if not 1 <= position <= outcome_count]
    links = data.get('outcomes') or []
    if not isinstance(links, list):
        return problems + [(('outcomes',), _('Outcome links are a list of {question, outcomes}.'))]
    for i, link in enumerate(links):
        question = link.get('question') if isinstance(link, dict) else None
        positions = link.get('outcomes') if isinstance(link, dict) else None
        if not (isinstance(question, int) and 1 <= question <= len(parsed.questions)):
            problems.append((('outcomes', i, 'question'), _('There is no question %(n)s.', n=question)))
        if not (isinstance(positions, list) and all(isinstance(p, int) and 1 <= p <= outcome_count
                                                    for p in positions)):
            problems.append((('outcomes', i, 'outcomes'), _('The module has only %(n)d learning outcomes.',
                                                            n=outcome_count)))
    try:
        marks = QuestionMarksInput().load({'marks': data.get('marks')})['marks']
    except ValidationError as exc:
        return problems + activities.problems_from(exc.normalized_messages())
    if marks is not None and len(marks) != len(parsed.questions):
        problems.append((('marks',), _('There are %(n)d marks for %(count)d questions.', n=len(marks),
                                       count=len(parsed.questions))))
    return problems


def import_data(step: Step, data: dict) -> None:
    settings = QuizSettingsInput().load(data.get('settings') or {})
    quiz = services.ensure_quiz(step)
    services.update_settings(quiz, {**settings, 'penalty_percent': Decimal(str(settings['penalty_percent']))})
    questions = services.import_gift(quiz, data['gift'])
    outcome_ids = {o.position: o.id for o in step.version.outcomes}
    for link in data.get('outcomes') or []:
        services.set_question_outcomes(questions[link['question'] - 1], [outcome_ids[p] for p in link['outcomes']])
    marks = QuestionMarksInput().load({'marks': data.get('marks')})['marks']
    if marks is not None:
        for question, mark in zip(questions, marks, strict=True):
            services.set_question_mark(question, mark)


def copy(source: Step, target: Step) -> None:
    """A new draft gets the same quiz: settings, questions, their marks and outcome links (by position)."""
    data = export_data(source)
    if data is not None:
        import_data(target, data)


HOOKS = activities.ActivityHooks(export_data=export_data, check_data=check_data, import_data=import_data,
                                 copy=copy)
