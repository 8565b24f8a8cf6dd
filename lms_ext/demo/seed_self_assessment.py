"""The demo module's self-assessment stages (called by seed.py on the draft version, before publishing)."""

from lms_ext.content import services as content
from lms_ext.content.models import StepKind
from lms_ext.quizzes import services as quizzes

STAGES = (
    ('Before you start', 'Rate yourself against each learning outcome before you begin: there are no wrong answers.'),
    ('After the theory', 'The same statements again, now that you have studied the units and taken the quiz.'),
    ('After the practice', 'The last look: rate yourself after the practical task, and say where you think '
                           'you started.'),
)

# Which learning outcomes (by position) each demo quiz question tests, by question name.
QUESTION_OUTCOMES = {'Disc speed': [2], 'PPE': [4], 'Unplug first': [3], 'Guard': [5], 'Fire watch': [6],
                     'Match the hazard': [1]}


def seed(version) -> list:
    """Add the self-assessment stage steps to the draft (and link the demo quiz to the outcomes it tests);
    returns the new steps."""
    stages = [content.add_step(version, {'kind': StepKind.self_assessment, 'title': title, 'summary': summary,
                                         'required': True, 'estimated_minutes': 5})
              for title, summary in STAGES]
    outcomes = {o.position: o.id for o in version.outcomes}
    for step in version.steps:
        quiz = quizzes.quiz_for_step(step) if step.kind is StepKind.quiz else None
        for question in quiz.questions if quiz else []:
            positions = QUESTION_OUTCOMES.get(question.name, [])
            quizzes.set_question_outcomes(question, [outcomes[p] for p in positions if p in outcomes])
    return stages
