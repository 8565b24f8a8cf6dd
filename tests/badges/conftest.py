import pytest

from lms_ext.progress import services as progress
from tests.badges.builders import learner_in, published_module
from tests.factories import CourseFactory


@pytest.fixture
def course(db_session):
    return CourseFactory()


@pytest.fixture
def module(db_session):
    return published_module('badge-module', optional_unit=True)


@pytest.fixture
def run(module, course):
    return progress.start_or_resume(learner_in(course), module, course)
