"""Platform registrations, their deployments, and resource links placed in LMS courses."""

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_ext.accounts.models import Course, User
from lms_ext.content.models import Module
from lms_ext.core.db import UTCDateTime, db, str_enum
from lms_ext.core.time import utcnow


class RegistrationMethod(enum.Enum):
    manual = 'manual'  # CLI or admin page
    dynamic = 'dynamic'  # LTI Dynamic Registration, approved by a local admin
    demo = 'demo'  # the built-in demo platform (DEMO_MODE only)


class PlatformStatus(enum.Enum):
    pending = 'pending'  # dynamically registered, waiting for a local admin's approval
    active = 'active'
    disabled = 'disabled'


class Platform(db.Model):
    """One registration of this tool in an LMS, keyed by (issuer, client_id).

    Canvas cloud tenants share one issuer, so the issuer alone is not a key.
    """

    __tablename__ = 'lti_platforms'
    __table_args__ = (sa.UniqueConstraint('issuer', 'client_id', name='uq_lti_platforms_issuer_client'),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(255), default='')
    issuer: Mapped[str] = mapped_column(sa.String(255))
    client_id: Mapped[str] = mapped_column(sa.String(255))
    auth_login_url: Mapped[str] = mapped_column(sa.String(2048))
    auth_token_url: Mapped[str] = mapped_column(sa.String(2048))
    auth_audience: Mapped[str | None] = mapped_column(sa.String(2048))
    key_set_url: Mapped[str] = mapped_column(sa.String(2048))
    status: Mapped[PlatformStatus] = mapped_column(str_enum(PlatformStatus, 'platform_status'),
                                                   default=PlatformStatus.active)
    product_family: Mapped[str] = mapped_column(sa.String(80), default='')
    method: Mapped[RegistrationMethod] = mapped_column(str_enum(RegistrationMethod, 'registration_method'),
                                                       default=RegistrationMethod.manual)
    # What the platform answered to a dynamic registration (for the admin's review).
    registration_response: Mapped[dict | None] = mapped_column(sa.JSON, deferred=True)  # for admins only
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    deployments: Mapped[list['Deployment']] = relationship(back_populates='platform',
                                                           cascade='all, delete-orphan')

    def __repr__(self):
        return f'<Platform id={self.id} {self.issuer!r} client={self.client_id!r} {self.status.value}>'


