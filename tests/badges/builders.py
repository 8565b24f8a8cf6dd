"""Published modules with every kind of step, learners, and completed runs, for the badges tests."""

import copy
from decimal import Decimal

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.content import services as content
from lms_ext.content.models import Module, StepKind
from lms_ext.content.schemas import ModuleInput
from lms_ext.progress import services as progress
from lms_ext.quizzes import services as quizzes
from tests.factories import UserFactory
from tests.sample_module import SAMPLE_MODULE

GIFT = '::Q1::The guard stays on.{T}\n\n::Q2::Discs have a speed rating.{T}\n'


def published_module(slug: str, *, optional_unit: bool = False) -> Module:
    """SAMPLE_MODULE's units (plus an optional one), a quiz, a self-assessment stage and a practical task."""
    data = copy.deepcopy(SAMPLE_MODULE)
    data['slug'] = slug
    data['outcomes'][0].update(framework_name='ESCO', framework_code='S6.4.1',
                               framework_url='http://data.europa.eu/esco/skill/0a2d8a4a-example')
    module = content.create_module(ModuleInput().load(data))
    version = module.versions[0]
    if optional_unit:
        content.add_step(version, {'kind': StepKind.unit, 'title': 'Further reading', 'required': False})
    quiz_step = content.add_step(version, {'kind': StepKind.quiz, 'title': 'Check your knowledge'})
    quizzes.import_gift(quizzes.ensure_quiz(quiz_step, pass_mark=Decimal('0.5')), GIFT)
    content.add_step(version, {'kind': StepKind.self_assessment, 'title': 'Before you start'})
    content.add_step(version, {'kind': StepKind.practical, 'title': 'Cut a clamped steel bar'})
    content.publish_version(version)
    return module


def learner_in(course, **fields):
    user = UserFactory(**fields)
    accounts.enroll(user, course, Role.learner)
    return user


def pass_quiz(run, *, right: int = 2) -> None:
    """A graded attempt: `right` of the two true/false questions answered correctly."""
    step = next(s for s in run.version.steps if s.kind is StepKind.quiz)
    quiz = quizzes.quiz_for_step(step)
    attempt = quizzes.start_or_resume(quiz, run.learner, run.course)
    for number, question in enumerate(quizzes.questions_of(attempt)):
        quizzes.save_answer(attempt, question.id, {'value': number < right})
    quizzes.submit(attempt)


def complete(run, *, skip: tuple = ()) -> None:
    """Complete every step of the run's version except those of the kinds / titles in `skip`."""
    for step in run.version.steps:
        if step.kind.value not in skip and step.title not in skip:
            progress.complete_step(run, step)
