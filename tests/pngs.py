"""Tiny PNG encoder for tests (no Pillow): exact sizes, flat or noisy (incompressible) pixels."""

import os
import struct
import zlib


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))


def png(width: int, height: int, *, noise: bool = False, rgb: tuple[int, int, int] = (11, 95, 115)) -> bytes:
    """An 8-bit RGB PNG; `noise`: random pixels, so the file is about 3 bytes per pixel."""
    row = (lambda: os.urandom(width * 3)) if noise else (lambda: bytes(rgb) * width)
    raw = b''.join(b'\x00' + row() for _ in range(height))
    return (b'\x89PNG\r\n\x1a\n' + _chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
            + _chunk(b'IDAT', zlib.compress(raw, 9)) + _chunk(b'IEND', b''))