class Deployment(db.Model):
    __tablename__ = 'lti_deployments'
    __table_args__ = (sa.UniqueConstraint('platform_id', 'deployment_id', name='uq_lti_deployments_platform_dep'),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(sa.ForeignKey('lti_platforms.id', ondelete='CASCADE'), index=True)
    deployment_id: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    platform: Mapped[Platform] = relationship(back_populates='deployments')

    def __repr__(self):
        return f'<Deployment id={self.id} platform={self.platform_id} {self.deployment_id!r}>'


class ResourceLink(db.Model):
    """A placement of one module in an LMS course (created by deep linking or on first launch)."""

    __tablename__ = 'lti_resource_links'
    __table_args__ = (sa.UniqueConstraint('platform_id', 'resource_link_id', name='uq_lti_resource_links_link'),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(sa.ForeignKey('lti_platforms.id', ondelete='CASCADE'), index=True)
    deployment_id: Mapped[int] = mapped_column(sa.ForeignKey('lti_deployments.id', ondelete='CASCADE'))
    course_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_courses.id', ondelete='CASCADE'), index=True)
    resource_link_id: Mapped[str] = mapped_column(sa.String(255))
    module_id: Mapped[int | None] = mapped_column(sa.ForeignKey('content_modules.id', ondelete='SET NULL'))
    title: Mapped[str] = mapped_column(sa.String(255), default='')
    # Service endpoints, taken only from validated launches and kept server-side.
    ags_lineitems_url: Mapped[str | None] = mapped_column(sa.String(2048))
    ags_lineitem_url: Mapped[str | None] = mapped_column(sa.String(2048))
    ags_scopes: Mapped[list | None] = mapped_column(sa.JSON)
    nrps_memberships_url: Mapped[str | None] = mapped_column(sa.String(2048))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    platform: Mapped[Platform] = relationship()
    deployment: Mapped[Deployment] = relationship()
    course: Mapped[Course] = relationship()
    module: Mapped[Module | None] = relationship()

    def __repr__(self):
        return f'<ResourceLink id={self.id} {self.resource_link_id!r} module={self.module_id}>'


class ToolKey(db.Model):
    """An RSA key pair of this tool; the newest active key signs, every unexpired one is published."""

    __tablename__ = 'lti_tool_keys'
    __table_args__ = (sa.CheckConstraint('retire_at IS NULL OR retire_at >= created_at', name='retire_after_create'),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(sa.String(64), unique=True)
    private_pem: Mapped[str] = mapped_column(sa.Text)
    public_jwk: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set at rotation: the key stops signing at once and leaves the JWKS after the overlap.
    retire_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self):
        return f'<ToolKey {self.kid!r} retire_at={self.retire_at}>'


class StoreEntry(db.Model):
    """Short-lived LTI state (login state + nonce, launch data, JWKS and token caches) when Redis is absent."""

    __tablename__ = 'lti_store_entries'

    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    value: Mapped[dict | list | str] = mapped_column(sa.JSON)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    def __repr__(self):
        return f'<StoreEntry {self.key!r} until {self.expires_at}>'


class SubmissionState(enum.Enum):
    pending = 'pending'  # waiting to be sent (again), see next_attempt_at
    sent = 'sent'
    rejected = 'rejected'  # the platform refused it for good (e.g. 400: not a student); not retried
    skipped = 'skipped'  # a non-final score after a final one: sending it would wipe the grade in Moodle
    failed = 'failed'  # retries exhausted; `flask jobs retry-failed` puts it back to pending


class ScoreSubmission(db.Model):
    """The outbox of scores for the LMS gradebook (AGS), written in the grading transaction.

    One row per (link, learner, attempt_key): recording the same attempt twice is a no-op, so a score
    is never posted twice for one attempt. Timestamps strictly increase per learner and link in whole
    seconds (Moodle compares seconds and answers 409 otherwise).
    """

    __tablename__ = 'lti_score_submissions'
    __table_args__ = (
        sa.UniqueConstraint('link_id', 'learner_id', 'attempt_key', name='uq_lti_score_submissions_attempt'),
        sa.CheckConstraint('score_given IS NULL OR (score_given >= 0 AND score_given <= score_maximum)',
                           name='score_in_range'),
        sa.CheckConstraint('score_maximum > 0', name='score_maximum_positive'),
        sa.CheckConstraint("(state = 'sent') = (sent_at IS NOT NULL)", name='sent_at_matches_state'),
        sa.CheckConstraint('attempts >= 0', name='attempts_not_negative'),
        sa.Index('ix_lti_score_submissions_due', 'state', 'next_attempt_at'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(sa.ForeignKey('lti_resource_links.id', ondelete='CASCADE'), index=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_users.id', ondelete='CASCADE'), index=True)
    attempt_key: Mapped[str] = mapped_column(sa.String(120))
    score_given: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 4))
    score_maximum: Mapped[Decimal] = mapped_column(sa.Numeric(10, 4))
    activity_progress: Mapped[str] = mapped_column(sa.String(20), default='Completed')
    grading_progress: Mapped[str] = mapped_column(sa.String(20), default='FullyGraded')
    comment: Mapped[str] = mapped_column(sa.Text, default='')
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[SubmissionState] = mapped_column(str_enum(SubmissionState, 'submission_state'),
                                                   default=SubmissionState.pending)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(sa.Text, default='')
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    link: Mapped[ResourceLink] = relationship()
    learner: Mapped[User] = relationship()

    @property
    def is_final(self) -> bool:
        return self.grading_progress == 'FullyGraded'

    def __repr__(self):
        return f'<ScoreSubmission id={self.id} link={self.link_id} learner={self.learner_id} {self.state.value}>'
