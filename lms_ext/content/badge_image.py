"""Checks for a trainer's own badge image: a real PNG (decoded and verified by Pillow), square, sized for badges.

Only PNG is accepted (no SVG: an uploaded SVG would need sanitising). The limit leaves room for the baked
assertion: a baked PNG must stay within the 256 KB that badge hosts accept (badges/baking.py MAX_PNG_BYTES).
"""

import io

from PIL import Image, UnidentifiedImageError

from lms_ext.core.errors import InvalidInput
from lms_ext.core.i18n import _

FIELD = 'badge_image'
MIN_SIDE, MAX_SIDE = 200, 1024
MAX_BYTES = 200 * 1024


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a well-formed PNG (Pillow checks its structure and every chunk's CRC); None for
    anything else, damaged PNGs included."""
    try:
        with Image.open(io.BytesIO(data), formats=['PNG']) as image:
            size = image.size
            image.verify()
        return size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
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
