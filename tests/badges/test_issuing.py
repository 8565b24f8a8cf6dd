"""Completion → exactly one assertion; hashing; revocation (trainer, reopened run); the e-mail claim flow."""

import hashlib
import logging

import pytest
import sqlalchemy as sa

from lms_ext.badges import ob2, services
from lms_ext.badges.models import Assertion, AssertionAction, BadgeClass, MailMessage, RevocationKind
from lms_ext.content.models import StepKind
from lms_ext.core.errors import Conflict, InvalidInput
from lms_ext.progress import services as progress
from lms_ext.progress.signals import module_completed
from tests.badges.builders import complete, learner_in, pass_quiz
from tests.conftest import login


def _assertions(db_session):
    return list(db_session.scalars(sa.select(Assertion)))


@pytest.mark.parametrize(('skip', 'earned'), [
    ((), True),
    (('Further reading',), True),  # an optional unit is not part of the completion rule
    (('Hazards of the angle grinder',), False),  # a required unit not viewed
    (('quiz',), False),
    (('self_assessment',), False),
    (('practical',), False),  # the in-person sign-off is missing
    (('quiz', 'practical'), False),
])
def test_completion_rule_combinations(db_session, run, skip, earned):
    complete(run, skip=skip)
    assertions = _assertions(db_session)
    assert bool(assertions) is earned
    if earned:
        assert assertions[0].learner is run.learner and assertions[0].version is run.version
        assert assertions[0].is_issued and not assertions[0].is_revoked


def test_assertion_carries_grade_sign_off_and_evidence(db_session, run):
    pass_quiz(run, right=1)
    complete(run)
    assertion = _assertions(db_session)[0]
    assert assertion.grade == 50
    practical_step = next(s for s in run.version.steps if s.kind is StepKind.practical)
    assert assertion.signed_off_at == next(e.completed_at for e in run.steps if e.step_id == practical_step.id)
    assert assertion.evidence['quizzes'] == [{'title': 'Check your knowledge', 'grade': '50.00', 'pass_mark': '50.00'}]
    assert assertion.evidence['self_assessment_stages_done'] == 1
    assert assertion.recipient_hash == ob2.hash_email(run.learner.email, assertion.salt)


def test_repeated_completion_events_give_one_assertion(db_session, run):
    complete(run)
    for _ in range(3):
        module_completed.send(run, learner=run.learner, course=run.course, version=run.version)
    assert len(_assertions(db_session)) == 1


def test_unique_constraint_is_in_the_database(db_session, run):
    complete(run)
    first = _assertions(db_session)[0]
    with pytest.raises(sa.exc.IntegrityError), db_session.begin_nested():
        db_session.add(Assertion(public_id='another', badge_class=first.badge_class, learner=first.learner,
                                 version=first.version, course=first.course, salt='x', completed_at=first.completed_at,
                                 evidence={}))


@pytest.mark.parametrize(('email', 'salt'), [
    ('lena@example.org', 'abc'), ('  Lena@Example.ORG\n', 'abc'), ('LENA@EXAMPLE.ORG', 'abc'),
])
def test_hashing_vectors_ignore_case_and_surrounding_whitespace(email, salt):
    # sha256('lena@example.orgabc'), computed independently
    expected = 'sha256$' + hashlib.sha256(b'lena@example.orgabc').hexdigest()
    assert ob2.hash_email(email, salt) == expected
    assert ob2.hash_email(email, 'abd') != expected


def test_every_assertion_has_its_own_salt_and_a_random_public_id(db_session, module, course):
    learner = learner_in(course)
    for slug in ('salt-a', 'salt-b'):
        from tests.badges.builders import published_module
        run = progress.start_or_resume(learner, published_module(slug), course)
        complete(run)
    first, second = _assertions(db_session)
    assert first.salt != second.salt and first.recipient_hash != second.recipient_hash
    assert len(first.public_id) >= 20 and not first.public_id.isdigit()


