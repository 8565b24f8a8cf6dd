"""The in-person sign-off: the learner's code and QR token, the mentor's claim and signature, the
learner's confirmation that seals the record, voiding, flags, and what the player and trainers see."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Course, Role, User
from lms_ext.content.models import ModuleVersion, Step
from lms_ext.core.db import db
from lms_ext.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lms_ext.core.i18n import _
from lms_ext.core.time import utcnow

from .. import codes
from ..models import (
    Checklist,
    CodeFailure,
    CriterionResult,
    OutcomeRating,
    SessionState,
    Signoff,
    SignoffSession,
)
from ..signals import signoff_sealed, signoff_voided
from . import audit, evidence, mentors
from .checklists import checklist_for_step, is_passed

logger = logging.getLogger(__name__)

CODE_TTL = timedelta(minutes=2)
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
BURST_COUNT = 5  # sign-offs by one mentor within BURST_WINDOW raise a flag for the trainer
BURST_WINDOW = timedelta(minutes=10)


class WrongCode(InvalidInput):
    """A code or QR token that matches no open sign-off; counts towards the lockout."""

    def __init__(self):
        super().__init__('code', _('This code is not valid. Check it with the learner, or ask them for a new one.'))


@dataclass
class Device:
    ip: str
    agent: str


# --------------------------------------------------------------------------- the learner starts


def start_session(learner: User, course: Course, step: Step, device: Device, *, key: str
                  ) -> tuple[SignoffSession, str]:
    """A new sign-off for the learner's practical step; (session, the 6-digit code, shown once).

    Earlier open sessions of the learner for this checklist are cancelled.
    """
    checklist = checklist_for_step(step)
    if checklist is None or not checklist.criteria:
        raise Conflict(_('This practical task has no checklist yet.'))
    if passed_record(learner, course, checklist) is not None:
        raise Conflict(_('Your practical task is signed off already.'))
    for old in db.session.scalars(sa.select(SignoffSession).where(
            SignoffSession.learner_id == learner.id, SignoffSession.checklist_id == checklist.id,
            SignoffSession.course_id == course.id,
            SignoffSession.state.in_([SessionState.waiting, SessionState.claimed]))):
        old.state, old.code_hash = SessionState.cancelled, None
    session = SignoffSession(checklist=checklist, learner=learner, course=course, version_id=step.version_id,
                             nonce=codes.new_nonce(), learner_ip=device.ip[:45], learner_agent=device.agent[:512],
                             code_expires_at=utcnow())
    db.session.add(session)
    code = _new_code(session, key)
    db.session.flush()
    logger.info('%r started for %r', session, learner)
    return session, code


def _new_code(session: SignoffSession, key: str) -> str:
    """A fresh code, unique among the codes that are open now."""
    while True:
        code = codes.new_code()
        digest = codes.code_digest(code, key)
        if not db.session.scalar(sa.select(SignoffSession.id).where(SignoffSession.code_hash == digest)):
            break
    session.code_hash, session.code_expires_at = digest, utcnow() + CODE_TTL
    return code


def renew_code(session: SignoffSession, learner: User, key: str) -> str:
    _own(session, learner)
    if session.state is not SessionState.waiting:
        raise Conflict(_('A mentor has opened this sign-off already.'))
    code = _new_code(session, key)
    db.session.flush()
    return code


def qr_token(session: SignoffSession, key: str) -> str:
    return codes.make_qr_token(key, session_id=session.id, learner_id=session.learner_id,
                               checklist_id=session.checklist_id, version_id=session.version_id, nonce=session.nonce)


def cancel(session: SignoffSession, learner: User) -> None:
    _own(session, learner)
    if session.state in (SessionState.waiting, SessionState.claimed):
        session.state, session.code_hash = SessionState.cancelled, None
        db.session.flush()


def _own(session: SignoffSession, learner: User) -> None:
    if session.learner_id != learner.id:
        raise NotFound(_('There is no such sign-off.'))


# --------------------------------------------------------------------------- the mentor claims


def is_locked_out(mentor: User) -> bool:
    since = utcnow() - LOCKOUT_WINDOW
    failures = db.session.scalar(sa.select(sa.func.count(CodeFailure.id)).where(
        CodeFailure.user_id == mentor.id, CodeFailure.at > since))
    return failures >= LOCKOUT_FAILURES


def record_failure(mentor: User, ip: str) -> None:
    """Kept in its own transaction by the caller, so that the failed request's rollback keeps it."""
    db.session.add(CodeFailure(user_id=mentor.id, ip=ip[:45]))
    db.session.flush()
    logger.warning('Wrong sign-off code from %r (%s)', mentor, ip)


