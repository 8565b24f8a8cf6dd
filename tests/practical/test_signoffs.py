"""The in-person protocol and its integrity rules, on the services and the real database."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.core.db import db
from lms_ext.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lms_ext.core.time import utcnow
from lms_ext.practical import codes
from lms_ext.practical.models import AuditEntry, SessionState, Signoff
from lms_ext.practical.services import audit, mentors, signoffs
from lms_ext.practical.services.signoffs import WrongCode, seal_content
from lms_ext.practical.signals import signoff_voided
from lms_ext.progress import services as progress
from tests.factories import CourseFactory, UserFactory

from .conftest import KEY, LEARNER_PHONE, MENTOR_PHONE


def _step_done(world) -> bool:
    db.session.refresh(world.run)
    return world.step.id in progress.summary(world.run).done


def test_two_party_protocol_seals_only_after_the_learner_confirms(world):
    session, code = world.start()
    assert len(code) == 6 and session.code_hash != code  # only a digest is stored
    claimed = world.claim(code)
    assert claimed.state is SessionState.claimed and len(claimed.match_code) == 4
    record = world.sign(session)
    assert record.sealed_at is None and record.passed
    assert not _step_done(world)  # the mentor alone cannot complete the task
    with pytest.raises(NotFound):
        signoffs.confirm(session, world.mentor, took_place=True)  # only the learner confirms
    sealed = signoffs.confirm(session, world.learner, took_place=True)
    assert sealed.sealed_at is not None and sealed.seal_hash
    assert session.state is SessionState.sealed
    assert _step_done(world)
    assert audit.verify(seal_content) == []
    assert signoffs.mentor_outcome_ratings(world.course, world.step.version) == {
        (world.learner.id, o.id): 3 for o in world.checklist.outcomes}


def test_learner_saying_it_did_not_take_place_leaves_it_unsealed(world):
    session, code = world.start()
    world.claim(code)
    record = world.sign(session)
    signoffs.confirm(session, world.learner, took_place=False)
    assert session.state is SessionState.cancelled and record.sealed_at is None
    assert not _step_done(world)


def test_code_is_single_use(world):
    session, code = world.start()
    world.claim(code)
    other = UserFactory()
    accounts.enroll(other, world.course, Role.instructor)
    with pytest.raises(WrongCode):
        world.claim(code, mentor=other)


def test_code_expires_after_two_minutes(world):
    session, code = world.start()
    assert session.code_expires_at - utcnow() <= timedelta(minutes=2)
    session.code_expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    with pytest.raises(WrongCode):
        world.claim(code)


def test_wrong_codes_lock_out_after_five_failures(world):
    session, code = world.start()
    for _ in range(5):
        wrong = '000000' if code != '000000' else '111111'
        with pytest.raises(WrongCode):
            world.claim(wrong)
        signoffs.record_failure(world.mentor, MENTOR_PHONE.ip)
    assert signoffs.is_locked_out(world.mentor)
    with pytest.raises(PermissionDenied):
        world.claim(code)  # even the right code while locked
    assert session.state is SessionState.waiting


def test_qr_token_is_signed_short_lived_and_bound_to_its_session(world):
    session, _code = world.start()
    token = signoffs.qr_token(session, KEY)
    assert signoffs.qr_token(session, KEY) != token  # rotates
    with pytest.raises(WrongCode):
        signoffs.claim_by_token(world.mentor, token[:-2] + 'xx', MENTOR_PHONE, KEY)  # tampered
    with pytest.raises(WrongCode):
        signoffs.claim_by_token(world.mentor, token, MENTOR_PHONE, 'another-key')  # not our signature
    forged = codes.make_qr_token(KEY, session_id=session.id, learner_id=world.mentor.id,
                                 checklist_id=session.checklist_id, version_id=session.version_id, nonce=session.nonce)
    with pytest.raises(WrongCode):
        signoffs.claim_by_token(world.mentor, forged, MENTOR_PHONE, KEY)  # bound to the learner
    with pytest.raises(codes.BadToken):
        codes.read_qr_token(KEY, token, max_age=-1)  # older than the maximum age
    assert codes.QR_MAX_AGE_SECONDS <= 60
    claimed = signoffs.claim_by_token(world.mentor, token, MENTOR_PHONE, KEY)
    assert claimed.claimed_by == 'qr'
    with pytest.raises(WrongCode):
        signoffs.claim_by_token(world.mentor, token, MENTOR_PHONE, KEY)  # used


def test_a_learner_cannot_sign_off_themself(world):
    session, code = world.start()
    with pytest.raises(PermissionDenied):
        world.claim(code, mentor=world.learner)


def test_two_roles_in_the_course_do_not_allow_self_or_peer_sign_off(world):
    """A user launched as Learner and Mentor (or Instructor) in one course signs off nobody there."""
    peer = UserFactory()
    accounts.enroll(peer, world.course, Role.learner)
    accounts.enroll(peer, world.course, Role.mentor)
    accounts.enroll(world.learner, world.course, Role.instructor)
    session, code = world.start()
    with pytest.raises(PermissionDenied):
        world.claim(code, mentor=world.learner)
    with pytest.raises(PermissionDenied):
        world.claim(code, mentor=peer)
    with pytest.raises(InvalidInput):  # nor can a trainer designate a learner of the course
        mentors.designate_mentor(world.course, peer)


def test_mentors_only_sign_off_in_their_own_course(world):
    other_course = CourseFactory()
    outsider = UserFactory()
    accounts.enroll(outsider, other_course, Role.mentor)
    accounts.enroll(outsider, other_course, Role.instructor)
    session, code = world.start()
    with pytest.raises(PermissionDenied):
        world.claim(code, mentor=outsider)


def test_mentor_must_be_assigned_by_the_trainer(world):
    unassigned = UserFactory()
    accounts.enroll(unassigned, world.course, Role.mentor)
    mentors.suggest(world.course, unassigned, world.learner)  # the learner's suggestion is not enough
    session, code = world.start()
    with pytest.raises(PermissionDenied):
        world.claim(code, mentor=unassigned)
    mentors.assign(world.course, unassigned, world.learner, trainer=world.trainer)
    assert world.claim(code, mentor=unassigned).mentor_id == unassigned.id


def test_course_policy_lets_every_mentor_sign_off_every_learner(world):
    anyone = UserFactory()
    accounts.enroll(anyone, world.course, Role.mentor)
    mentors.set_all_mentors_assigned(world.course, True)
    _session, code = world.start()
    assert world.claim(code, mentor=anyone).mentor_id == anyone.id


def test_revoked_mentor_cannot_go_on(world):
    session, code = world.start()
    world.claim(code)
    mentors.revoke_mentor(world.course, world.mentor)
    with pytest.raises(PermissionDenied):
        signoffs.mentor_session(session.id, world.mentor)
    with pytest.raises(PermissionDenied):
        world.sign(session)


def test_retried_submit_is_idempotent(world):
    session, code = world.start()
    world.claim(code)
    first = world.sign(session)
    again = world.sign(session)
    assert again.id == first.id
    assert db.session.scalar(sa.select(sa.func.count(Signoff.id))) == 1
    with pytest.raises(Conflict):
        world.sign(session, key='another-idempotency-key')


def test_every_criterion_must_be_judged(world):
    session, code = world.start()
    world.claim(code)
    data = world.judgement()
    data['results'].popitem()
    with pytest.raises(Exception, match='criterion'):
        signoffs.sign(session, world.mentor, data, photo=None, media_dir='/nonexistent')


def test_failed_signoff_can_be_retried_and_history_stays(world):
    _s, failed = world.signed_off(met=False)
    assert not failed.passed and not _step_done(world)
    _s, passed = world.signed_off(key='idempotency-key-0002')
    assert passed.passed and passed.corrects_id == failed.id
    assert [r.id for r in signoffs.history(world.learner, world.course, world.checklist)] == [passed.id, failed.id]
    assert _step_done(world)
    with pytest.raises(Conflict):
        world.start()  # signed off already


def test_sealed_record_is_immutable(world):
    _s, record = world.signed_off()
    record.note = 'changed afterwards'
    with pytest.raises(ValueError, match='cannot change'):
        db.session.flush()
    db.session.rollback()


def test_audit_log_is_append_only(world):
    world.signed_off()
    entry = db.session.scalar(sa.select(AuditEntry))
    entry.event = 'forged'
    with pytest.raises(ValueError, match='append-only'):
        db.session.flush()
    db.session.rollback()


def test_verify_audit_detects_a_modified_row(world, app):
    _s, record = world.signed_off()
    signoffs.void(record, world.trainer, 'Signed in the wrong session')
    runner = app.test_cli_runner()
    assert runner.invoke(args=['practical', 'verify-audit']).exit_code == 0
    entry_id = db.session.scalar(sa.select(AuditEntry.id).order_by(AuditEntry.id).limit(1))
    db.session.execute(sa.text("UPDATE practical_audit_log SET payload = replace(payload, 'Maria', 'Mario') "
                               'WHERE id = :id'), {'id': entry_id})
    problems = audit.verify(seal_content)
    assert any('modified' in p for p in problems)
    result = runner.invoke(args=['practical', 'verify-audit'])
    assert result.exit_code == 1 and 'modified' in result.output


def test_verify_audit_detects_a_changed_sealed_record(world):
    _s, record = world.signed_off()
    db.session.execute(sa.text('UPDATE practical_criterion_results SET met = :f WHERE signoff_id = :id'),
                       {'f': False, 'id': record.id})
    db.session.expire_all()
    assert any('differs from what was sealed' in p for p in audit.verify(seal_content))


def test_void_reopens_the_step_and_is_logged(world):
    received = []

    def receiver(record, **kwargs):
        received.append(kwargs['was_passed'])

    _s, record = world.signed_off()
    assert _step_done(world)
    with signoff_voided.connected_to(receiver):
        signoffs.void(record, world.trainer, 'The mentor was not present')
    assert received == [True]
    assert record.voided_at is not None and not _step_done(world)
    assert [e.event for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))] == ['sealed', 'voided']
    with pytest.raises(Conflict):
        signoffs.void(record, world.trainer, 'again')
    assert audit.verify(seal_content) == []


def test_flags_same_device_and_burst(world):
    session, code = signoffs.start_session(world.learner, world.course, world.step, MENTOR_PHONE, key=KEY)
    world.claim(code)
    world.sign(session)
    record = signoffs.confirm(session, world.learner, took_place=True)
    assert {'same_ip', 'same_device'} <= set(record.flags)
    for n in range(signoffs.BURST_COUNT):
        learner = UserFactory()
        accounts.enroll(learner, world.course, Role.learner)
        mentors.assign(world.course, world.mentor, learner, trainer=world.trainer)
        session, code = signoffs.start_session(learner, world.course, world.step, LEARNER_PHONE, key=KEY)
        world.claim(code)
        world.sign(session, key=f'burst-key-number-{n:04d}')
        record = signoffs.confirm(session, learner, took_place=True)
    assert 'burst' in record.flags and 'same_ip' not in record.flags
