"""Who may sign off whom: mentors of a course (designated, invited, or by LTI role), their assignment to
learners, invitations for external workplace mentors, and the check made on every sign-off request."""

import logging
import secrets
from datetime import timedelta

import sqlalchemy as sa

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Course, Enrollment, EnrollmentSource, Role, User, UserKind
from lms_ext.core.db import db
from lms_ext.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lms_ext.core.i18n import _
from lms_ext.core.time import utcnow

from .. import codes
from ..models import Assignment, Invitation, MentoringPolicy

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- the rule


def check_can_sign_off(mentor: User, learner: User, course: Course) -> None:
    """Made on every sign-off request. Never the learner themself (also not the same platform identity,
    nor a user holding the Learner role here, e.g. launched with two roles); trainers of the course may;
    mentors only of their own course and only for learners assigned to them.

    :raise PermissionDenied: with the reason.
    """
    if mentor.id == learner.id or (mentor.issuer is not None and (mentor.issuer, mentor.subject) == (
            learner.issuer, learner.subject)):
        raise PermissionDenied(_('You cannot sign off your own practical task.'))
    roles = accounts.roles_in(mentor, course)
    if Role.learner in roles:
        raise PermissionDenied(_('You are a learner in this course, so you cannot sign off anyone here.'))
    if Role.instructor in roles:
        return
    if Role.mentor not in roles:
        raise PermissionDenied(_('You are not a mentor in this learner\'s course.'))
    if not is_assigned(mentor, learner, course):
        raise PermissionDenied(_('You are not assigned as mentor to this learner. Ask the trainer.'))


def is_assigned(mentor: User, learner: User, course: Course) -> bool:
    if policy_of(course).all_mentors_assigned:
        return True
    return bool(db.session.scalar(sa.select(Assignment.id).where(
        Assignment.course_id == course.id, Assignment.mentor_id == mentor.id, Assignment.learner_id == learner.id,
        Assignment.approved_at.is_not(None))))


def policy_of(course: Course) -> MentoringPolicy:
    return db.session.get(MentoringPolicy, course.id) or MentoringPolicy(course_id=course.id,
                                                                         all_mentors_assigned=False)


def set_all_mentors_assigned(course: Course, enabled: bool) -> MentoringPolicy:
    policy = db.session.get(MentoringPolicy, course.id) or MentoringPolicy(course_id=course.id)
    policy.all_mentors_assigned = enabled
    db.session.add(policy)
    db.session.flush()
    logger.info('%r: every mentor assigned to every learner = %r', course, enabled)
    return policy


# --------------------------------------------------------------------------- mentors of a course


def _members(course: Course, role: Role) -> list[User]:
    return list(db.session.scalars(sa.select(User).join(Enrollment).where(
        Enrollment.course_id == course.id, Enrollment.role == role).order_by(User.name)))


def mentors_of(course: Course) -> list[User]:
    return _members(course, Role.mentor)


def learners_of(course: Course) -> list[User]:
    return _members(course, Role.learner)


def candidates_of(course: Course) -> list[User]:
    """Users who launched in the course and could be designated: not learners there, not mentors yet."""
    excluded = {u.id for u in learners_of(course)} | {u.id for u in mentors_of(course)}
    users = db.session.scalars(sa.select(User).join(Enrollment).where(Enrollment.course_id == course.id)
                               .distinct().order_by(User.name))
    return [u for u in users if u.id not in excluded]


def designate_mentor(course: Course, user: User) -> Enrollment:
    """A trainer designates a user of the course as mentor there (Moodle never launches anyone as Mentor)."""
    if Role.learner in accounts.roles_in(user, course):
        raise InvalidInput('user', _('%(name)s is a learner in this course and cannot sign off learners here.',
                                     name=user.display_name))
    enrollment = accounts.enroll(user, course, Role.mentor, source=EnrollmentSource.designated)
    logger.info('%r designated mentor in %r', user, course)
    return enrollment


def revoke_mentor(course: Course, user: User) -> None:
    """Take the mentor role in this course away at once, with the mentor's assignments there; an invited
    account with no other course is switched off. (A mentor role the LMS grants comes back on its next
    launch: remove it in the LMS too.)"""
    db.session.execute(sa.delete(Enrollment).where(Enrollment.course_id == course.id, Enrollment.user_id == user.id,
                                                   Enrollment.role == Role.mentor))
    db.session.execute(sa.delete(Assignment).where(Assignment.course_id == course.id,
                                                   Assignment.mentor_id == user.id))
    db.session.expire(user, ['enrollments'])
    if user.kind is UserKind.local and not user.is_admin and not user.enrollments:
        user.is_active_account = False
    db.session.flush()
    logger.info('%r is no longer a mentor in %r', user, course)


