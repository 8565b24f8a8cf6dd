"""A published module with a practical checklist, a course with a learner, a trainer and a mentor."""

from dataclasses import dataclass

import pytest

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.content import services as content
from lms_ext.content.models import StepKind
from lms_ext.content.schemas import ModuleInput
from lms_ext.practical.services import checklists, mentors, signoffs
from lms_ext.practical.services.signoffs import Device
from lms_ext.progress import services as progress
from tests.factories import CourseFactory, UserFactory
from tests.sample_module import SAMPLE_MODULE

KEY = 'test-secret-key-that-is-long-enough-0123456789'  # TestConfig.SECRET_KEY
LEARNER_PHONE = Device('10.0.0.1', 'LearnerPhone/1.0')
MENTOR_PHONE = Device('10.0.0.2', 'MentorPhone/1.0')


def checklist_data(version) -> dict:
    o = [outcome.id for outcome in version.outcomes]
    return {'min_other_met': 1, 'criteria': [
        {'text': 'Inspects disc and guard', 'guidance': 'Cracks, chips', 'critical': True, 'outcome_ids': [o[2]]},
        {'text': 'Unplugs before fitting the disc', 'guidance': '', 'critical': True, 'outcome_ids': [o[2]]},
        {'text': 'Wears PPE', 'guidance': '', 'critical': False, 'outcome_ids': [o[3]]},
        {'text': 'Directs sparks away', 'guidance': '', 'critical': False, 'outcome_ids': [o[5]]},
    ]}


@dataclass
class World:
    course: object
    learner: object
    mentor: object
    trainer: object
    step: object
    checklist: object
    run: object

    def start(self, learner=None):
        return signoffs.start_session(learner or self.learner, self.course, self.step, LEARNER_PHONE, key=KEY)

    def claim(self, code, mentor=None):
        return signoffs.claim_by_code(mentor or self.mentor, code, MENTOR_PHONE, KEY)

    def judgement(self, *, met=True, key='idempotency-key-0001') -> dict:
        return {'results': {c.id: met for c in self.checklist.criteria},
                'ratings': {o.id: 3 for o in self.checklist.outcomes}, 'note': 'Well done',
                'signature_name': 'Maria Costa', 'confirm': True, 'idempotency_key': key}

    def sign(self, session, *, met=True, key='idempotency-key-0001', mentor=None):
        return signoffs.sign(session, mentor or self.mentor, self.judgement(met=met, key=key), photo=None,
                             media_dir='/nonexistent')

    def signed_off(self, *, met=True, key='idempotency-key-0001'):
        """A complete, sealed sign-off: (session, record)."""
        session, code = self.start()
        self.claim(code)
        self.sign(session, met=met, key=key)
        return session, signoffs.confirm(session, self.learner, took_place=True)


def make_version(slug='practical-module'):
    module = content.create_module(ModuleInput().load({**SAMPLE_MODULE, 'slug': slug}))
    version = module.versions[0]
    step = content.add_step(version, {'kind': StepKind.practical, 'title': 'Show it in the workshop'})
    checklists.save_checklist(step, checklist_data(version))
    return version, step


@pytest.fixture
def world(db_session) -> World:
    version, step = make_version()
    content.publish_version(version)
    course, learner, mentor, trainer = CourseFactory(), UserFactory(), UserFactory(), UserFactory()
    accounts.enroll(learner, course, Role.learner)
    accounts.enroll(trainer, course, Role.instructor)
    accounts.enroll(mentor, course, Role.mentor)
    mentors.assign(course, mentor, learner, trainer=trainer)
    run = progress.start_or_resume(learner, version.module, course)
    return World(course, learner, mentor, trainer, step, checklists.checklist_for_step(step), run)
