"""Use cases for modules: create, publish, and the queries views need."""

import functools
import logging
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms_ext.core.db import db
from lms_ext.core.errors import Conflict, InvalidInput, NotFound
from lms_ext.core.i18n import _
from lms_ext.core.time import utcnow

from . import activities, badge_image, formats, media
from .models import ContentVariant, LearningOutcome, Module, ModuleVersion, Participation, Step, StepKind, VersionState

logger = logging.getLogger(__name__)


def create_module(data: dict) -> Module:
    """Create a module with a first draft version from validated `ModuleInput` data."""
    if db.session.scalar(sa.select(Module.id).where(Module.slug == data['slug'])):
        raise Conflict(_('A module with the address "%(slug)s" already exists.', slug=data['slug']))
    module = Module(slug=data['slug'])
    db.session.add(module)
    version = _new_version(module, 1, data)
    logger.info('Module %r created with %r', module, version)
    return module


def add_draft_version(module: Module, data: dict) -> ModuleVersion:
    """A new draft version of an existing module from validated `ModuleInput` data (e.g. an import)."""
    if any(v.state is VersionState.draft for v in module.versions):
        raise Conflict(_('This module already has a draft version; publish or delete it first.'))
    number = max((v.number for v in module.versions), default=0) + 1
    return _new_version(module, number, data)


def _new_version(module: Module, number: int, data: dict) -> ModuleVersion:
    fields = {k: v for k, v in data.items() if k not in {'slug', 'outcomes', 'steps'}}
    version = ModuleVersion(module=module, number=number, **fields)
    version.outcomes = [LearningOutcome(position=i, **o) for i, o in enumerate(data['outcomes'], start=1)]
    version.steps = [Step(position=i, **{k: v for k, v in s.items() if k != 'variants'})
                     for i, s in enumerate(data['steps'], start=1)]
    db.session.add(version)
    db.session.flush()
    return version


def add_variant(step: Step, format_key: str, payload: dict, *, field: str = 'payload') -> ContentVariant:
    """Add one format of a unit; the payload is validated by its format and its assets must fit."""
    if step.kind is not StepKind.unit:
        raise InvalidInput(field, _('Only units have content formats.'))
    fmt = formats.get_format(format_key)
    data = fmt.load(payload)
    if any(v.format is fmt.key for v in step.variants):
        raise Conflict(_('This unit already has a %(format)s variant.', format=fmt.label))
    found = media.assets_by_id({asset_id for asset_id, _kind in fmt.asset_ids(data)})
    for asset_id, kind in fmt.asset_ids(data):
        asset = found.get(asset_id)
        if asset is None or asset.module_id != step.version.module_id:
            raise InvalidInput(field, _('File %(id)s does not belong to this module.', id=asset_id))
        if asset.kind is not kind:
            raise InvalidInput(field, _('%(name)s is a %(actual)s file; a %(expected)s file is needed here.',
                                        name=asset.filename, actual=asset.kind.value, expected=kind.value))
    variant = ContentVariant(step=step, format=fmt.key, payload=data,
                             position=max((v.position for v in step.variants), default=0) + 1)
    db.session.add(variant)
    db.session.flush()
    return variant


def publish_version(version: ModuleVersion) -> ModuleVersion:
    """Publish a draft; the previously published version of the module is archived."""
    if version.state is not VersionState.draft:
        raise Conflict(_('Only a draft version can be published.'))
    for other in version.module.versions:
        if other.state is VersionState.published:
            other.state = VersionState.archived
    version.state = VersionState.published
    version.published_at = utcnow()
    db.session.flush()
    logger.info('Published %r', version)
    return version


def get_module_by_slug(slug: str) -> Module | None:
    return db.session.scalar(sa.select(Module).where(Module.slug == slug))


def published_version_or_404(slug: str) -> ModuleVersion:
    version = db.session.scalar(
        sa.select(ModuleVersion).join(Module).where(Module.slug == slug,
                                                    ModuleVersion.state == VersionState.published)
        .options(selectinload(ModuleVersion.outcomes), selectinload(ModuleVersion.steps)))
    if version is None:
        raise NotFound(_('There is no published module at this address.'))
    return version