def _check_not_locked(mentor: User) -> None:
    if is_locked_out(mentor):
        raise PermissionDenied(_('Too many wrong codes. Code entry is locked for %(n)d minutes.',
                                 n=int(LOCKOUT_WINDOW.total_seconds() // 60)))


def claim_by_code(mentor: User, code: str, device: Device, key: str) -> SignoffSession:
    """The mentor typed the learner's code: single use, valid for two minutes.

    :raise WrongCode: no open sign-off has this code (the caller records the failure).
    """
    _check_not_locked(mentor)
    session = db.session.scalar(sa.select(SignoffSession).where(
        SignoffSession.code_hash == codes.code_digest(code, key), SignoffSession.state == SessionState.waiting,
        SignoffSession.code_expires_at > utcnow()).with_for_update())
    if session is None:
        raise WrongCode()
    return _claim(session, mentor, device, 'code')


def claim_by_token(mentor: User, token: str, device: Device, key: str) -> SignoffSession:
    """The mentor scanned the learner's QR code: signed, at most 60 s old, bound to learner, version and
    checklist of the session."""
    _check_not_locked(mentor)
    try:
        data = codes.read_qr_token(key, token)
    except codes.BadToken as exc:
        raise WrongCode() from exc
    session = db.session.get(SignoffSession, data['s'], with_for_update=True)
    if (session is None or session.state is not SessionState.waiting or session.nonce != data['n']
            or (session.learner_id, session.checklist_id, session.version_id) != (data['l'], data['k'], data['v'])):
        raise WrongCode()
    return _claim(session, mentor, device, 'qr')


def _claim(session: SignoffSession, mentor: User, device: Device, via: str) -> SignoffSession:
    mentors.check_can_sign_off(mentor, session.learner, session.course)
    if session.checklist.step.version_id != session.version_id:
        raise WrongCode()
    session.state, session.mentor, session.claimed_at, session.claimed_by = (
        SessionState.claimed, mentor, utcnow(), via)
    session.code_hash = None  # used up
    session.match_code = codes.new_match_code()
    session.mentor_ip, session.mentor_agent = device.ip[:45], device.agent[:512]
    db.session.flush()
    logger.info('%r claimed by %r via %s', session, mentor, via)
    return session


def mentor_session(session_id: int, mentor: User) -> SignoffSession:
    """The session this mentor claimed, after the sign-off rule is checked again (every request)."""
    session = db.session.get(SignoffSession, session_id)
    if session is None or session.mentor_id != mentor.id:
        raise NotFound(_('There is no such sign-off.'))
    mentors.check_can_sign_off(mentor, session.learner, session.course)
    return session


# --------------------------------------------------------------------------- the mentor signs


def sign(session: SignoffSession, mentor: User, data: dict, *, photo: tuple[str, BinaryIO] | None,
         media_dir) -> Signoff:
    """The mentor's judgement from validated `SignOffInput` data; idempotent by its idempotency key."""
    done = db.session.scalar(sa.select(Signoff).where(Signoff.idempotency_key == data['idempotency_key']))
    if done is not None:
        if done.session_id != session.id:
            raise Conflict(_('This form was used for another sign-off.'))
        return done  # a retried submit over a poor connection
    mentors.check_can_sign_off(mentor, session.learner, session.course)
    if session.state is not SessionState.claimed or session.mentor_id != mentor.id:
        raise Conflict(_('This sign-off is not open for your signature.'))
    checklist = session.checklist
    results = data['results']
    if set(results) != {c.id for c in checklist.criteria}:
        raise InvalidInput('results', _('Mark every criterion as met or not yet.'))
    ratings = data['ratings']
    if set(ratings) != {o.id for o in checklist.outcomes}:
        raise InvalidInput('ratings', _('Rate every learning outcome.'))
    stored = evidence.store_photo(photo, media_dir) if photo else None
    record = Signoff(session=session, checklist=checklist, learner_id=session.learner_id,
                     course_id=session.course_id, mentor=mentor, idempotency_key=data['idempotency_key'],
                     signature_name=data['signature_name'], note=data['note'],
                     photo_sha256=stored[0] if stored else None, photo_type=stored[1] if stored else None,
                     passed=is_passed(checklist, results), signed_at=utcnow(),
                     results=[CriterionResult(criterion_id=cid, met=met) for cid, met in sorted(results.items())],
                     ratings=[OutcomeRating(outcome_id=oid, level=lvl) for oid, lvl in sorted(ratings.items())])
    db.session.add(record)
    session.state = SessionState.signed
    db.session.flush()
    logger.info('%r signed by %r (passed=%r)', record, mentor, record.passed)
    return record


# --------------------------------------------------------------------------- the learner confirms: sealed


def confirm(session: SignoffSession, learner: User, *, took_place: bool) -> Signoff | None:
    """The learner confirms on their own device that the session took place: the record is sealed.
    Saying it did not take place cancels it (the unsealed record stays in the history). Idempotent."""
    _own(session, learner)
    record = session.record
    if session.state is SessionState.sealed or (session.state is SessionState.cancelled and record is not None):
        return record
    if session.state is not SessionState.signed or record is None:
        raise Conflict(_('The mentor has not signed yet.'))
    if not took_place:
        session.state = SessionState.cancelled
        db.session.flush()
        logger.warning('%r: learner says the session did not take place', record)
        return record
    previous = db.session.scalar(sa.select(Signoff).where(
        Signoff.learner_id == learner.id, Signoff.checklist_id == record.checklist_id,
        Signoff.course_id == record.course_id, Signoff.sealed_at.is_not(None), Signoff.id != record.id)
        .order_by(Signoff.sealed_at.desc()).limit(1))
    with db.session.no_autoflush:  # the record is written sealed in one go (sealed rows never change)
        record.corrects = previous  # a new sign-off of the same task supersedes the one before
        record.flags = _flags(session, record)
        record.sealed_at = utcnow()
        content = seal_content(record)
        record.seal_hash = codes.content_hash(content)
    session.state = SessionState.sealed
    db.session.flush()
    audit.append('sealed', record, {'seal_hash': record.seal_hash, 'content': content})
    signoff_sealed.send(record, learner=record.learner, course=record.course, step=record.checklist.step,
                        passed=record.passed)
    logger.info('%r sealed', record)
    return record


def _flags(session: SignoffSession, record: Signoff) -> list[str]:
    flags = []
    if session.learner_ip and session.learner_ip == session.mentor_ip:
        flags.append('same_ip')
        if session.learner_agent == session.mentor_agent:
            flags.append('same_device')
    recent = db.session.scalar(sa.select(sa.func.count(Signoff.id)).where(
        Signoff.mentor_id == record.mentor_id, Signoff.signed_at > record.signed_at - BURST_WINDOW))
    if recent >= BURST_COUNT:
        flags.append('burst')
    return flags


def seal_content(record: Signoff) -> dict:
    """What a sealed record says, as hashed into the audit log (voiding is logged as its own entry)."""
    session = record.session

    def person(user: User) -> dict:
        return {'id': user.id, 'issuer': user.issuer, 'subject': user.subject, 'email': user.email,
                'name': user.display_name}

    return {
        'record': record.id, 'session': session.id, 'course': record.course_id, 'checklist': record.checklist_id,
        'version': session.version_id, 'learner': person(record.learner), 'mentor': person(record.mentor),
        'results': [[r.criterion_id, r.met] for r in record.results],
        'ratings': [[r.outcome_id, r.level] for r in record.ratings],
        'passed': record.passed, 'signature_name': record.signature_name, 'note': record.note,
        'photo_sha256': record.photo_sha256, 'claimed_by': session.claimed_by, 'match_code': session.match_code,
        'signed_at': record.signed_at.isoformat(), 'sealed_at': record.sealed_at.isoformat(),
        'learner_ip': session.learner_ip, 'learner_agent': session.learner_agent,
        'mentor_ip': session.mentor_ip, 'mentor_agent': session.mentor_agent,
        'flags': list(record.flags), 'corrects': record.corrects.id if record.corrects else None,
    }


# --------------------------------------------------------------------------- trainers: void


def void(record: Signoff, trainer: User, reason: str) -> Signoff:
    if record.sealed_at is None:
        raise Conflict(_('Only sealed sign-offs can be voided.'))
    if record.voided_at is not None:
        raise Conflict(_('This sign-off is voided already.'))
    record.voided_at, record.voided_by_id, record.void_reason = utcnow(), trainer.id, reason
    db.session.flush()
    audit.append('voided', record, {'by': trainer.id, 'reason': reason, 'at': record.voided_at.isoformat()})
    remaining = passed_record(record.learner, record.course, record.checklist)
    signoff_voided.send(record, learner=record.learner, course=record.course, step=record.checklist.step,
                        reason=reason, was_passed=record.passed and remaining is None)
    logger.info('%r voided by %r: %s', record, trainer, reason)
    return record


# --------------------------------------------------------------------------- queries


def get_session(session_id: int) -> SignoffSession | None:
    return db.session.get(SignoffSession, session_id)


def get_signoff(signoff_id: int) -> Signoff | None:
    return db.session.get(Signoff, signoff_id)


def passed_record(learner: User, course: Course, checklist: Checklist) -> Signoff | None:
    return db.session.scalar(sa.select(Signoff).where(
        Signoff.learner_id == learner.id, Signoff.course_id == course.id, Signoff.checklist_id == checklist.id,
        Signoff.sealed_at.is_not(None), Signoff.voided_at.is_(None), Signoff.passed.is_(True)).limit(1))


def history(learner: User, course: Course, checklist: Checklist) -> list[Signoff]:
    return list(db.session.scalars(sa.select(Signoff).where(
        Signoff.learner_id == learner.id, Signoff.course_id == course.id, Signoff.checklist_id == checklist.id)
        .order_by(Signoff.signed_at.desc())))


def open_session(learner: User, course: Course, checklist: Checklist) -> SignoffSession | None:
    return db.session.scalar(sa.select(SignoffSession).where(
        SignoffSession.learner_id == learner.id, SignoffSession.course_id == course.id,
        SignoffSession.checklist_id == checklist.id,
        SignoffSession.state.in_([SessionState.waiting, SessionState.claimed, SessionState.signed]))
        .order_by(SignoffSession.created_at.desc()).limit(1))


def signoffs_of_course(course: Course) -> list[Signoff]:
    return list(db.session.scalars(sa.select(Signoff).where(Signoff.course_id == course.id)
                                   .options(selectinload(Signoff.results), selectinload(Signoff.session))
                                   .order_by(Signoff.signed_at.desc())))


def step_panel(step: Step, user: User, course: Course, *, as_learner: bool) -> dict | None:
    checklist = checklist_for_step(step)
    if checklist is None or not checklist.criteria:
        return None
    panel = {'checklist': checklist, 'critical': sum(1 for c in checklist.criteria if c.critical)}
    if as_learner:
        panel.update(history=history(user, course, checklist), passed=passed_record(user, course, checklist),
                     open=open_session(user, course, checklist))
    else:
        panel['is_trainer'] = Role.instructor in accounts.roles_in(user, course)
    return panel


def mentor_outcome_ratings(course: Course, version: ModuleVersion,
                           learner: User | None = None) -> dict[tuple[int, int], int]:
    """{(learner_id, outcome_id): level 1..4} from each learner's (or only `learner`'s) latest sealed, non-voided
    sign-off of this module version in this course (the mentor's judgement per learning outcome)."""
    query = sa.select(Signoff).join(Checklist).join(Step, Step.id == Checklist.step_id).where(
        Signoff.course_id == course.id, Step.version_id == version.id, Signoff.sealed_at.is_not(None),
        Signoff.voided_at.is_(None))
    if learner is not None:
        query = query.where(Signoff.learner_id == learner.id)
    records = db.session.scalars(query.options(selectinload(Signoff.ratings)).order_by(Signoff.sealed_at))
    latest: dict[int, Signoff] = {}
    for record in records:
        latest[record.learner_id] = record
    return {(learner_id, r.outcome_id): r.level for learner_id, record in latest.items() for r in record.ratings}
