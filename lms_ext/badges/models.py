"""Tables of the badges package: issuers, one badge class per module version, assertions, e-mail claims, mail.

Storage is format-neutral: every fact that a credential states is a column (or the `facts` / `evidence`
snapshot taken at issuance), and the Open Badges 2.0 JSON-LD is rendered from the rows by `ob2.py` on each
request. An Open Badges 3.0 Verifiable Credential can later be rendered from the same rows by a sibling
`ob3.py` (credentialSubject.identifier from `recipient_hash` + `salt`, `validFrom` from `issued_on`,
`credentialStatus` from `revoked_at`), served at `/badges/assertions/<public_id>/ob3`, and link back to the
2.0 assertion with `related`; `public_id` stays the shared identity of both documents.
"""

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_ext.accounts.models import Course, User
from lms_ext.content.models import ModuleVersion
from lms_ext.core.db import UTCDateTime, db, str_enum
from lms_ext.core.time import utcnow


class Issuer(db.Model):
    """Who awards badges: the installation (lms_issuer '', kept in step with the BADGE_ISSUER_* settings)
    or one organisation, matched by the LMS platform issuer of the course."""

    __tablename__ = 'badges_issuers'

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    lms_issuer: Mapped[str] = mapped_column(sa.String(255), unique=True)  # '' for the installation
    name: Mapped[str] = mapped_column(sa.String(255))
    url: Mapped[str] = mapped_column(sa.String(2048))
    email: Mapped[str] = mapped_column(sa.String(320))
    description: Mapped[str] = mapped_column(sa.Text, default='')
    image_url: Mapped[str] = mapped_column(sa.String(2048), default='')
    # ISO 3166-1 alpha-3 code of the country where the issuer is established (EU country authority table).
    country: Mapped[str] = mapped_column(sa.String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f'<Issuer id={self.id} {self.name!r}>'


class BadgeClass(db.Model):
    """The badge of one module version; its facts are a snapshot of the (immutable) published version.

    Once an assertion exists the row must not change (`_forbid_changes_once_awarded`).
    """

    __tablename__ = 'badges_badge_classes'

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey('content_module_versions.id'), unique=True)
    issuer_id: Mapped[int] = mapped_column(sa.ForeignKey('badges_issuers.id'), index=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    description: Mapped[str] = mapped_column(sa.Text)
    # Module-level facts: outcomes, EU micro-credential elements, tags (see ob2.class_facts()).
    facts: Mapped[dict] = mapped_column(sa.JSON)
    # Immutable once awarded; loaded only when asked for (services.class_images caches them per process).
    image_png: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True, deferred_group='image')
    image_svg: Mapped[str] = mapped_column(sa.Text, deferred=True, deferred_group='image')
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[ModuleVersion] = relationship()
    issuer: Mapped[Issuer] = relationship()

    def __repr__(self):
        return f'<BadgeClass id={self.id} version={self.version_id}>'


class RevocationKind(enum.Enum):
    trainer = 'trainer'  # by a trainer or operator, with a reason: final
    reopened = 'reopened'  # the run was reopened (a voided sign-off): lifted when the learner completes again


