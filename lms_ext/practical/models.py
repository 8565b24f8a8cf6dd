"""Practical checklists, mentors and their assignments, in-person sign-off sessions, sealed records and
the hash-chained audit log."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_ext.accounts.models import Course, User
from lms_ext.content import proficiency
from lms_ext.content.models import LearningOutcome, Step
from lms_ext.core.db import UTCDateTime, db, str_enum
from lms_ext.core.time import utcnow

criterion_outcomes = sa.Table(
    'practical_criterion_outcomes', db.metadata,
    sa.Column('criterion_id', sa.ForeignKey('practical_criteria.id', ondelete='CASCADE'), primary_key=True),
    sa.Column('outcome_id', sa.ForeignKey('content_learning_outcomes.id', ondelete='CASCADE'), primary_key=True),
)


class Checklist(db.Model):
    """The observable criteria of a practical step; passed = every critical criterion met and at least
    `min_other_met` of the others."""

    __tablename__ = 'practical_checklists'
    __table_args__ = (sa.CheckConstraint('min_other_met >= 0', name='min_other_not_negative'),)

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(sa.ForeignKey('content_steps.id', ondelete='CASCADE'), unique=True)
    min_other_met: Mapped[int] = mapped_column(default=0)

    step: Mapped[Step] = relationship()
    criteria: Mapped[list['Criterion']] = relationship(back_populates='checklist', order_by='Criterion.position',
                                                       cascade='all, delete-orphan')

    @property
    def outcomes(self) -> list[LearningOutcome]:
        """The learning outcomes the criteria cover, in the version's order."""
        linked = {o.id for c in self.criteria for o in c.outcomes}
        return [o for o in self.step.version.outcomes if o.id in linked]

    def __repr__(self):
        return f'<Checklist id={self.id} step={self.step_id}>'


class Criterion(db.Model):
    __tablename__ = 'practical_criteria'
    __table_args__ = (sa.UniqueConstraint('checklist_id', 'position', name='uq_practical_criteria_position'),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(sa.ForeignKey('practical_checklists.id', ondelete='CASCADE'),
                                              index=True)
    position: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(sa.Text)  # what the mentor must see the learner do
    guidance: Mapped[str] = mapped_column(sa.Text, default='')  # how to judge it
    critical: Mapped[bool] = mapped_column(default=False)

    checklist: Mapped[Checklist] = relationship(back_populates='criteria')
    outcomes: Mapped[list[LearningOutcome]] = relationship(secondary=criterion_outcomes,
                                                           order_by=LearningOutcome.position)

    def __repr__(self):
        return f'<Criterion id={self.id} checklist={self.checklist_id} #{self.position}>'


class MentoringPolicy(db.Model):
    """Per course: whether every mentor of the course counts as assigned to every learner of it (a
    trainer's choice for small workshops and the demo); otherwise assignments are per learner."""

    __tablename__ = 'practical_mentoring_policies'

    course_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_courses.id', ondelete='CASCADE'),
                                           primary_key=True)
    all_mentors_assigned: Mapped[bool] = mapped_column(default=False)

    def __repr__(self):
        return f'<MentoringPolicy course={self.course_id} all={self.all_mentors_assigned}>'


class Assignment(db.Model):
    """A mentor assigned to a learner in a course; a learner's suggestion waits for the trainer."""

    __tablename__ = 'practical_assignments'
    __table_args__ = (
        sa.UniqueConstraint('course_id', 'mentor_id', 'learner_id', name='uq_practical_assignments_pair'),
        sa.CheckConstraint('mentor_id <> learner_id', name='mentor_is_not_learner'),
        sa.CheckConstraint('(approved_at IS NULL) = (approved_by_id IS NULL)', name='approval_complete'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_courses.id', ondelete='CASCADE'), index=True)
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_users.id', ondelete='CASCADE'), index=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_users.id', ondelete='CASCADE'), index=True)
    suggested_by_learner: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey('accounts_users.id'))

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    learner: Mapped[User] = relationship(foreign_keys=[learner_id])

    def __repr__(self):
        return f'<Assignment mentor={self.mentor_id} learner={self.learner_id} course={self.course_id}>'


