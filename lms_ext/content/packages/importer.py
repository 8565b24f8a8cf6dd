"""Reading a package into a new draft version: everything is checked before anything is written."""

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from marshmallow import ValidationError

from lms_ext.core.errors import InvalidInput
from lms_ext.core.i18n import _

from .. import activities, badge_image, formats, media, services
from ..models import Module, ModuleVersion, VersionState
from .archive import (
    ASSETS_DIR,
    DEFAULT_MAX_FILES,
    DEFAULT_MAX_TOTAL_BYTES,
    MANIFEST,
    READ_ERRORS,
    EntryTooLarge,
    PackageArchive,
    asset_filename,
    check_asset,
    open_archive,
)
from .errors import Findings, PackageInvalid
from .manifest import FORMAT_VERSION, Manifest, PackageInput, parse_manifest, to_payload, variant_references

logger = logging.getLogger(__name__)


@dataclass
class ImportResult:
    version: ModuleVersion
    warnings: list[str] = field(default_factory=list)  # e.g. files in assets/ that module.yaml does not use


@dataclass
class _Plan:
    """What a checked package will create."""

    data: dict  # PackageModuleInput data
    module: Module | None  # None: a new module
    files: list[str]  # the assets/ paths the variants use, in order of first use
    badge_png: bytes | None  # the trainer's own badge image, checked
    variant_lines: dict[tuple[int, int], int]  # (step index, variant index) → line in module.yaml


def import_package(data: bytes | BinaryIO, *, media_dir: Path, max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
                   max_files: int = DEFAULT_MAX_FILES) -> ImportResult:
    """Create a draft version (of a new module, or of the existing module with the package's slug).

    Flushes only: the caller wraps this in `unit_of_work()`, so that any error rolls back every row.
    Files already copied to `media_dir` stay there after a rollback; that is harmless, because the media
    store is content-addressed (the same bytes always land on the same path) and rows, not files, make
    an asset exist.

    :raise PackageInvalid: with every problem found, keyed by file (and line of module.yaml).
    """
    with open_archive(data, max_total_bytes=max_total_bytes, max_files=max_files) as archive:
        findings = Findings()
        plan = _check(archive, findings)
        findings.raise_if_any()
        version = _create(archive, plan, media_dir=media_dir)
    logger.info('Imported %r from a package (%d files)', version, len(plan.files))
    return ImportResult(version, findings.warnings)


def _check(archive: PackageArchive, findings: Findings) -> _Plan | None:
    """Every check, collecting all problems in `findings`; the plan when there are none."""
    manifest = _read_manifest(archive, findings)
    if manifest is None:
        return None
    raw_version = manifest.data.get('format_version')
    if type(raw_version) is not int or raw_version != FORMAT_VERSION:
        manifest.error(findings, ('format_version',), _('This tool reads packages of format_version %(v)d.',
                                                          v=FORMAT_VERSION))
        return None
    try:
        data = PackageInput().load(manifest.data)['module']
    except ValidationError as exc:
        manifest.report(findings, exc.normalized_messages())
        data = None
    files = _check_references(archive, manifest, findings)
    module_data = manifest.data.get('module') if isinstance(manifest.data, dict) else None
    badge_name = module_data.get('badge_image') if isinstance(module_data, dict) else None
    badge_png = _check_badge_image(archive, manifest, badge_name, findings) if isinstance(badge_name, str) else None
    for name in files:
        if name in archive and (problem := check_asset(archive, name)):
            findings.error(name, problem)
    for name in archive.asset_names:
        if name not in files:
            findings.warn(name, _('not used by module.yaml; not imported.'))
    for name in archive.entries:
        if name not in {MANIFEST, badge_name} and not name.startswith(ASSETS_DIR):
            findings.warn(name, _('outside assets/; ignored.'))
    if data is None:
        return None
    _check_activities(manifest, data, findings)
    module = services.get_module_by_slug(data['slug'])
    if module is not None and any(v.state is VersionState.draft for v in module.versions):
        manifest.error(findings, ('module', 'slug'), _('The module %(slug)s already has a draft version; publish '
                                                       'or delete it first.', slug=data['slug']))
    lines = {(i, j): manifest.line_of(('module', 'steps', i, 'variants', j))
             for i, step in enumerate(data['steps']) for j in range(len(step['variants']))}
    return _Plan(data, module, files, badge_png, lines)


def _check_badge_image(archive: PackageArchive, manifest: Manifest, name: str, findings: Findings) -> bytes | None:
    """The badge image module.yaml names, checked as an upload is (a square PNG, 200–1024 px, ≤ 200 KB)."""
    at = ('module', 'badge_image')
    if name not in archive:
        manifest.error(findings, at, _('%(name)s is not in the package.', name=name))
        return None
    try:
        data = archive.read(name)
    except (EntryTooLarge, *READ_ERRORS):
        findings.error(name, _('The file is damaged and cannot be read from the archive.'))
        return None
    try:
        return badge_image.check_png(data, field=name)
    except InvalidInput as exc:
        manifest.error(findings, at, exc.message)
        return None


