"""factory_boy factories; the session is resolved at call time (the per-test session)."""

import factory
from factory.alchemy import SQLAlchemyModelFactory

from lms_ext.accounts.models import Course, User, UserKind
from lms_ext.core.db import db


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = 'flush'


class UserFactory(_Base):
    class Meta:
        model = User

    kind = UserKind.lti
    issuer = 'https://lms.example.org'
    subject = factory.Sequence(lambda n: f'sub-{n}')
    name = factory.Faker('name')
    email = factory.Sequence(lambda n: f'learner{n}@example.org')


class CourseFactory(_Base):
    class Meta:
        model = Course

    issuer = 'https://lms.example.org'
    context_id = factory.Sequence(lambda n: f'course-{n}')
    title = factory.Sequence(lambda n: f'Course {n}')