class Invitation(db.Model):
    """A single-use, expiring invitation for an external workplace mentor (only its token's hash is kept)."""

    __tablename__ = 'practical_invitations'
    __table_args__ = (sa.CheckConstraint('expires_at > created_at', name='expires_after_creation'),
                      sa.CheckConstraint('(used_at IS NULL) = (user_id IS NULL)', name='use_complete'))

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_courses.id', ondelete='CASCADE'), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    note: Mapped[str] = mapped_column(sa.String(255), default='')  # for whom, as the trainer wrote it
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_users.id'))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey('accounts_users.id'))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course: Mapped[Course] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    def __repr__(self):
        return f'<Invitation id={self.id} course={self.course_id}>'


class SessionState(enum.Enum):
    waiting = 'waiting'  # the learner shows the code; no mentor yet
    claimed = 'claimed'  # a mentor entered the code and sees the checklist
    signed = 'signed'  # the mentor signed; the learner has to confirm
    sealed = 'sealed'  # the learner confirmed: the record is final
    cancelled = 'cancelled'  # the learner stopped it or said it did not take place


class SignoffSession(db.Model):
    """One in-person sign-off: the learner's code, the mentor who took it, both devices."""

    __tablename__ = 'practical_sessions'
    __table_args__ = (
        sa.CheckConstraint("(state = 'waiting') = (mentor_id IS NULL)", name='mentor_once_claimed'),
        sa.CheckConstraint('mentor_id IS NULL OR mentor_id <> learner_id', name='not_self'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(sa.ForeignKey('practical_checklists.id'), index=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_users.id', ondelete='CASCADE'), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_courses.id', ondelete='CASCADE'), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey('content_module_versions.id'))
    state: Mapped[SessionState] = mapped_column(str_enum(SessionState, 'session_state'),
                                                default=SessionState.waiting)
    nonce: Mapped[str] = mapped_column(sa.String(43), unique=True)  # in every QR token of this session
    code_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)  # HMAC of the 6-digit code
    code_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    match_code: Mapped[str | None] = mapped_column(sa.String(8))  # shown on both screens once claimed
    claimed_by: Mapped[str | None] = mapped_column(sa.String(10))  # 'code' or 'qr'
    mentor_id: Mapped[int | None] = mapped_column(sa.ForeignKey('accounts_users.id'))
    learner_ip: Mapped[str] = mapped_column(sa.String(45), default='')
    learner_agent: Mapped[str] = mapped_column(sa.String(512), default='')
    mentor_ip: Mapped[str] = mapped_column(sa.String(45), default='')
    mentor_agent: Mapped[str] = mapped_column(sa.String(512), default='')
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    checklist: Mapped[Checklist] = relationship()
    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id])
    course: Mapped[Course] = relationship()
    record: Mapped['Signoff | None'] = relationship(back_populates='session')

    def __repr__(self):
        return f'<SignoffSession id={self.id} learner={self.learner_id} {self.state.value}>'


class CodeFailure(db.Model):
    """A wrong sign-off code entered by a user: five within the lockout window lock them out."""

    __tablename__ = 'practical_code_failures'

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_users.id', ondelete='CASCADE'), index=True)
    ip: Mapped[str] = mapped_column(sa.String(45), default='')
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self):
        return f'<CodeFailure user={self.user_id} at={self.at}>'


class Signoff(db.Model):
    """The mentor's signed record of one session; sealed (final, immutable) once the learner confirms.

    A correction is a new record pointing at the one it corrects; a trainer may void a record with a reason.
    """

    __tablename__ = 'practical_signoffs'
    __table_args__ = (
        sa.CheckConstraint('sealed_at IS NULL OR sealed_at >= signed_at', name='sealed_after_signed'),
        sa.CheckConstraint('(voided_at IS NULL) = (void_reason IS NULL)', name='void_has_reason'),
        sa.CheckConstraint('voided_at IS NULL OR sealed_at IS NOT NULL', name='only_sealed_voided'),
        sa.CheckConstraint('mentor_id <> learner_id', name='not_self'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey('practical_sessions.id'), unique=True)
    checklist_id: Mapped[int] = mapped_column(sa.ForeignKey('practical_checklists.id'), index=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_users.id'), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_courses.id'), index=True)
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_users.id'), index=True)
    idempotency_key: Mapped[str] = mapped_column(sa.String(64), unique=True)  # a retried submit finds it
    signature_name: Mapped[str] = mapped_column(sa.String(255))
    note: Mapped[str] = mapped_column(sa.Text, default='')
    photo_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    photo_type: Mapped[str | None] = mapped_column(sa.String(40))
    passed: Mapped[bool] = mapped_column()
    flags: Mapped[list] = mapped_column(sa.JSON, default=list)  # for the trainer: same_device, same_ip, burst
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey('practical_signoffs.id'))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seal_hash: Mapped[str | None] = mapped_column(sa.String(64))  # of the sealed content, as in the audit log
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey('accounts_users.id'))
    void_reason: Mapped[str | None] = mapped_column(sa.Text)

    session: Mapped[SignoffSession] = relationship(back_populates='record')
    checklist: Mapped[Checklist] = relationship()
    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    course: Mapped[Course] = relationship()
    corrects: Mapped['Signoff | None'] = relationship(remote_side=[id])
    results: Mapped[list['CriterionResult']] = relationship(back_populates='signoff', cascade='all, delete-orphan',
                                                            order_by='CriterionResult.criterion_id')
    ratings: Mapped[list['OutcomeRating']] = relationship(back_populates='signoff', cascade='all, delete-orphan',
                                                          order_by='OutcomeRating.outcome_id')

    def __repr__(self):
        return f'<Signoff id={self.id} learner={self.learner_id} mentor={self.mentor_id} passed={self.passed}>'


