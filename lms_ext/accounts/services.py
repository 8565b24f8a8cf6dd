"""Use cases for people: local accounts, enrolments, look-ups."""

import logging

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from lms_ext.core.db import db
from lms_ext.core.errors import Conflict
from lms_ext.core.i18n import _
from lms_ext.core.time import utcnow

from .models import Course, Enrollment, EnrollmentSource, Role, User, UserKind

logger = logging.getLogger(__name__)
# A constant hash to compare against when the email is unknown, so timing does not reveal accounts.
_DUMMY_HASH = generate_password_hash('not-a-real-password-but-same-cost')


def create_local_account(*, email: str, name: str, password: str, organisation: str = '',
                         is_admin: bool = False) -> User:
    email = email.strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.kind == UserKind.local, User.email == email)):
        raise Conflict(_('A local account with this email address already exists.'))
    user = User(kind=UserKind.local, email=email, name=name, organisation=organisation,
                password_hash=generate_password_hash(password), is_admin=is_admin)
    db.session.add(user)
    db.session.flush()
    logger.info('Local account %r created (admin=%r)', user, is_admin)
    return user


def authenticate_local(email: str, password: str) -> User | None:
    """The active local account with these credentials, or None."""
    user = db.session.scalar(sa.select(User).where(User.kind == UserKind.local,
                                                   User.email == email.strip().lower()))
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    user.last_seen_at = utcnow()
    return user


def enroll(user: User, course: Course, role: Role, *,
           source: EnrollmentSource = EnrollmentSource.lti) -> Enrollment:
    """Give `user` `role` in `course` (idempotent)."""
    existing = db.session.scalar(sa.select(Enrollment).where(
        Enrollment.user_id == user.id, Enrollment.course_id == course.id, Enrollment.role == role))
    if existing:
        return existing
    enrollment = Enrollment(user=user, course=course, role=role, source=source)
    db.session.add(enrollment)
    db.session.flush()
    return enrollment


def set_lti_roles(user_id: int, course_id: int, roles: set[Role], held: set[Role]) -> None:
    """Make the user's LTI-granted roles in the course `roles` (`held`: their LTI roles now, from the caller's
    query). Roles designated in the tool stay, and a role designated already is not granted a second time."""
    gone, new = held - roles, roles - held
    if gone:
        db.session.execute(sa.delete(Enrollment).where(
            Enrollment.user_id == user_id, Enrollment.course_id == course_id,
            Enrollment.source == EnrollmentSource.lti, Enrollment.role.in_(gone)))
    if new:
        present = set(db.session.scalars(sa.select(Enrollment.role).where(
            Enrollment.user_id == user_id, Enrollment.course_id == course_id, Enrollment.role.in_(new))))
        for role in sorted(new - present, key=lambda r: r.value):
            db.session.add(Enrollment(user_id=user_id, course_id=course_id, role=role, source=EnrollmentSource.lti))
        db.session.flush()


def create_course(issuer: str, context_id: str, *, title: str = '', label: str = '') -> Course:
    """The course of an LMS context, created on its first launch; two first launches at the same moment
    get the same row (the loser of the insert reads the winner's)."""
    try:
        with db.session.begin_nested():
            course = Course(issuer=issuer, context_id=context_id, title=title, label=label)
            db.session.add(course)
    except sa.exc.IntegrityError:
        course = db.session.scalar(sa.select(Course).where(Course.issuer == issuer, Course.context_id == context_id))
        if course is None:
            raise
    return course


def roles_in(user: User, course: Course) -> set[Role]:
    """The user's roles in the course, from their enrollments (loaded with the signed-in user)."""
    return {e.role for e in user.enrollments if e.course_id == course.id}


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


# Statements that every request or launch runs are built once, with bind parameters: SQLAlchemy then keeps their
# cache key on the statement object and finds the compiled SQL without building and hashing the statement again.
_SIGNED_IN_USER = (sa.select(User).where(User.id == sa.bindparam('user_id'))
                   .options(joinedload(User.enrollments)))


def signed_in_user_by_id(user_id: int) -> User | None:
    """The user of a session with their enrollments in the same query: every page asks for their roles
    (permission checks, the navigation), so this saves a query or two per request."""
    return db.session.scalars(_SIGNED_IN_USER, {'user_id': user_id}).unique().one_or_none()


def get_course(course_id: int) -> Course | None:
    return db.session.get(Course, course_id)


def set_low_bandwidth(user: User, enabled: bool) -> None:
    user.low_bandwidth = enabled
    db.session.flush()


def is_trainer_anywhere(user: User) -> bool:
    """Administrators, and users who hold the instructor role in at least one course, may author modules."""
    return user.is_admin or any(e.role is Role.instructor for e in user.enrollments)