@dataclass(frozen=True)
class VersionCard:
    """What an activity's landing page shows of a published version (published versions never change)."""

    id: int
    title: str
    summary: str
    eqf_level: int
    workload_hours: Decimal
    ects: Decimal | None
    language: str
    participation: Participation
    outcomes: tuple[SimpleNamespace, ...]  # .text
    steps: tuple[SimpleNamespace, ...]  # .title, .summary


def published_version_columns(module_id) -> tuple[sa.Label, sa.Label]:
    """The id and publication time of the module's current published version, as two scalar subqueries on
    `module_id` (a column of the enclosing statement, or a bind parameter): a page that also needs other rows
    reads them in the same statement, then asks `card_of` for the rest."""
    latest = (sa.select(ModuleVersion.id)
              .where(ModuleVersion.module_id == module_id, ModuleVersion.state == VersionState.published)
              .order_by(ModuleVersion.number.desc()).limit(1))
    return (latest.scalar_subquery().label('version_id'),
            latest.with_only_columns(ModuleVersion.published_at).scalar_subquery().label('published_at'))


# Built once with a bind parameter: SQLAlchemy keeps a prebuilt statement's cache key.
_PUBLISHED_VERSION = sa.select(*published_version_columns(sa.bindparam('module_id')))


def published_card(module_id: int) -> VersionCard | None:
    """The module's current published version for its landing page: one small query, the rest kept per process
    (see `card_of`)."""
    row = db.session.execute(_PUBLISHED_VERSION, {'module_id': module_id}).one()
    return card_of(row.version_id, row.published_at)


def card_of(version_id: int | None, published_at) -> VersionCard | None:
    """The card of a published version (read with `published_version_columns`), kept per process: a published
    version is immutable, and the key includes its publication time, so it is unique."""
    return None if version_id is None else _card(version_id, published_at)


@functools.lru_cache(maxsize=256)
def _card(version_id: int, published_at) -> VersionCard:
    version = db.session.get(ModuleVersion, version_id,
                             options=[selectinload(ModuleVersion.outcomes), selectinload(ModuleVersion.steps)])
    return VersionCard(
        id=version.id, title=version.title, summary=version.summary, eqf_level=version.eqf_level,
        workload_hours=version.workload_hours, ects=version.ects, language=version.language,
        participation=version.participation,
        outcomes=tuple(SimpleNamespace(text=o.text) for o in version.outcomes),
        steps=tuple(SimpleNamespace(title=s.title, summary=s.summary) for s in version.steps))


def published_versions() -> list[ModuleVersion]:
    """The current published version of every module, by title (the catalogue)."""
    return list(db.session.scalars(
        sa.select(ModuleVersion).where(ModuleVersion.state == VersionState.published)
        .options(selectinload(ModuleVersion.module), selectinload(ModuleVersion.outcomes),
                 selectinload(ModuleVersion.steps))
        .order_by(ModuleVersion.title)))


# --------------------------------------------------------------------------- authoring (drafts only)

VERSION_FIELDS = ('title', 'summary', 'language', 'eqf_level', 'workload_hours', 'ects', 'prerequisites',
                  'participation', 'assessment_type', 'quality_assurance')


def _require_draft(version: ModuleVersion) -> None:
    """Published versions never change (learners and badges point at them); edit a new draft instead."""
    if version.state is not VersionState.draft:
        raise Conflict(_('Published versions cannot be changed. Create a new draft to edit the module.'))


def update_version(version: ModuleVersion, data: dict) -> ModuleVersion:
    """Change a draft's description and learning outcomes from validated `VersionInput` data.

    When the outcomes of `data` carry an `id` key (the authoring form sends one per row, None for a new
    row), they are matched by id: an outcome with an id keeps its row, so the quiz questions, checklist
    criteria and self-assessment statements linked to it stay linked whatever its new place; a row
    without one is a new outcome; an outcome of the draft that `data` leaves out (the form's emptied
    text) is deleted, its question and criterion links and statements with it (ON DELETE CASCADE;
    learners' and mentors' ratings only exist for published versions). Positions become 1..n in the
    order of `data`. An id that is not one of this draft's outcomes is refused.

    Without ids (older callers), outcomes are matched by position: the outcome at position n keeps its
    row and takes the n-th outcome of `data`; further ones are added, and those beyond its length deleted.
    """
    _require_draft(version)
    for name in VERSION_FIELDS:
        setattr(version, name, data[name])
    wanted = data['outcomes']
    if any('id' in row for row in wanted):
        _update_outcomes_by_id(version, wanted)
    else:
        _update_outcomes_by_position(version, wanted)
    db.session.flush()
    return version


