"""The installation's questionnaire, learners' answers, their preference profiles, and format events."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_ext.accounts.models import Course, User
from lms_ext.content.models import Step
from lms_ext.core.db import UTCDateTime, db, str_enum
from lms_ext.core.time import utcnow


class ItemKind(enum.Enum):
    preference = 'preference'  # options score the four modalities
    context = 'context'  # options set routing context (slow link, noisy room, ...)


class QuestionnaireItem(db.Model):
    """One question of the installation's questionnaire; editable by trainers and admins.

    `options` is a list of {key, label, modalities: [..]} (preference) or {key, label, context: {..}} (context).
    """

    __tablename__ = 'learning_styles_items'
    __table_args__ = (sa.UniqueConstraint('position', name='uq_learning_styles_items_position'),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    position: Mapped[int] = mapped_column()
    kind: Mapped[ItemKind] = mapped_column(str_enum(ItemKind, 'item_kind'))
    prompt: Mapped[str] = mapped_column(sa.Text)
    multiple: Mapped[bool] = mapped_column(default=True)
    options: Mapped[list] = mapped_column(sa.JSON)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self):
        return f'<QuestionnaireItem {self.key!r} #{self.position}>'


class LearnerProfile(db.Model):
    """A learner's stated preferences: a score per modality (0..1) and routing context. Theirs to see and reset."""

    __tablename__ = 'learning_styles_profiles'

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_users.id', ondelete='CASCADE'), unique=True)
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # item key → [option keys]
    scores: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # modality → 0..1
    context: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # e.g. {'slow_link': true}
    skipped: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    learner: Mapped[User] = relationship()

    def __repr__(self):
        return f'<LearnerProfile learner={self.learner_id} skipped={self.skipped}>'


class FormatEvent(db.Model):
    """One unit shown to a learner in one format: why (routing reason), whether the learner chose it, how long."""

    __tablename__ = 'learning_styles_format_events'
    __table_args__ = (
        sa.CheckConstraint('seconds IS NULL OR seconds >= 0', name='seconds_not_negative'),
        sa.Index('ix_learning_styles_format_events_course_step', 'course_id', 'step_id'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_users.id', ondelete='CASCADE'), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_courses.id', ondelete='CASCADE'))
    step_id: Mapped[int] = mapped_column(sa.ForeignKey('content_steps.id', ondelete='CASCADE'))
    format: Mapped[str] = mapped_column(sa.String(20))
    # profile / default / chosen / previous_choice / low_bandwidth / crossover
    reason: Mapped[str] = mapped_column(sa.String(20))
    chosen: Mapped[bool] = mapped_column(default=False)  # the learner picked this format themselves
    matched: Mapped[bool | None] = mapped_column()  # the format is the profile's best match (None: no profile)
    top_modality: Mapped[str | None] = mapped_column(sa.String(20))
    shown_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seconds: Mapped[int | None] = mapped_column()

    learner: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    step: Mapped[Step] = relationship()

    def __repr__(self):
        return f'<FormatEvent learner={self.learner_id} step={self.step_id} {self.format} {self.reason}>'
