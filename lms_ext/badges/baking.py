"""The only module that imports openbadges_bakery: bake and unbake PNG and SVG badges, guarding its sharp edges.

openbadges-bakery 2.0 takes and returns file objects, expects the assertion as `str` (bytes fail deep
inside), returns None silently for input that is neither PNG nor SVG, and re-baking an SVG adds a second
`<openbadges:assertion>` element instead of replacing the first, and its SVG path calls an rfc3986 API that
emits a DeprecationWarning on every bake. The wrapper takes and returns bytes,
raises `BakingError` instead of returning None, refuses to re-bake an SVG, and verifies every bake by
reading the assertion back.
"""

import io
import json
import warnings

import openbadges_bakery

MAX_PNG_BYTES = 256 * 1024


class BakingError(ValueError):
    """The image could not be baked (unsupported, already baked SVG, too large, or the round trip failed)."""


def _as_text(assertion: dict | str) -> str:
    return assertion if isinstance(assertion, str) else json.dumps(assertion, separators=(',', ':'),
                                                                   ensure_ascii=False)


def bake_png(image: bytes, assertion: dict | str) -> bytes:
    """The PNG with the assertion in its `openbadges` iTXt chunk (any earlier one is replaced)."""
    if not image.startswith(b'\x89PNG\r\n\x1a\n'):
        raise BakingError('not a PNG image')
    text = _as_text(assertion)
    baked = openbadges_bakery.bake(io.BytesIO(image), text, io.BytesIO())
    if baked is None:
        raise BakingError('the bakery did not recognise the PNG')
    data = baked.getvalue()
    if len(data) > MAX_PNG_BYTES:
        raise BakingError(f'baked PNG is {len(data)} bytes; at most {MAX_PNG_BYTES} allowed')
    if unbake(data) != text:
        raise BakingError('round trip failed: the baked PNG does not carry the assertion')
    return data


def bake_svg(image: str, assertion: dict | str, *, verify_url: str) -> str:
    """The SVG with an `<openbadges:assertion verify="…">` element holding the assertion."""
    if 'openbadges:assertion' in image:
        raise BakingError('the SVG is already baked; bake the original image')
    text = _as_text(assertion)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        baked = openbadges_bakery.bake(io.BytesIO(image.encode('utf-8')), text, io.BytesIO())
    if baked is None:
        raise BakingError('the bakery did not recognise the SVG')
    data = baked.getvalue()
    # For hosted assertions the bakery's unbake() returns the verify URL rather than the JSON.
    if unbake(data) != verify_url:
        raise BakingError('round trip failed: the baked SVG does not point at the assertion')
    return data.decode('utf-8')


def unbake(image: bytes) -> str | None:
    """What a baked PNG or SVG carries (SVG: the verification URL), or None."""
    try:
        return openbadges_bakery.unbake(io.BytesIO(image))
    except Exception:  # the bakery raises whatever its parsers raise on damaged input
        return None