def set_badge_image(version: ModuleVersion, data: bytes) -> ModuleVersion:
    """The draft's own badge image (checked: a square PNG, 200–1024 px, at most 200 KB). Badges are
    awarded for published versions only, and a badge class keeps the image it was created with."""
    _require_draft(version)
    version.badge_image_png = badge_image.check_png(data)
    db.session.flush()
    logger.info('%r: badge image uploaded (%d bytes)', version, len(data))
    return version


def clear_badge_image(version: ModuleVersion) -> ModuleVersion:
    """Back to the generated badge image."""
    _require_draft(version)
    version.badge_image_png = None
    db.session.flush()
    logger.info('%r: badge image removed', version)
    return version


def _update_outcomes_by_position(version: ModuleVersion, wanted: list[dict]) -> None:
    current = sorted(version.outcomes, key=lambda o: o.position)
    for outcome, fields in zip(current, wanted, strict=False):  # the lengths differ when outcomes come or go
        for name, value in fields.items():
            setattr(outcome, name, value)
    for outcome in current[len(wanted):]:
        version.outcomes.remove(outcome)  # delete-orphan
    version.outcomes.extend(LearningOutcome(position=i, **o)
                            for i, o in enumerate(wanted[len(current):], start=len(current) + 1))


def _update_outcomes_by_id(version: ModuleVersion, wanted: list[dict]) -> None:
    current = {o.id: o for o in version.outcomes}
    ids = [row['id'] for row in wanted if row.get('id') is not None]
    if unknown := sorted(set(ids) - set(current)):
        raise InvalidInput('outcomes', _('Outcome %(id)s is not a learning outcome of this draft.',
                                         id=unknown[0]))
    if len(ids) != len(set(ids)):
        raise InvalidInput('outcomes', _('Each learning outcome can be given only once.'))
    for outcome in [o for o in version.outcomes if o.id not in set(ids)]:
        version.outcomes.remove(outcome)  # delete-orphan; its links go with it
    db.session.flush()
    position = max((o.position for o in version.outcomes), default=0)
    order = []
    for row in wanted:
        fields = {name: value for name, value in row.items() if name != 'id'}
        if row.get('id') is None:
            position += 1  # out of the way of the kept ones until renumbered
            outcome = LearningOutcome(position=position, **fields)
            version.outcomes.append(outcome)
        else:
            outcome = current[row['id']]
            for name, value in fields.items():
                setattr(outcome, name, value)
        order.append(outcome)
    db.session.flush()
    _renumber(version.outcomes, order)


def add_step(version: ModuleVersion, data: dict) -> Step:
    _require_draft(version)
    step = Step(version=version, position=max((s.position for s in version.steps), default=0) + 1, **data)
    db.session.add(step)
    db.session.flush()
    return step


def update_step(step: Step, data: dict) -> Step:
    _require_draft(step.version)
    for name, value in data.items():
        setattr(step, name, value)
    db.session.flush()
    return step


def delete_step(step: Step) -> None:
    version = step.version
    _require_draft(version)
    version.steps.remove(step)
    db.session.flush()
    _renumber(version.steps)


def _renumber(items: list, order: list | None = None) -> None:
    """Give `items` positions 1..n in `order` (default: current order) without violating unique positions."""
    order = order or sorted(items, key=lambda i: i.position)
    for offset, item in enumerate(order, start=1):
        item.position = -offset  # first out of the way of the unique constraint...
    db.session.flush()
    for item in order:
        item.position = -item.position  # ...then into place
    db.session.flush()
    items.sort(key=lambda i: i.position)  # loaded collections keep their load order; keep them in step


