"""The LMS gradebook follows the learner: every graded quiz attempt, and the module's completion, queue a
score for each placement of the module in the course (AGS)."""

from decimal import Decimal

import sqlalchemy as sa

from lms_ext.content.models import StepKind
from lms_ext.core.db import db
from lms_ext.progress.signals import module_completed
from lms_ext.quizzes import services as quizzes
from lms_ext.quizzes.signals import attempt_graded

from .models import ResourceLink
from .services import grades

HUNDRED = Decimal(100)


def _placements(course, module_id: int) -> list[ResourceLink]:
    """The module may be placed more than once in a course; each placement has its own grade column."""
    return list(db.session.scalars(sa.select(ResourceLink).where(ResourceLink.course_id == course.id,
                                                                 ResourceLink.module_id == module_id)))


def module_grade(run) -> Decimal:
    """The completed module's grade out of 100: the mean of its quiz grades, or 100 when it has no quiz
    (completion itself is then the achievement)."""
    graded = [quizzes.quiz_grade(quiz, run.learner, run.course)
              for step in run.version.steps if step.kind is StepKind.quiz
              if (quiz := quizzes.quiz_for_step(step, questions=False)) is not None]
    graded = [g for g in graded if g is not None]
    share = sum(graded) / len(graded) if graded else Decimal(1)
    return (share * HUNDRED).quantize(Decimal('0.01'))


@attempt_graded.connect
def _send_quiz_grade(attempt, *, learner, course, quiz, quiz_grade, **kwargs):
    for link in _placements(course, quiz.step.version.module_id):
        grades.record_score(link, learner, attempt_key=f'quiz-attempt:{attempt.id}',
                            score_given=(quiz_grade * HUNDRED).quantize(Decimal('0.01')), score_maximum=HUNDRED)


@module_completed.connect
def _send_completion(run, *, learner, course, version, **kwargs):
    """Completion is final and FullyGraded, so Moodle keeps it; one per run (the run id is the key)."""
    score = module_grade(run)
    for link in _placements(course, version.module_id):
        grades.record_score(link, learner, attempt_key=f'module-completed:{run.id}', score_given=score,
                            score_maximum=HUNDRED, comment='Module completed')
