"""A module package's `module.yaml`, read and rewritten by tests that change a package before importing it."""

import io
import zipfile

import yaml


def manifest_of(package: bytes) -> dict:
    return yaml.safe_load(zipfile.ZipFile(io.BytesIO(package)).read('module.yaml'))


def package_with(manifest: dict) -> bytes:
    """A package holding only `manifest` as its module.yaml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as zf:
        zf.writestr('module.yaml', yaml.safe_dump(manifest))
    return buffer.getvalue()
