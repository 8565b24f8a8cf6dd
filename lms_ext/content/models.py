"""Modules, their immutable published versions, learning outcomes and steps.

A `Module` is the stable identity (its slug); what learners take is a `ModuleVersion`.
A published version that any learner has started never changes: editing creates a new
draft version, and badges point at the exact version.
"""

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_ext.core.db import UTCDateTime, db, str_enum
from lms_ext.core.time import utcnow


class VersionState(enum.Enum):
    draft = 'draft'
    published = 'published'
    archived = 'archived'


class OutcomeKind(enum.Enum):
    """The three EQF descriptor domains."""

    knowledge = 'knowledge'
    skills = 'skills'
    responsibility = 'responsibility'  # responsibility and autonomy


class Participation(enum.Enum):
    online = 'online'
    hybrid = 'hybrid'
    in_person = 'in_person'


class StepKind(enum.Enum):
    """What sits at a position in a module: a content unit or an activity between units."""

    unit = 'unit'
    quiz = 'quiz'
    self_assessment = 'self_assessment'
    practical = 'practical'


class Module(db.Model):
    __tablename__ = 'content_modules'

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list['ModuleVersion']] = relationship(
        back_populates='module', order_by='ModuleVersion.number', cascade='all, delete-orphan')

    @property
    def published_version(self) -> 'ModuleVersion | None':
        published = [v for v in self.versions if v.state is VersionState.published]
        return published[-1] if published else None

    def __repr__(self):
        return f'<Module id={self.id} {self.slug!r}>'


class ModuleVersion(db.Model):
    """One version of a module, carrying the EU micro-credential standard elements."""

    __tablename__ = 'content_module_versions'
    __table_args__ = (
        sa.UniqueConstraint('module_id', 'number', name='uq_content_module_versions_number'),
        sa.CheckConstraint('number >= 1', name='number_positive'),
        sa.CheckConstraint('eqf_level BETWEEN 1 AND 8', name='eqf_level_range'),
        sa.CheckConstraint('workload_hours > 0', name='workload_positive'),
        sa.CheckConstraint('ects IS NULL OR ects >= 0', name='ects_not_negative'),
        sa.CheckConstraint("(state = 'draft') = (published_at IS NULL)", name='published_at_matches_state'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey('content_modules.id', ondelete='CASCADE'), index=True)
    number: Mapped[int] = mapped_column()
    state: Mapped[VersionState] = mapped_column(str_enum(VersionState, 'version_state'),
                                                default=VersionState.draft)
    title: Mapped[str] = mapped_column(sa.String(255))
    summary: Mapped[str] = mapped_column(sa.Text, default='')
    language: Mapped[str] = mapped_column(sa.String(35), default='en')
    eqf_level: Mapped[int] = mapped_column()
    workload_hours: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))
    ects: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    prerequisites: Mapped[str] = mapped_column(sa.Text, default='')
    participation: Mapped[Participation] = mapped_column(str_enum(Participation, 'participation'),
                                                         default=Participation.hybrid)
    assessment_type: Mapped[str] = mapped_column(sa.Text, default='')
    quality_assurance: Mapped[str] = mapped_column(sa.Text, default='')
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The trainer's own badge image (a checked PNG, see badge_image.py); None: the generated default.
    # Deferred: only the badges and the authoring page's image route read the bytes.
    badge_image_png: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)

    module: Mapped[Module] = relationship(back_populates='versions')
    outcomes: Mapped[list['LearningOutcome']] = relationship(
        back_populates='version', order_by='LearningOutcome.position', cascade='all, delete-orphan')
    steps: Mapped[list['Step']] = relationship(
        back_populates='version', order_by='Step.position', cascade='all, delete-orphan')

    @property
    def units(self) -> list['Step']:
        return [s for s in self.steps if s.kind is StepKind.unit]

    def __repr__(self):
        return f'<ModuleVersion id={self.id} module={self.module_id} v{self.number} {self.state.value}>'