class CriterionResult(db.Model):
    __tablename__ = 'practical_criterion_results'
    __table_args__ = (sa.UniqueConstraint('signoff_id', 'criterion_id', name='uq_practical_criterion_results_pair'),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signoff_id: Mapped[int] = mapped_column(sa.ForeignKey('practical_signoffs.id', ondelete='CASCADE'), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey('practical_criteria.id'))
    met: Mapped[bool] = mapped_column()

    signoff: Mapped[Signoff] = relationship(back_populates='results')
    criterion: Mapped[Criterion] = relationship()

    def __repr__(self):
        return f'<CriterionResult signoff={self.signoff_id} criterion={self.criterion_id} met={self.met}>'


class OutcomeRating(db.Model):
    """The mentor's judgement of one learning outcome on the shared 4-level scale (content.proficiency)."""

    __tablename__ = 'practical_outcome_ratings'
    __table_args__ = (sa.UniqueConstraint('signoff_id', 'outcome_id', name='uq_practical_outcome_ratings_pair'),
                      sa.CheckConstraint('level BETWEEN 1 AND 4', name='level_range'))

    id: Mapped[int] = mapped_column(primary_key=True)
    signoff_id: Mapped[int] = mapped_column(sa.ForeignKey('practical_signoffs.id', ondelete='CASCADE'), index=True)
    outcome_id: Mapped[int] = mapped_column(sa.ForeignKey('content_learning_outcomes.id'))
    level: Mapped[int] = mapped_column()

    signoff: Mapped[Signoff] = relationship(back_populates='ratings')
    outcome: Mapped[LearningOutcome] = relationship()

    @property
    def level_label(self):
        return proficiency.level(self.level).label

    def __repr__(self):
        return f'<OutcomeRating signoff={self.signoff_id} outcome={self.outcome_id} level={self.level}>'


class AuditEntry(db.Model):
    """Append-only, hash-chained: hash = sha256(prev_hash + canonical payload); `flask practical verify-audit`."""

    __tablename__ = 'practical_audit_log'

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    event: Mapped[str] = mapped_column(sa.String(40))
    signoff_id: Mapped[int | None] = mapped_column(sa.ForeignKey('practical_signoffs.id'), index=True)
    payload: Mapped[str] = mapped_column(sa.Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # unique: the chain cannot fork
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    def __repr__(self):
        return f'<AuditEntry id={self.id} {self.event}>'


_VOID_FIELDS = {'voided_at', 'voided_by_id', 'void_reason'}


@sa.event.listens_for(Signoff, 'before_update')
def _sealed_record_is_immutable(mapper, connection, target):
    """Once sealed, only the void annotation may be added; a correction is a new record."""
    state = sa.inspect(target)
    sealed = state.attrs.sealed_at.history
    if not any(value is not None for value in (*sealed.unchanged, *sealed.deleted)):
        return
    changed = {attr.key for attr in mapper.column_attrs if state.attrs[attr.key].history.has_changes()}
    if changed - _VOID_FIELDS:
        raise ValueError(f'sealed sign-off {target.id} cannot change ({", ".join(sorted(changed))})')


@sa.event.listens_for(AuditEntry, 'before_update')
@sa.event.listens_for(AuditEntry, 'before_delete')
def _audit_is_append_only(mapper, connection, target):
    raise ValueError('the practical audit log is append-only')
