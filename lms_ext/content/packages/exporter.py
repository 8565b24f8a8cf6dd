"""Writing a module version as a package: module.yaml plus every file its variants use."""

import io
import logging
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import yaml

from lms_ext.core.errors import NotFound
from lms_ext.core.i18n import _

from .. import activities, formats, media
from ..models import AssetKind, MediaAsset, ModuleVersion
from .archive import ASSETS_DIR, MANIFEST, MB
from .manifest import FORMAT_VERSION, from_payload

logger = logging.getLogger(__name__)

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same version exports to the same bytes
BADGE_IMAGE = 'badge.png'  # the trainer's own badge image, when the version has one
_UNSAFE_CHARS = re.compile(r'[^\w.-]+')
_TEXT_KINDS = {AssetKind.captions}  # deflated; media files are compressed already and are stored as they are
# Variant keys in the order a person reads them; the rest follow in payload order, duration last.
_FIRST_KEYS = ('file', 'url', 'poster', 'captions')
_LAST_KEYS = ('duration_seconds',)


def export_package(version: ModuleVersion, *, media_dir: Path) -> bytes:
    """The package (zip) of one module version; see `write_package`."""
    buffer = io.BytesIO()
    write_package(version, buffer, media_dir=media_dir)
    return buffer.getvalue()


def write_package(version: ModuleVersion, stream: BinaryIO, *, media_dir: Path) -> None:
    """Write `module.yaml` and `assets/<filename>` for every file the version's variants use to `stream`.

    :raise NotFound: a file of the version is missing from the media store.
    """
    assets = _assets_of(version)
    names = _unique_names(assets)
    manifest = yaml.dump(_manifest(version, names), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                         width=120, default_flow_style=False)
    with zipfile.ZipFile(stream, 'w') as zf:
        zf.writestr(_entry(MANIFEST, zipfile.ZIP_DEFLATED), manifest.encode('utf-8'))
        if version.badge_image_png:
            zf.writestr(_entry(BADGE_IMAGE, zipfile.ZIP_STORED), version.badge_image_png)
        for asset in assets:
            path = media.asset_path(asset, media_dir)
            if not path.is_file():
                raise NotFound(_('The file %(name)s is missing from the media store.', name=asset.filename))
            compression = zipfile.ZIP_DEFLATED if asset.kind in _TEXT_KINDS else zipfile.ZIP_STORED
            with path.open('rb') as source, zf.open(_entry(names[asset.id], compression), 'w') as target:
                shutil.copyfileobj(source, target, MB)
    logger.info('Exported %r with %d files', version, len(assets))


def _entry(name: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, _FIXED_TIME)
    info.compress_type = compression
    info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
    return info


def _assets_of(version: ModuleVersion) -> list[MediaAsset]:
    """The version's files, in the order the variants first use them."""
    ids: list[int] = []
    for step in version.steps:
        for variant in step.variants:
            fmt = formats.get_format(variant.format)
            ids += [asset_id for asset_id, _kind in fmt.asset_ids(variant.payload) if asset_id not in ids]
    found = media.assets_by_id(set(ids))
    missing = [asset_id for asset_id in ids if asset_id not in found]
    if missing:
        raise NotFound(_('File %(id)s used by this version does not exist.', id=missing[0]))
    return [found[asset_id] for asset_id in ids]


def _unique_names(assets: list[MediaAsset]) -> dict[int, str]:
    """asset id → `assets/<filename>`; names made safe, and unique (ignoring case) with a -2, -3… suffix."""
    names: dict[int, str] = {}
    used: set[str] = set()
    for asset in assets:
        original = PurePosixPath(asset.filename)
        suffix = _UNSAFE_CHARS.sub('', original.suffix)
        stem = _UNSAFE_CHARS.sub('_', original.stem).strip('._') or f'asset-{asset.id}'
        candidate, number = f'{stem}{suffix}', 2
        while candidate.lower() in used:
            candidate, number = f'{stem}-{number}{suffix}', number + 1
        used.add(candidate.lower())
        names[asset.id] = ASSETS_DIR + candidate
    return names


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _manifest(version: ModuleVersion, names: dict[int, str]) -> dict:
    module = {
        'slug': version.module.slug,
        'title': version.title,
        'summary': version.summary,
        'language': version.language,
        'eqf_level': version.eqf_level,
        'workload_hours': _number(version.workload_hours),
        'ects': _number(version.ects),
        'prerequisites': version.prerequisites,
        'participation': version.participation.value,
        'assessment_type': version.assessment_type,
        'quality_assurance': version.quality_assurance,
        'outcomes': [_outcome(outcome) for outcome in version.outcomes],
        'steps': [_step(step, names) for step in version.steps],
    }
    if version.badge_image_png:
        module['badge_image'] = BADGE_IMAGE
    return {'format_version': FORMAT_VERSION, 'module': module}


def _outcome(outcome) -> dict:
    data = {'kind': outcome.kind.value, 'text': outcome.text}
    for key in ('framework_name', 'framework_code', 'framework_url'):
        if getattr(outcome, key):
            data[key] = getattr(outcome, key)
    return data


def _step(step, names: dict[int, str]) -> dict:
    data = {'kind': step.kind.value, 'title': step.title, 'summary': step.summary, 'required': step.required}
    if step.estimated_minutes is not None:
        data['estimated_minutes'] = step.estimated_minutes
    if step.variants:
        data['variants'] = [_variant(variant, names) for variant in step.variants]
    hooks = activities.hooks_for(step.kind)
    if hooks is not None and (activity := hooks.export_data(step)) is not None:
        data[activities.PACKAGE_KEY] = activity
    return data


def _variant(variant, names: dict[int, str]) -> dict:
    source = from_payload(variant.payload, names.__getitem__)
    first = [key for key in _FIRST_KEYS if key in source]
    last = [key for key in _LAST_KEYS if key in source]
    middle = [key for key in source if key not in first and key not in last]
    return {'format': variant.format.value, **{key: source[key] for key in first + middle + last}}


class _Dumper(yaml.SafeDumper):
    """The safe dumper, writing multi-line text in block style (|) so that transcripts stay readable."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar('tag:yaml.org,2002:str', value, style='|' if '\n' in value else None)


_Dumper.add_representer(str, _represent_str)
