"""A trainer signed in and a quiz step on a new draft: the start of every quiz-authoring test."""

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.content import services as content
from lms_ext.content.models import Step, StepKind
from lms_ext.content.schemas import ModuleInput
from tests.conftest import login
from tests.factories import CourseFactory, UserFactory
from tests.sample_module import SAMPLE_MODULE


def trainer_with_quiz_step(client, slug: str) -> Step:
    """Sign a new trainer in on `client`; the quiz step ('Check') added to a new module `slug`."""
    trainer = UserFactory()
    accounts.enroll(trainer, CourseFactory(), Role.instructor)
    module = content.create_module(ModuleInput().load({**SAMPLE_MODULE, 'slug': slug}))
    step = content.add_step(module.versions[0], {'kind': StepKind.quiz, 'title': 'Check'})
    login(client, trainer)
    return step