def reorder_steps(version: ModuleVersion, step_ids: list[int]) -> None:
    """Put the draft's steps in the given order (every step exactly once)."""
    _require_draft(version)
    by_id = {s.id: s for s in version.steps}
    if sorted(step_ids) != sorted(by_id):
        raise InvalidInput('order', _('The new order must list every step exactly once.'))
    _renumber(version.steps, [by_id[i] for i in step_ids])


def move_step(step: Step, direction: int) -> None:
    """One place up (-1) or down (+1): the no-JavaScript way to reorder."""
    steps = sorted(step.version.steps, key=lambda s: s.position)
    index = steps.index(step)
    target = index + direction
    if 0 <= target < len(steps):
        steps[index], steps[target] = steps[target], steps[index]
        reorder_steps(step.version, [s.id for s in steps])


def update_variant(variant: ContentVariant, payload: dict) -> ContentVariant:
    _require_draft(variant.step.version)
    step, format_key = variant.step, variant.format.value
    position = variant.position
    step.variants.remove(variant)
    db.session.flush()
    new = add_variant(step, format_key, payload)
    new.position = position
    db.session.flush()
    return new


def delete_variant(variant: ContentVariant) -> None:
    step = variant.step
    _require_draft(step.version)
    step.variants.remove(variant)
    db.session.flush()
    _renumber(step.variants)


def move_variant(variant: ContentVariant, direction: int) -> None:
    """Change the trainer's default order of formats for a unit."""
    step = variant.step
    _require_draft(step.version)
    variants = sorted(step.variants, key=lambda v: v.position)
    index = variants.index(variant)
    target = index + direction
    if 0 <= target < len(variants):
        variants[index], variants[target] = variants[target], variants[index]
        _renumber(step.variants, variants)


def new_draft_from(version: ModuleVersion) -> ModuleVersion:
    """A draft copy of a version (outcomes, steps, variants) to edit; the original stays as it is."""
    module = version.module
    if any(v.state is VersionState.draft for v in module.versions):
        raise Conflict(_('This module already has a draft version; edit that one.'))
    data = {name: getattr(version, name) for name in VERSION_FIELDS}
    with db.session.no_autoflush:  # the copy is complete before anything is written
        draft = _copy_of(version, module, data)
    db.session.add(draft)
    db.session.flush()
    for source, copy in zip(version.steps, draft.steps, strict=True):
        if (hooks := activities.hooks_for(source.kind)) is not None:
            hooks.copy(source, copy)
    logger.info('Draft %r created from %r', draft, version)
    return draft


def _copy_of(version: ModuleVersion, module: Module, data: dict) -> ModuleVersion:
    draft = ModuleVersion(module=module, number=max(v.number for v in module.versions) + 1,
                          badge_image_png=version.badge_image_png, **data)
    draft.outcomes = [LearningOutcome(position=o.position, kind=o.kind, text=o.text, framework_name=o.framework_name,
                                      framework_code=o.framework_code, framework_url=o.framework_url)
                      for o in version.outcomes]
    for step in version.steps:
        copy = Step(position=step.position, kind=step.kind, title=step.title, summary=step.summary,
                    required=step.required, estimated_minutes=step.estimated_minutes)
        copy.variants = [ContentVariant(format=v.format, position=v.position, payload=dict(v.payload))
                         for v in step.variants]
        draft.steps.append(copy)
    return draft


def delete_draft(version: ModuleVersion) -> None:
    _require_draft(version)
    module = version.module
    module.versions.remove(version)
    if not module.versions:
        db.session.delete(module)
    db.session.flush()


def modules_for_authoring() -> list[Module]:
    return list(db.session.scalars(sa.select(Module).options(selectinload(Module.versions)).order_by(Module.slug)))


def get_version(version_id: int) -> ModuleVersion | None:
    return db.session.get(ModuleVersion, version_id)


def get_step(step_id: int) -> Step | None:
    return db.session.get(Step, step_id)


def get_variant(variant_id: int) -> ContentVariant | None:
    return db.session.get(ContentVariant, variant_id)
