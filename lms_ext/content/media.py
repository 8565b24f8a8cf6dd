"""Media files: type and size checks, content-addressed storage under MEDIA_DIR, lookup for serving."""

import hashlib
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa

from lms_ext.core.db import db
from lms_ext.core.errors import InvalidInput
from lms_ext.core.i18n import _

from .models import AssetKind, MediaAsset, Module

logger = logging.getLogger(__name__)
MB = 1024 * 1024


@dataclass(frozen=True)
class AllowedType:
    content_type: str
    kind: AssetKind
    magic: tuple[tuple[int, bytes], ...]  # (offset, bytes) signatures; any one must match
    max_bytes: int


# By file extension; the file's first bytes must match too, so a renamed file is refused.
ALLOWED: dict[str, AllowedType] = {
    '.webm': AllowedType('video/webm', AssetKind.video, ((0, b'\x1a\x45\xdf\xa3'),), 200 * MB),
    '.mp4': AllowedType('video/mp4', AssetKind.video, ((4, b'ftyp'),), 200 * MB),
    '.ogg': AllowedType('audio/ogg', AssetKind.audio, ((0, b'OggS'),), 50 * MB),
    '.opus': AllowedType('audio/ogg', AssetKind.audio, ((0, b'OggS'),), 50 * MB),
    '.mp3': AllowedType('audio/mpeg', AssetKind.audio, ((0, b'ID3'), (0, b'\xff\xfb'), (0, b'\xff\xf3')), 50 * MB),
    '.m4a': AllowedType('audio/mp4', AssetKind.audio, ((4, b'ftyp'),), 50 * MB),
    '.jpg': AllowedType('image/jpeg', AssetKind.image, ((0, b'\xff\xd8\xff'),), 5 * MB),
    '.jpeg': AllowedType('image/jpeg', AssetKind.image, ((0, b'\xff\xd8\xff'),), 5 * MB),
    '.png': AllowedType('image/png', AssetKind.image, ((0, b'\x89PNG\r\n\x1a\n'),), 5 * MB),
    '.webp': AllowedType('image/webp', AssetKind.image, ((8, b'WEBP'),), 5 * MB),
    '.vtt': AllowedType('text/vtt', AssetKind.captions, ((0, b'WEBVTT'), (0, b'\xef\xbb\xbfWEBVTT')), 1 * MB),
    '.pdf': AllowedType('application/pdf', AssetKind.document, ((0, b'%PDF-'),), 50 * MB),
    '.docx': AllowedType('application/vnd.openxmlformats-officedocument.wordprocessingml.document',
                         AssetKind.document, ((0, b'PK\x03\x04'),), 50 * MB),
    '.odt': AllowedType('application/vnd.oasis.opendocument.text', AssetKind.document, ((0, b'PK\x03\x04'),),
                        50 * MB),
}


def allowed_type(filename: str) -> AllowedType | None:
    return ALLOWED.get(Path(filename).suffix.lower())


def _storage_path(media_dir: Path, sha256: str) -> Path:
    return Path(media_dir) / sha256[:2] / sha256


def store_asset(module: Module, filename: str, stream: BinaryIO, *, media_dir: Path,
                field: str = 'file') -> MediaAsset:
    """Check and store one uploaded file; the same bytes uploaded twice give the same asset."""
    safe_name = Path(filename.replace('\\', '/')).name[:255]
    kind = allowed_type(safe_name)
    if kind is None:
        raise InvalidInput(field, _('%(name)s: this file type is not accepted (allowed: %(types)s).',
                                    name=safe_name, types=', '.join(sorted(ALLOWED))))
    media_dir = Path(media_dir)
    media_dir.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=media_dir, delete=False) as tmp:
        try:
            head = stream.read(64)
            if not any(head[offset:offset + len(magic)] == magic for offset, magic in kind.magic):
                raise InvalidInput(field, _('%(name)s does not look like a %(type)s file.', name=safe_name,
                                            type=kind.content_type))
            chunk = head
            while chunk:
                size += len(chunk)
                if size > kind.max_bytes:
                    raise InvalidInput(field, _('%(name)s is larger than %(max)d MB.', name=safe_name,
                                                max=kind.max_bytes // MB))
                digest.update(chunk)
                tmp.write(chunk)
                chunk = stream.read(1024 * 1024)
        except BaseException:
            tmp.close()
            os.unlink(tmp.name)
            raise
    sha = digest.hexdigest()
    target = _storage_path(media_dir, sha)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(tmp.name, target)  # same content → same path: storing twice is harmless
    asset = db.session.scalar(sa.select(MediaAsset).where(MediaAsset.module_id == module.id,
                                                          MediaAsset.sha256 == sha))
    if asset is None:
        asset = MediaAsset(module=module, kind=kind.kind, filename=safe_name, content_type=kind.content_type,
                           size_bytes=size, sha256=sha)
        db.session.add(asset)
        db.session.flush()
        logger.info('Stored %r (%d bytes)', asset, size)
    return asset


def asset_path(asset: MediaAsset, media_dir: Path) -> Path:
    return _storage_path(media_dir, asset.sha256)


def get_asset(asset_id: int) -> MediaAsset | None:
    return db.session.get(MediaAsset, asset_id)


def assets_by_id(ids: set[int]) -> dict[int, MediaAsset]:
    if not ids:
        return {}
    return {a.id: a for a in db.session.scalars(sa.select(MediaAsset).where(MediaAsset.id.in_(ids)))}
