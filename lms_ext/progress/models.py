"""Per-learner progress through a module version in one course, and per step."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_ext.accounts.models import Course, User
from lms_ext.content.models import ModuleVersion, Step
from lms_ext.core.db import UTCDateTime, db, str_enum
from lms_ext.core.time import utcnow


class ProgressState(enum.Enum):
    in_progress = 'in_progress'
    completed = 'completed'


class ModuleProgress(db.Model):
    """A learner's run through one module version in one course (learners finish the version they start)."""

    __tablename__ = 'progress_module_progress'
    __table_args__ = (
        sa.UniqueConstraint('learner_id', 'version_id', 'course_id', name='uq_progress_module_progress_run'),
        sa.CheckConstraint("(state = 'completed') = (completed_at IS NOT NULL)", name='completed_at_matches_state'),
        sa.CheckConstraint('completed_at IS NULL OR completed_at >= started_at', name='completed_after_start'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_users.id', ondelete='CASCADE'), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey('content_module_versions.id'), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_courses.id', ondelete='CASCADE'), index=True)
    state: Mapped[ProgressState] = mapped_column(str_enum(ProgressState, 'progress_state'),
                                                 default=ProgressState.in_progress)
    current_step_id: Mapped[int | None] = mapped_column(sa.ForeignKey('content_steps.id', ondelete='SET NULL'))
    # The format the learner explicitly chose; it becomes their default for the rest of the module.
    preferred_format: Mapped[str | None] = mapped_column(sa.String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    learner: Mapped[User] = relationship()
    version: Mapped[ModuleVersion] = relationship()
    course: Mapped[Course] = relationship()
    current_step: Mapped[Step | None] = relationship()
    steps: Mapped[list['StepProgress']] = relationship(back_populates='module_progress',
                                                       cascade='all, delete-orphan')

    def __repr__(self):
        return f'<ModuleProgress id={self.id} learner={self.learner_id} version={self.version_id} {self.state.value}>'


class StepProgress(db.Model):
    """When a learner first opened and completed one step, and in which content format."""

    __tablename__ = 'progress_step_progress'
    __table_args__ = (
        sa.UniqueConstraint('module_progress_id', 'step_id', name='uq_progress_step_progress_step'),
        sa.CheckConstraint('completed_at IS NULL OR completed_at >= first_viewed_at', name='completed_after_view'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_progress_id: Mapped[int] = mapped_column(
        sa.ForeignKey('progress_module_progress.id', ondelete='CASCADE'), index=True)
    step_id: Mapped[int] = mapped_column(sa.ForeignKey('content_steps.id', ondelete='CASCADE'), index=True)
    first_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The content format the learner used last (video, audio, text, workbook, hands_on).
    last_format: Mapped[str | None] = mapped_column(sa.String(20))

    module_progress: Mapped[ModuleProgress] = relationship(back_populates='steps')
    step: Mapped[Step] = relationship()

    def __repr__(self):
        return f'<StepProgress progress={self.module_progress_id} step={self.step_id}>'
