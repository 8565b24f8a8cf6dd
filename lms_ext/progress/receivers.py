"""Progress reacts to the learning parts: a passed quiz, a submitted self-assessment stage and a passed
practical sign-off complete their step; a voided sign-off reopens it."""

from lms_ext.practical.signals import signoff_sealed, signoff_voided
from lms_ext.quizzes.services import has_passed
from lms_ext.quizzes.signals import attempt_graded
from lms_ext.self_assessment.signals import stage_submitted

from . import services


def _run_for(learner, course, step):
    """The learner's run of the step's version in this course (None: they started another version)."""
    run = services.find_run(learner, step.version.module, course, variants=False)
    return run if run is not None and run.version_id == step.version_id else None


@attempt_graded.connect
def _complete_passed_quiz(attempt, *, learner, course, quiz, quiz_grade, **kwargs):
    if not has_passed(quiz, learner, course):
        return
    if (run := _run_for(learner, course, quiz.step)) is not None:
        services.complete_step(run, quiz.step)


@stage_submitted.connect
def _complete_stage(response, *, learner, course, step, **kwargs):
    if (run := _run_for(learner, course, step)) is not None:
        services.complete_step(run, step)


@signoff_sealed.connect
def _complete_signed_off(record, *, learner, course, step, passed, **kwargs):
    if passed and (run := _run_for(learner, course, step)) is not None:
        services.complete_step(run, step)


@signoff_voided.connect
def _reopen_voided(record, *, learner, course, step, reason, was_passed, **kwargs):
    if was_passed and (run := _run_for(learner, course, step)) is not None:
        services.reopen_step(run, step, reason=reason)
