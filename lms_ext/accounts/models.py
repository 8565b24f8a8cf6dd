"""Users (one per platform subject, or a local account), courses and enrolments."""

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_ext.core.db import UTCDateTime, db, str_enum
from lms_ext.core.time import utcnow


class UserKind(enum.Enum):
    lti = 'lti'  # arrives by LTI launch; identified by (issuer, subject)
    local = 'local'  # admins and external workplace mentors, with a password or invitation


class Role(enum.Enum):
    learner = 'learner'
    instructor = 'instructor'  # LTI Instructor or Administrator: a trainer
    mentor = 'mentor'  # signs off practical tasks (LTI Mentor/TA, or designated by a trainer)


class EnrollmentSource(enum.Enum):
    lti = 'lti'  # granted by the signed roles claim of a launch
    designated = 'designated'  # granted inside the tool by a trainer (e.g. a mentor)


class User(UserMixin, db.Model):
    __tablename__ = 'accounts_users'
    __table_args__ = (
        sa.UniqueConstraint('issuer', 'subject', name='uq_accounts_users_issuer_subject'),
        sa.CheckConstraint("(kind = 'lti' AND issuer IS NOT NULL AND subject IS NOT NULL) OR "
                           "(kind = 'local' AND issuer IS NULL AND subject IS NULL AND email IS NOT NULL)",
                           name='identity_matches_kind'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[UserKind] = mapped_column(str_enum(UserKind, 'user_kind'))
    issuer: Mapped[str | None] = mapped_column(sa.String(255))
    subject: Mapped[str | None] = mapped_column(sa.String(255))
    name: Mapped[str] = mapped_column(sa.String(255), default='')
    given_name: Mapped[str] = mapped_column(sa.String(255), default='')
    family_name: Mapped[str] = mapped_column(sa.String(255), default='')
    email: Mapped[str | None] = mapped_column(sa.String(320), index=True)
    locale: Mapped[str | None] = mapped_column(sa.String(35))
    picture_url: Mapped[str | None] = mapped_column(sa.String(2048))
    organisation: Mapped[str] = mapped_column(sa.String(255), default='')
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    # Slow or metered connection: no autoplay, posters and transcripts first, media on tap.
    low_bandwidth: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    is_active_account: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    enrollments: Mapped[list['Enrollment']] = relationship(back_populates='user', cascade='all, delete-orphan')

    @property
    def is_active(self) -> bool:  # flask-login
        return self.is_active_account

    @property
    def display_name(self) -> str:
        return self.name or ' '.join(p for p in (self.given_name, self.family_name) if p) or self.email or ''

    def __repr__(self):
        return f'<User id={self.id} kind={self.kind.value} {self.display_name!r}>'


class Course(db.Model):
    """An LMS context (course), identified by its platform issuer and context id."""

    __tablename__ = 'accounts_courses'
    __table_args__ = (sa.UniqueConstraint('issuer', 'context_id', name='uq_accounts_courses_issuer_context'),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(sa.String(255))
    context_id: Mapped[str] = mapped_column(sa.String(255))
    title: Mapped[str] = mapped_column(sa.String(255), default='')
    label: Mapped[str] = mapped_column(sa.String(255), default='')
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enrollments: Mapped[list['Enrollment']] = relationship(back_populates='course', cascade='all, delete-orphan')

    def __repr__(self):
        return f'<Course id={self.id} {self.title or self.context_id!r}>'


class Enrollment(db.Model):
    """A role a user holds in a course; several roles per user are normal."""

    __tablename__ = 'accounts_enrollments'
    __table_args__ = (sa.UniqueConstraint('user_id', 'course_id', 'role', name='uq_accounts_enrollments_role'),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_users.id', ondelete='CASCADE'), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_courses.id', ondelete='CASCADE'),
                                           index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, 'enrollment_role'))
    source: Mapped[EnrollmentSource] = mapped_column(str_enum(EnrollmentSource, 'enrollment_source'),
                                                     default=EnrollmentSource.lti)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates='enrollments')
    course: Mapped[Course] = relationship(back_populates='enrollments')

    def __repr__(self):
        return f'<Enrollment user={self.user_id} course={self.course_id} role={self.role.value}>'