# --------------------------------------------------------------------------- assignments


def assignments_of(course: Course) -> list[Assignment]:
    return list(db.session.scalars(sa.select(Assignment).where(Assignment.course_id == course.id)
                                   .order_by(Assignment.created_at)))


def get_assignment(assignment_id: int) -> Assignment | None:
    return db.session.get(Assignment, assignment_id)


def _pair(course: Course, mentor: User, learner: User) -> Assignment | None:
    return db.session.scalar(sa.select(Assignment).where(
        Assignment.course_id == course.id, Assignment.mentor_id == mentor.id, Assignment.learner_id == learner.id))


def _check_pair(course: Course, mentor: User, learner: User) -> None:
    if Role.learner not in accounts.roles_in(learner, course):
        raise InvalidInput('learner', _('Choose a learner of this course.'))
    if Role.mentor not in accounts.roles_in(mentor, course) or mentor.id == learner.id:
        raise InvalidInput('mentor', _('Choose a mentor of this course.'))


def assign(course: Course, mentor: User, learner: User, *, trainer: User) -> Assignment:
    """The trainer assigns (or approves) a mentor for a learner."""
    _check_pair(course, mentor, learner)
    assignment = _pair(course, mentor, learner) or Assignment(course_id=course.id, mentor=mentor, learner=learner)
    if assignment.approved_at is None:
        assignment.approved_at, assignment.approved_by_id = utcnow(), trainer.id
    db.session.add(assignment)
    db.session.flush()
    return assignment


def suggest(course: Course, mentor: User, learner: User) -> Assignment:
    """A learner suggests a mentor; only a trainer's approval makes it count."""
    _check_pair(course, mentor, learner)
    assignment = _pair(course, mentor, learner)
    if assignment is None:
        assignment = Assignment(course_id=course.id, mentor=mentor, learner=learner, suggested_by_learner=True)
        db.session.add(assignment)
        db.session.flush()
    return assignment


def remove_assignment(assignment: Assignment) -> None:
    db.session.delete(assignment)
    db.session.flush()


# --------------------------------------------------------------------------- invitations


def create_invitation(course: Course, *, by: User, note: str = '', days: int = 7) -> tuple[Invitation, str]:
    """A single-use invitation link for an external mentor; the token is returned once and kept only hashed."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    invitation = Invitation(course=course, token_hash=codes.token_digest(token), note=note, created_by_id=by.id,
                            created_at=now, expires_at=now + timedelta(days=days))
    db.session.add(invitation)
    db.session.flush()
    logger.info('%r created by %r', invitation, by)
    return invitation, token


def invitations_of(course: Course) -> list[Invitation]:
    return list(db.session.scalars(sa.select(Invitation).where(Invitation.course_id == course.id)
                                   .order_by(Invitation.created_at.desc())))


def get_invitation(invitation_id: int) -> Invitation | None:
    return db.session.get(Invitation, invitation_id)


def open_invitation(token: str) -> Invitation:
    """The unused, unexpired, unrevoked invitation with this token.

    :raise NotFound: unknown, used, revoked or expired (one message: nothing to learn by probing).
    """
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == codes.token_digest(token))
                                   .with_for_update())
    if (invitation is None or invitation.used_at is not None or invitation.revoked_at is not None
            or invitation.expires_at <= utcnow()):
        raise NotFound(_('This invitation is not valid any more. Ask the trainer for a new one.'))
    return invitation


def accept_invitation(token: str, data: dict) -> User:
    """Create the external mentor's local account from validated `AcceptInvitationInput` and make them
    a mentor of the invitation's course; the invitation is used up."""
    invitation = open_invitation(token)
    try:
        user = accounts.create_local_account(email=data['email'], name=data['name'], password=data['password'],
                                             organisation=data['organisation'])
    except Conflict as exc:
        raise InvalidInput('email', _('An account with this email address exists already; sign in with it and '
                                      'ask the trainer to designate you.')) from exc
    accounts.enroll(user, invitation.course, Role.mentor, source=EnrollmentSource.designated)
    invitation.used_at, invitation.user = utcnow(), user
    db.session.flush()
    logger.info('%r accepted by %r', invitation, user)
    return user


def revoke_invitation(invitation: Invitation) -> None:
    if invitation.used_at is None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.flush()
