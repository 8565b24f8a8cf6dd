"""Checks for a trainer's own badge image: a real PNG (its chunks are read, IHDR decoded), square, sized for badges.

Only PNG is accepted (no SVG: an uploaded SVG would need sanitising). The limit leaves room for the baked
assertion: a baked PNG must stay within the 256 KB that badge hosts accept (badges/baking.py MAX_PNG_BYTES).
"""

import struct
import zlib

from lms_ext.core.errors import InvalidInput
from lms_ext.core.i18n import _

FIELD = 'badge_image'
SIGNATURE = b'\x89PNG\r\n\x1a\n'
MIN_SIDE, MAX_SIDE = 200, 1024
MAX_BYTES = 200 * 1024


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a well-formed PNG: the signature, an IHDR chunk first, every chunk's CRC
    correct, and an IEND chunk at the end; None for anything else."""
    if not data.startswith(SIGNATURE):
        return None
    offset, size, seen_data = len(SIGNATURE), None, False
    while offset + 12 <= len(data):
        length, kind = struct.unpack_from('>I4s', data, offset)
        end = offset + 8 + length
        if end + 4 > len(data):
            return None
        body = data[offset + 8:end]
        if struct.unpack_from('>I', data, end)[0] != zlib.crc32(kind + body):
            return None
        if size is None:
            if kind != b'IHDR' or length != 13:
                return None
            width, height, depth, colour, compression, filtering, interlace = struct.unpack('>IIBBBBB', body)
            if not width or not height or compression or filtering or interlace > 1 or colour not in (0, 2, 3, 4, 6):
                return None
            size = (width, height)
        seen_data = seen_data or kind == b'IDAT'
        if kind == b'IEND':
            return size if seen_data and end + 4 == len(data) else None
        offset = end + 4
    return None


def check_png(data: bytes, *, field: str = FIELD) -> bytes:
    """The uploaded bytes when they are a square PNG of 200–1024 px a side and at most 200 KB;
    else InvalidInput naming `field`."""
    if not data:
        raise InvalidInput(field, _('Choose a PNG image to upload.'))
    if len(data) > MAX_BYTES:
        raise InvalidInput(field, _('The badge image is larger than %(max)d KB.', max=MAX_BYTES // 1024))
    size = png_size(data)
    if size is None:
        raise InvalidInput(field, _('The badge image must be a PNG file (this file is not a valid PNG).'))
    width, height = size
    if width != height:
        raise InvalidInput(field, _('The badge image must be square (this one is %(w)d × %(h)d px).',
                                    w=width, h=height))
    if not MIN_SIDE <= width <= MAX_SIDE:
        raise InvalidInput(field, _('The badge image must be %(min)d–%(max)d px a side (this one is %(w)d px).',
                                    min=MIN_SIDE, max=MAX_SIDE, w=width))
    return data
