"""A published module with four units, a quiz linked to the outcomes, and three self-assessment stages."""

from decimal import Decimal

import pytest

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.content import services as content
from lms_ext.content.models import StepKind
from lms_ext.content.schemas import ModuleInput
from lms_ext.quizzes import services as quizzes
from tests.factories import CourseFactory, UserFactory
from tests.sample_module import SAMPLE_MODULE

STAGE_TITLES = ('Before you start', 'After the theory', 'After the practice')

# Four true/false questions of one mark: Q1 and Q2 test outcome 1, Q3 outcome 2, Q4 outcome 3.
GIFT = '''
// [tag:outcome:1]
::Q1::Statement one.{T}

// [tag:outcome:1]
::Q2::Statement two.{T}

// [tag:outcome:2]
::Q3::Statement three.{T}

// [tag:outcome:3]
::Q4::Statement four.{T}
'''


def build_version(slug: str, *, optional_last_stage: bool = False):
    """A draft with units, a quiz and three stages (the last one optional if asked), published."""
    module = content.create_module(ModuleInput().load({**SAMPLE_MODULE, 'slug': slug}))
    version = module.versions[0]
    quiz_step = content.add_step(version, {'kind': StepKind.quiz, 'title': 'Check', 'required': False})
    quiz = quizzes.ensure_quiz(quiz_step, pass_mark=Decimal('0.5'), attempts_allowed=3)
    quizzes.import_gift(quiz, GIFT)
    for index, title in enumerate(STAGE_TITLES):
        required = not (optional_last_stage and index == len(STAGE_TITLES) - 1)
        content.add_step(version, {'kind': StepKind.self_assessment, 'title': title, 'required': required})
    content.publish_version(version)
    return version


@pytest.fixture
def version(db_session):
    return build_version('self-assessment-test')


@pytest.fixture
def course(db_session):
    return CourseFactory()


def enrolled(course, role=Role.learner, **fields):
    user = UserFactory(**fields)
    accounts.enroll(user, course, role)
    return user


def stages(version):
    return [s for s in version.steps if s.kind is StepKind.self_assessment]


def all_rated(version, level, *, start=None, note=''):
    """Ratings for every outcome of the version at one level."""
    return {o.id: {'level': level, 'note': note, 'start': start} for o in version.outcomes}