class LearningOutcome(db.Model):
    __tablename__ = 'content_learning_outcomes'
    __table_args__ = (sa.UniqueConstraint('version_id', 'position', name='uq_content_learning_outcomes_position'),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey('content_module_versions.id', ondelete='CASCADE'), index=True)
    position: Mapped[int] = mapped_column()
    kind: Mapped[OutcomeKind] = mapped_column(str_enum(OutcomeKind, 'outcome_kind'))
    text: Mapped[str] = mapped_column(sa.Text)
    # Optional alignment, e.g. an ESCO skill or a national qualification unit.
    framework_name: Mapped[str] = mapped_column(sa.String(255), default='')
    framework_code: Mapped[str] = mapped_column(sa.String(255), default='')
    framework_url: Mapped[str] = mapped_column(sa.String(2048), default='')

    version: Mapped[ModuleVersion] = relationship(back_populates='outcomes')

    def __repr__(self):
        return f'<LearningOutcome id={self.id} version={self.version_id} #{self.position}>'


class Step(db.Model):
    """A position in a module: a content unit, or the slot of an activity between units.

    Activity packages (quizzes, self_assessment, practical) point their own rows at a step of
    their kind; the step only fixes the order and whether it is required.
    """

    __tablename__ = 'content_steps'
    __table_args__ = (
        sa.UniqueConstraint('version_id', 'position', name='uq_content_steps_position'),
        sa.CheckConstraint('estimated_minutes IS NULL OR estimated_minutes > 0', name='minutes_positive'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey('content_module_versions.id', ondelete='CASCADE'), index=True)
    position: Mapped[int] = mapped_column()
    kind: Mapped[StepKind] = mapped_column(str_enum(StepKind, 'step_kind'), default=StepKind.unit)
    title: Mapped[str] = mapped_column(sa.String(255))
    summary: Mapped[str] = mapped_column(sa.Text, default='')
    required: Mapped[bool] = mapped_column(default=True)
    estimated_minutes: Mapped[int | None] = mapped_column()

    version: Mapped[ModuleVersion] = relationship(back_populates='steps')
    variants: Mapped[list['ContentVariant']] = relationship(
        back_populates='step', order_by='ContentVariant.position', cascade='all, delete-orphan')

    def __repr__(self):
        return f'<Step id={self.id} version={self.version_id} #{self.position} {self.kind.value}>'


class ContentFormat(enum.Enum):
    video = 'video'
    audio = 'audio'
    text = 'text'
    workbook = 'workbook'
    hands_on = 'hands_on'


class AssetKind(enum.Enum):
    video = 'video'
    audio = 'audio'
    image = 'image'
    captions = 'captions'
    document = 'document'


class MediaAsset(db.Model):
    """An uploaded file of a module (video, audio, poster, captions, workbook), stored by its sha256.

    Files are immutable: a changed file is a new asset. Assets belong to the module, so versions share them.
    """

    __tablename__ = 'content_media_assets'
    __table_args__ = (
        sa.UniqueConstraint('module_id', 'sha256', name='uq_content_media_assets_module_sha'),
        sa.CheckConstraint('size_bytes >= 0', name='size_not_negative'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey('content_modules.id', ondelete='CASCADE'), index=True)
    kind: Mapped[AssetKind] = mapped_column(str_enum(AssetKind, 'asset_kind'))
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    module: Mapped[Module] = relationship()

    def __repr__(self):
        return f'<MediaAsset id={self.id} {self.filename!r} {self.kind.value}>'


class ContentVariant(db.Model):
    """One unit's content in one format; `payload` is checked by the format's schema (content.formats)."""

    __tablename__ = 'content_variants'
    __table_args__ = (
        sa.UniqueConstraint('step_id', 'format', name='uq_content_variants_step_format'),
        sa.UniqueConstraint('step_id', 'position', name='uq_content_variants_step_position'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(sa.ForeignKey('content_steps.id', ondelete='CASCADE'), index=True)
    format: Mapped[ContentFormat] = mapped_column(str_enum(ContentFormat, 'content_format'))
    position: Mapped[int] = mapped_column()  # the trainer's default order of formats
    payload: Mapped[dict] = mapped_column(sa.JSON)

    step: Mapped[Step] = relationship(back_populates='variants')

    def __repr__(self):
        return f'<ContentVariant id={self.id} step={self.step_id} {self.format.value}>'
