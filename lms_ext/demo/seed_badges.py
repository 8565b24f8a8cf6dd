"""A demo learner who has completed the demo module, so a newcomer sees a real badge at once (idempotent)."""

import logging

import sqlalchemy as sa

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Course, Role, User, UserKind
from lms_ext.badges import services as badges
from lms_ext.badges.models import Assertion
from lms_ext.content.models import Module
from lms_ext.core.db import db
from lms_ext.progress import services as progress

logger = logging.getLogger(__name__)

GRADUATE_SUBJECT = 'demo-graduate-gabriel'
GRADUATE = {'given_name': 'Gabriel', 'family_name': 'Horvat', 'name': 'Gabriel Horvat',
            'email': 'gabriel.horvat@demo.invalid'}


def seed(course: Course, module: Module) -> Assertion | None:
    """The graduate (an LTI user of the demo course's platform) completes every step of the demo module:
    progress sends module_completed and the badges receiver issues the badge, as for any learner."""
    learner = db.session.scalar(sa.select(User).where(User.issuer == course.issuer,
                                                      User.subject == GRADUATE_SUBJECT))
    if learner is None:
        learner = User(kind=UserKind.lti, issuer=course.issuer, subject=GRADUATE_SUBJECT, **GRADUATE)
        db.session.add(learner)
        db.session.flush()
    accounts.enroll(learner, course, Role.learner)
    run = progress.start_or_resume(learner, module, course)
    for step in run.version.steps:
        progress.complete_step(run, step)
    earned = next((a for a in badges.badges_of(learner) if a.version_id == run.version_id), None)
    logger.info('Demo graduate %r holds %r', learner, earned)
    return earned
