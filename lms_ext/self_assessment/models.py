"""Tables of the self_assessment package: statement wording per outcome, one response per learner and stage,
and one rating per outcome of a response.

A stage is a self_assessment Step of a module version; every stage rates the same outcomes, on the shared
4-level scale of lms_ext.content.proficiency.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_ext.accounts.models import Course, User
from lms_ext.content.models import LearningOutcome, Step
from lms_ext.core.db import UTCDateTime, db
from lms_ext.core.time import utcnow

LEVEL_RANGE = 'BETWEEN 1 AND 4'  # lms_ext.content.proficiency MIN_LEVEL..MAX_LEVEL


class Statement(db.Model):
    """The trainer's wording of an outcome as a statement a learner rates ("I can …"); absent: the default."""

    __tablename__ = 'self_assessment_statements'
    __table_args__ = (sa.CheckConstraint("text <> ''", name='text_not_empty'),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(
        sa.ForeignKey('content_learning_outcomes.id', ondelete='CASCADE'), unique=True)
    text: Mapped[str] = mapped_column(sa.Text)

    outcome: Mapped[LearningOutcome] = relationship()

    def __repr__(self):
        return f'<Statement id={self.id} outcome={self.outcome_id}>'


class StageResponse(db.Model):
    """A learner's answers at one stage; exactly one per (learner, course, stage), revised in place."""

    __tablename__ = 'self_assessment_responses'
    __table_args__ = (
        sa.UniqueConstraint('learner_id', 'course_id', 'step_id', name='uq_self_assessment_responses_stage'),
        sa.CheckConstraint('updated_at >= submitted_at', name='updated_after_submitted'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_users.id', ondelete='CASCADE'), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_courses.id', ondelete='CASCADE'), index=True)
    step_id: Mapped[int] = mapped_column(sa.ForeignKey('content_steps.id', ondelete='CASCADE'), index=True)
    reflection: Mapped[str] = mapped_column(sa.Text, default='')
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    learner: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    step: Mapped[Step] = relationship()
    ratings: Mapped[list['Rating']] = relationship(back_populates='response', cascade='all, delete-orphan')

    def __repr__(self):
        return f'<StageResponse id={self.id} learner={self.learner_id} step={self.step_id}>'


class Rating(db.Model):
    """One outcome rated at one stage; `retrospective_level` ("where I now think I started") only at the last."""

    __tablename__ = 'self_assessment_ratings'
    __table_args__ = (
        sa.UniqueConstraint('response_id', 'outcome_id', name='uq_self_assessment_ratings_outcome'),
        sa.CheckConstraint(f'level {LEVEL_RANGE}', name='level_range'),
        sa.CheckConstraint(f'retrospective_level IS NULL OR retrospective_level {LEVEL_RANGE}',
                           name='retrospective_level_range'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey('self_assessment_responses.id', ondelete='CASCADE'), index=True)
    outcome_id: Mapped[int] = mapped_column(
        sa.ForeignKey('content_learning_outcomes.id', ondelete='CASCADE'), index=True)
    level: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(sa.Text, default='')
    retrospective_level: Mapped[int | None] = mapped_column()

    response: Mapped[StageResponse] = relationship(back_populates='ratings')
    outcome: Mapped[LearningOutcome] = relationship()

    def __repr__(self):
        return f'<Rating response={self.response_id} outcome={self.outcome_id} level={self.level}>'
