"""The LMS gradebook follows the quizzes: every graded attempt queues the learner's quiz grade (AGS)."""

from decimal import Decimal

import sqlalchemy as sa

from lms_ext.core.db import db
from lms_ext.quizzes.signals import attempt_graded

from .models import ResourceLink
from .services import grades


@attempt_graded.connect
def _send_quiz_grade(attempt, *, learner, course, quiz, quiz_grade, **kwargs):
    module_id = quiz.step.version.module_id
    links = db.session.scalars(sa.select(ResourceLink).where(ResourceLink.course_id == course.id,
                                                             ResourceLink.module_id == module_id))
    for link in links:  # the module may be placed more than once in a course; each has its column
        grades.record_score(link, learner, attempt_key=f'quiz-attempt:{attempt.id}',
                            score_given=(quiz_grade * 100).quantize(Decimal('0.01')), score_maximum=Decimal(100))
