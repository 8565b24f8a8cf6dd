"""Photo evidence of a sign-off: a checked image kept outside the public media store."""

import hashlib
from pathlib import Path
from typing import BinaryIO

from lms_ext.content import media
from lms_ext.content.models import AssetKind
from lms_ext.core.errors import InvalidInput
from lms_ext.core.i18n import _


def store_photo(photo: tuple[str, BinaryIO], media_dir) -> tuple[str, str]:
    """(sha256, content type) of a JPEG, PNG or WebP photo (type by name and first bytes, size capped)."""
    filename, stream = photo
    kind = media.allowed_type(filename)
    if kind is None or kind.kind is not AssetKind.image:
        raise InvalidInput('photo', _('Attach a photo (JPEG, PNG or WebP).'))
    data = stream.read(kind.max_bytes + 1)
    if len(data) > kind.max_bytes:
        raise InvalidInput('photo', _('The photo is larger than %(max)d MB.', max=kind.max_bytes // media.MB))
    if not any(data[offset:offset + len(magic)] == magic for offset, magic in kind.magic):
        raise InvalidInput('photo', _('This file does not look like a %(type)s photo.', type=kind.content_type))
    sha = hashlib.sha256(data).hexdigest()
    path = photo_path(sha, media_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return sha, kind.content_type


def photo_path(sha256: str, media_dir) -> Path:
    return Path(media_dir) / 'practical' / sha256[:2] / sha256