def test_badge_class_is_immutable_once_awarded(db_session, run):
    complete(run)
    badge_class = db_session.scalar(sa.select(BadgeClass))
    badge_class.name = 'Changed'
    with pytest.raises(ValueError, match='immutable'):
        db_session.flush()


def test_trainer_revocation_is_audited(db_session, run, caplog):
    complete(run)
    assertion = _assertions(db_session)[0]
    with pytest.raises(InvalidInput) as info:
        services.revoke(assertion, reason='  ')
    assert info.value.field == 'reason'
    with caplog.at_level(logging.WARNING, logger='lms_ext.badges.services'):
        services.revoke(assertion, reason='Identity fraud', actor=run.learner)
    assert 'revoked' in caplog.text and 'Identity fraud' in caplog.text
    assert assertion.is_revoked and assertion.revocation_kind is RevocationKind.trainer
    assert [(e.action, e.reason) for e in assertion.events][-1] == (AssertionAction.revoked, 'Identity fraud')
    with pytest.raises(Conflict):
        services.revoke(assertion, reason='again')
    issuer = assertion.badge_class.issuer
    assert [a.public_id for a in services.revoked_of(issuer)] == [assertion.public_id]


def test_reopened_run_revokes_the_badge_and_completing_again_reinstates_it(db_session, run):
    complete(run)
    assertion = _assertions(db_session)[0]
    practical_step = next(s for s in run.version.steps if s.kind is StepKind.practical)
    progress.reopen_step(run, practical_step, reason='Sign-off voided: wrong mentor')
    assert assertion.is_revoked and assertion.revocation_kind is RevocationKind.reopened
    assert assertion.revocation_reason == 'Sign-off voided: wrong mentor'
    progress.complete_step(run, practical_step)
    assert not assertion.is_revoked
    assert [e.action for e in assertion.events] == [AssertionAction.issued, AssertionAction.revoked,
                                                    AssertionAction.reinstated]


def test_trainer_revocation_stays_when_the_run_completes_again(db_session, run):
    complete(run)
    assertion = _assertions(db_session)[0]
    services.revoke(assertion, reason='Plagiarism')
    module_completed.send(run, learner=run.learner, course=run.course, version=run.version)
    assert assertion.is_revoked and assertion.revocation_reason == 'Plagiarism'


def test_email_claim_flow(db_session, client, module, course):
    learner = learner_in(course, email=None)
    run = progress.start_or_resume(learner, module, course)
    complete(run)
    assertion = _assertions(db_session)[0]
    assert not assertion.is_issued and assertion.recipient_hash is None
    assert client.get(f'/badges/assertions/{assertion.public_id}').status_code == 404  # nothing public yet
    login(client, learner)
    page = client.get('/badges/mine').get_data(as_text=True)
    assert 'Send confirmation link' in page and 'It is issued as soon as you confirm' in page
    assert client.post('/badges/email', data={'email': 'not-an-address'}).status_code == 422
    response = client.post('/badges/email', data={'email': ' Lena.Berg@Example.org '})
    assert response.status_code == 302
    message = db_session.scalar(sa.select(MailMessage))
    assert message.recipient == 'lena.berg@example.org'
    outbox = client.get('/badges/outbox').get_data(as_text=True)
    link = next(word for word in message.body.split() if '/badges/email/confirm/' in word)
    assert link in outbox
    path = link.split('127.0.0.1:5000', 1)[-1] if '127.0.0.1' in link else link
    assert client.get(path.replace('/confirm/', '/confirm/x')).status_code == 404
    confirmed = client.get(path)
    assert confirmed.status_code == 200 and 'lena.berg@example.org' in confirmed.get_data(as_text=True)
    db_session.refresh(assertion)
    assert assertion.is_issued
    assert assertion.recipient_hash == ob2.hash_email('LENA.BERG@example.org', assertion.salt)
    assert client.get(f'/badges/assertions/{assertion.public_id}').status_code == 200
    # a later badge goes straight to the confirmed address
    assert services.recipient_email(learner) == 'lena.berg@example.org'
    with pytest.raises(Conflict):
        services.start_email_claim(learner, 'other@example.org')
