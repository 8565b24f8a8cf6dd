"""PNG images of exact sizes for tests (Pillow): flat, or noisy (incompressible) pixels."""

import io
import os

from PIL import Image


def png(width: int, height: int, *, noise: bool = False, rgb: tuple[int, int, int] = (11, 95, 115)) -> bytes:
    """An 8-bit RGB PNG; `noise`: random pixels, so the file is about 3 bytes per pixel."""
    image = (Image.frombytes('RGB', (width, height), os.urandom(width * height * 3)) if noise
             else Image.new('RGB', (width, height), rgb))
    out = io.BytesIO()
    image.save(out, 'PNG', optimize=not noise)
    return out.getvalue()


def damaged(data: bytes) -> bytes:
    """The PNG with one byte of its image data changed (the chunk's CRC no longer matches)."""
    at = data.index(b'IDAT') + 10
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]
