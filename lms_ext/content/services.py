"""Use cases for modules: create, publish, and the queries views need."""

import logging

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms_ext.core.db import db
from lms_ext.core.errors import Conflict, InvalidInput, NotFound
from lms_ext.core.i18n import _
from lms_ext.core.time import utcnow

from . import formats, media
from .models import ContentVariant, LearningOutcome, Module, ModuleVersion, Step, StepKind, VersionState

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


def published_versions() -> list[ModuleVersion]:
    """The current published version of every module, by title (the catalogue)."""
    return list(db.session.scalars(
        sa.select(ModuleVersion).where(ModuleVersion.state == VersionState.published)
        .options(selectinload(ModuleVersion.module), selectinload(ModuleVersion.outcomes),
                 selectinload(ModuleVersion.steps))
        .order_by(ModuleVersion.title)))