class Assertion(db.Model):
    """One learner's badge for one module version (exactly one: a unique constraint).

    Awaiting e-mail: the learner completed without an e-mail address; recipient and issue date are set when
    they confirm one (`issued_on` NULL until then, and nothing is published).
    """

    __tablename__ = 'badges_assertions'
    __table_args__ = (
        sa.UniqueConstraint('learner_id', 'version_id', name='uq_badges_assertions_learner_version'),
        sa.CheckConstraint('(recipient_hash IS NULL) = (issued_on IS NULL)', name='issued_with_recipient'),
        sa.CheckConstraint('(revoked_at IS NULL) = (revocation_kind IS NULL)', name='revocation_complete'),
        sa.CheckConstraint('revoked_at IS NULL OR issued_on IS NOT NULL', name='revoked_after_issue'),
        sa.CheckConstraint('grade IS NULL OR (grade >= 0 AND grade <= 100)', name='grade_percent'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random and unguessable, so that assertion URLs cannot be enumerated.
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    badge_class_id: Mapped[int] = mapped_column(sa.ForeignKey('badges_badge_classes.id'), index=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_users.id', ondelete='CASCADE'), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey('content_module_versions.id'), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_courses.id', ondelete='CASCADE'), index=True)
    # A salt per assertion: one site-wide salt would make a learner's badges linkable to each other.
    salt: Mapped[str] = mapped_column(sa.String(64))
    recipient_hash: Mapped[str | None] = mapped_column(sa.String(80))  # 'sha256$' + hex
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_on: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Learner-level facts (EU elements): the quiz grade in percent, and the in-person mentor sign-off.
    grade: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the evidence page shows: quiz results and sign-off facts, without private data.
    evidence: Mapped[dict] = mapped_column(sa.JSON)
    show_name: Mapped[bool] = mapped_column(default=False, server_default=sa.false())  # learner's consent
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revocation_kind: Mapped[RevocationKind | None] = mapped_column(str_enum(RevocationKind, 'revocation_kind'))
    revocation_reason: Mapped[str] = mapped_column(sa.Text, default='')

    badge_class: Mapped[BadgeClass] = relationship()
    learner: Mapped[User] = relationship()
    version: Mapped[ModuleVersion] = relationship()
    course: Mapped[Course] = relationship()
    events: Mapped[list['AssertionEvent']] = relationship(back_populates='assertion', cascade='all, delete-orphan',
                                                          order_by='AssertionEvent.id')

    @property
    def is_issued(self) -> bool:
        return self.issued_on is not None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def __repr__(self):
        return f'<Assertion id={self.id} learner={self.learner_id} version={self.version_id}>'


class AssertionAction(enum.Enum):
    issued = 'issued'
    revoked = 'revoked'
    reinstated = 'reinstated'


class AssertionEvent(db.Model):
    """Audit trail of an assertion: issued, revoked (who, why), reinstated."""

    __tablename__ = 'badges_assertion_events'

    id: Mapped[int] = mapped_column(primary_key=True)
    assertion_id: Mapped[int] = mapped_column(sa.ForeignKey('badges_assertions.id', ondelete='CASCADE'),
                                              index=True)
    action: Mapped[AssertionAction] = mapped_column(str_enum(AssertionAction, 'assertion_action'))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey('accounts_users.id', ondelete='SET NULL'))
    reason: Mapped[str] = mapped_column(sa.Text, default='')
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assertion: Mapped[Assertion] = relationship(back_populates='events')
    actor: Mapped[User | None] = relationship()

    def __repr__(self):
        return f'<AssertionEvent assertion={self.assertion_id} {self.action.value}>'


class EmailClaim(db.Model):
    """An e-mail address a learner without one (from the LMS) entered, confirmed by a link."""

    __tablename__ = 'badges_email_claims'
    __table_args__ = (sa.CheckConstraint('confirmed_at IS NULL OR confirmed_at >= created_at',
                                         name='confirmed_after_created'),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_users.id', ondelete='CASCADE'), index=True)
    email: Mapped[str] = mapped_column(sa.String(320))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256 of the link's token
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    learner: Mapped[User] = relationship()

    def __repr__(self):
        return f'<EmailClaim id={self.id} learner={self.learner_id} confirmed={self.confirmed_at is not None}>'


class MailMessage(db.Model):
    """An outgoing e-mail (outbox): sent by SMTP after commit when configured, else shown at /badges/outbox."""

    __tablename__ = 'badges_mail_messages'

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.String(255))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self):
        return f'<MailMessage id={self.id} to={self.recipient!r}>'


@sa.event.listens_for(BadgeClass, 'before_update')
def _forbid_changes_once_awarded(mapper, connection, target):
    """A badge class that was awarded states what its holders earned: it never changes."""
    awarded = connection.scalar(sa.select(sa.func.count()).select_from(Assertion.__table__)
                                .where(Assertion.__table__.c.badge_class_id == target.id))
    if awarded:
        raise ValueError(f'{target!r} has been awarded and is immutable')