def _check_activities(manifest: Manifest, data: dict, findings: Findings) -> None:
    """Each step's `activity` data, checked by the hooks its kind registered (content knows no activity)."""
    for i, step in enumerate(data['steps']):
        activity = step.get(activities.PACKAGE_KEY)
        if activity is None:
            continue
        at = ('module', 'steps', i, activities.PACKAGE_KEY)
        hooks = activities.hooks_for(step['kind'])
        if hooks is None:
            manifest.error(findings, at, _('This kind of step carries no activity data.'))
            continue
        for path, message in hooks.check_data(activity, len(data['outcomes'])):
            manifest.error(findings, at + tuple(path), message)


def _read_manifest(archive: PackageArchive, findings: Findings) -> Manifest | None:
    if MANIFEST not in archive:
        nested = [name for name in archive.entries if name.endswith('/' + MANIFEST)]
        hint = _(' (found %(name)s: put module.yaml at the top of the zip, not inside a folder)',
                 name=nested[0]) if nested else ''
        findings.error(MANIFEST, _('The package has no module.yaml.') + hint)
        return None
    try:
        raw = archive.read(MANIFEST)
    except EntryTooLarge:
        findings.error(MANIFEST, _('module.yaml holds more data than the archive declares.'))
        return None
    except READ_ERRORS:
        findings.error(MANIFEST, _('module.yaml is damaged and cannot be read from the archive.'))
        return None
    return parse_manifest(raw, findings)


def _check_references(archive: PackageArchive, manifest: Manifest, findings: Findings) -> list[str]:
    """Check the files the variants name (present, the right kind); the paths, in order of first use.

    Works on the raw YAML data, so that these problems are reported along with any schema errors.
    """
    files: list[str] = []
    module = manifest.data.get('module')
    steps = module.get('steps') if isinstance(module, dict) else None
    for i, step in enumerate(steps if isinstance(steps, list) else []):
        variants = step.get('variants') if isinstance(step, dict) else None
        for j, variant in enumerate(variants if isinstance(variants, list) else []):
            key = variant.get('format') if isinstance(variant, dict) else None
            fmt = next((f for f in formats.FORMATS.values() if f.key.value == key), None)
            if fmt is None:
                continue  # the schema reports the format
            for path, name, kind in variant_references(variant, fmt):
                at = ('module', 'steps', i, 'variants', j, *path)
                if name not in archive:
                    manifest.error(findings, at, _('%(name)s is not in the package.', name=name))
                    continue
                allowed = media.allowed_type(name)
                if allowed is not None and allowed.kind is not kind:
                    manifest.error(findings, at, _('%(name)s is a %(actual)s file; a %(expected)s file is needed '
                                                   'here.', name=name, actual=allowed.kind.value,
                                                   expected=kind.value))
                if name not in files:
                    files.append(name)
    return files


def _create(archive: PackageArchive, plan: _Plan, *, media_dir: Path) -> ModuleVersion:
    data = plan.data
    data.pop('badge_image', None)
    activity_data = [step.pop(activities.PACKAGE_KEY, None) for step in data['steps']]
    if plan.module is None:
        module = services.create_module(data)
        version = module.versions[0]
    else:
        module = plan.module
        version = services.add_draft_version(module, data)
    asset_ids: dict[str, int] = {}
    for name in plan.files:
        try:
            with archive.open(name) as stream:
                asset = media.store_asset(module, asset_filename(name), stream, media_dir=media_dir, field=name)
        except InvalidInput as exc:  # checked already; only a changing archive gets here
            raise PackageInvalid({exc.field: [exc.message]}) from exc
        except (EntryTooLarge, *READ_ERRORS) as exc:
            raise PackageInvalid({name: [_('The file is damaged and cannot be read from the archive.')]}) from exc
        asset_ids[name] = asset.id
    if plan.badge_png is not None:
        services.set_badge_image(version, plan.badge_png)
    for step, activity in zip(version.steps, activity_data, strict=True):
        if activity is not None:
            activities.hooks_for(step.kind).import_data(step, activity)
    for i, (step, step_data) in enumerate(zip(version.steps, data['steps'], strict=True)):
        for j, variant in enumerate(step_data['variants']):
            where = f'{MANIFEST} line {plan.variant_lines[i, j]}'
            payload = to_payload(variant['source'], asset_ids.__getitem__)
            try:
                services.add_variant(step, variant['format'].value, payload, field=where)
            except InvalidInput as exc:
                raise PackageInvalid({exc.field: [exc.message]}) from exc
    return version
