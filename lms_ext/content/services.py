"""Use cases for modules: create, publish, and the queries views need."""

import logging

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms_ext.core.db import db
from lms_ext.core.errors import Conflict, NotFound
from lms_ext.core.i18n import _
from lms_ext.core.time import utcnow

from .models import LearningOutcome, Module, ModuleVersion, Step, VersionState

logger = logging.getLogger(__name__)


def create_module(data: dict) -> Module:
    """Create a module with a first draft version from validated `ModuleInput` data."""
    if db.session.scalar(sa.select(Module.id).where(Module.slug == data['slug'])):
        raise Conflict(_('A module with the address "%(slug)s" already exists.', slug=data['slug']))
    module = Module(slug=data['slug'])
    fields = {k: v for k, v in data.items() if k not in {'slug', 'outcomes', 'steps'}}
    version = ModuleVersion(module=module, number=1, **fields)
    version.outcomes = [LearningOutcome(position=i, **o) for i, o in enumerate(data['outcomes'], start=1)]
    version.steps = [Step(position=i, **s) for i, s in enumerate(data['steps'], start=1)]
    db.session.add(module)
    db.session.flush()
    logger.info('Module %r created with %r', module, version)
    return module


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
