"""Progress reacts to the learning parts: a passed quiz completes its step."""

from lms_ext.quizzes.services import has_passed
from lms_ext.quizzes.signals import attempt_graded

from . import services


@attempt_graded.connect
def _complete_passed_quiz(attempt, *, learner, course, quiz, quiz_grade, **kwargs):
    if not has_passed(quiz, learner, course):
        return
    run = services.find_run(learner, quiz.step.version.module, course)
    if run is not None and run.version_id == quiz.step.version_id:
        services.complete_step(run, quiz.step)
