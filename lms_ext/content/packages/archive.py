"""Opening a package archive safely.

Every entry is checked from the zip's directory before a single byte of it is read: names (no absolute
paths, `..`, backslashes or drive letters), types (no symlinks), encryption, sizes, compression ratios,
duplicates and the number of entries. Nothing is ever extracted to disk by its path; entries are read
into memory or streamed, and every read stops one byte past the declared size.
"""

import io
import re
import stat
import tempfile
import zipfile
import zlib
from pathlib import PurePosixPath
from typing import BinaryIO

from lms_ext.core.i18n import _

from .. import media
from .errors import Findings

MB = media.MB
MANIFEST = 'module.yaml'
MANIFEST_MAX_BYTES = 1 * MB
ASSETS_DIR = 'assets/'
DEFAULT_MAX_TOTAL_BYTES = 500 * MB
DEFAULT_MAX_FILES = 1000
MAX_RATIO = 100  # uncompressed / compressed, checked for entries over RATIO_CHECK_ABOVE
RATIO_CHECK_ABOVE = 1 * MB
MAX_NAME_LENGTH = 1024
# A central-directory record is 46 bytes plus name, extra field and comment; a directory much larger than
# max_files records would make zipfile build millions of ZipInfo objects before we could count them.
_DIRECTORY_BYTES_PER_ENTRY = 46 + 3 * MAX_NAME_LENGTH
_SUPPORTED_COMPRESSION = {zipfile.ZIP_STORED: 'stored', zipfile.ZIP_DEFLATED: 'deflated'}
_DRIVE = re.compile(r'^[A-Za-z]:')
_CONTROL = re.compile(r'[\x00-\x1f\x7f]')
# What a damaged entry raises while being read (bad CRC, truncated data, bad local header).
READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError)


class EntryTooLarge(Exception):
    """An entry produced more bytes than its declared size."""


class BoundedReader:
    """A readable stream of one entry that never yields more than `limit` bytes (it fails on byte limit + 1)."""

    def __init__(self, raw: BinaryIO, limit: int):
        self._raw, self._limit, self._count = raw, limit, 0

    def read(self, size: int = -1) -> bytes:
        room = self._limit + 1 - self._count
        chunk = self._raw.read(room if size is None or size < 0 else min(size, room))
        self._count += len(chunk)
        if self._count > self._limit:
            raise EntryTooLarge
        return chunk

    def close(self) -> None:
        self._raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def entry_limit(name: str) -> int | None:
    """The largest size an entry may have: module.yaml 1 MB, assets their media type's limit."""
    if name == MANIFEST:
        return MANIFEST_MAX_BYTES
    kind = media.allowed_type(name)
    return kind.max_bytes if kind else None


class PackageArchive:
    """An opened archive whose directory passed every check: its file entries by name."""

    def __init__(self, zf: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], owned: BinaryIO | None):
        self._zf, self.entries, self._owned = zf, entries, owned

    def __contains__(self, name: str) -> bool:
        return name in self.entries

    @property
    def asset_names(self) -> list[str]:
        return [name for name in self.entries if name.startswith(ASSETS_DIR)]

    def open(self, name: str) -> BoundedReader:
        info = self.entries[name]
        return BoundedReader(self._zf.open(info), info.file_size)

    def read(self, name: str) -> bytes:
        with self.open(name) as stream:
            return stream.read()

    def close(self) -> None:
        self._zf.close()
        if self._owned is not None:
            self._owned.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def open_archive(data: bytes | BinaryIO, *, max_total_bytes: int, max_files: int) -> PackageArchive:
    """Open and check a package archive; raises PackageInvalid listing every problem of its directory."""
    findings = Findings()
    # Compressed data is never much larger than what it expands to, plus the per-entry headers.
    max_archive_bytes = max_total_bytes + max_files * (_DIRECTORY_BYTES_PER_ENTRY + 30 + MAX_NAME_LENGTH)
    stream, owned = _seekable(data, max_archive_bytes)
    try:
        if stream is None:
            findings.error('package', _('The archive is larger than %(max)d MB.', max=max_archive_bytes // MB))
            findings.raise_if_any()
        _check_directory_size(stream, max_files, findings)
        findings.raise_if_any()
        try:
            zf = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
            findings.error('package', _('This is not a zip archive (a package is a .zip file).'))
            findings.raise_if_any()
        entries = _check_entries(zf, max_total_bytes=max_total_bytes, max_files=max_files, findings=findings)
        if findings.errors:
            zf.close()
            findings.raise_if_any()
    except BaseException:
        if owned is not None:
            owned.close()
        raise
    return PackageArchive(zf, entries, owned)


def _seekable(data: bytes | BinaryIO, limit: int) -> tuple[BinaryIO | None, BinaryIO | None]:
    """(a seekable stream of the archive or None when over `limit`, the stream to close afterwards)."""
    if isinstance(data, bytes | bytearray | memoryview):
        return (io.BytesIO(data) if len(data) <= limit else None), None
    if getattr(data, 'seekable', lambda: False)():
        size = data.seek(0, io.SEEK_END)
        data.seek(0)
        return (data if size <= limit else None), None
    spool = tempfile.SpooledTemporaryFile(max_size=16 * MB)  # noqa: SIM115 (closed with the archive)
    copied = 0
    while chunk := data.read(min(MB, limit + 1 - copied)):
        copied += len(chunk)
        if copied > limit:
            spool.close()
            return None, None
        spool.write(chunk)
    spool.seek(0)
    return spool, spool


def _check_directory_size(stream: BinaryIO, max_files: int, findings: Findings) -> None:
    """Refuse an archive whose end record announces too many entries, before zipfile parses them."""
    size = stream.seek(0, io.SEEK_END)
    tail_size = min(size, 22 + 65_535)  # the end record, with a comment of at most 64 KiB
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    stream.seek(0)
    at = tail.rfind(b'PK\x05\x06')
    if at < 0 or at + 22 > len(tail):
        return  # not a zip: zipfile says so
    count = int.from_bytes(tail[at + 10:at + 12], 'little')
    directory_bytes = int.from_bytes(tail[at + 12:at + 16], 'little')
    if count > max_files or directory_bytes > max_files * _DIRECTORY_BYTES_PER_ENTRY:
        findings.error('package', _('The archive has more than %(max)d files.', max=max_files))


def _check_entries(zf: zipfile.ZipFile, *, max_total_bytes: int, max_files: int,
                   findings: Findings) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > max_files:
        findings.error('package', _('The archive has more than %(max)d files.', max=max_files))
        return {}
    if sum(info.file_size for info in infos) > max_total_bytes:
        findings.error('package', _('The files in the archive add up to more than %(max)d MB.',
                                    max=max_total_bytes // MB))
    entries: dict[str, zipfile.ZipInfo] = {}
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        if name in seen:
            findings.error(name, _('The archive holds two entries with this name.'))
            continue
        seen.add(name)
        problems = _name_problems(name) or _entry_problems(info)
        for problem in problems:
            findings.error(name, problem)
        if not problems and not info.is_dir():
            entries[name] = info
    return entries


def _name_problems(name: str) -> list[str]:
    if len(name) > MAX_NAME_LENGTH or _CONTROL.search(name):
        return [_('This entry name is too long or holds control characters.')]
    if '\\' in name:
        return [_('Entry names must use / between folders, not a backslash.')]
    if name.startswith('/') or _DRIVE.match(name):
        return [_('Entry names must be relative paths inside the package, not absolute paths.')]
    parts = name.rstrip('/').split('/')
    if '..' in parts:
        return [_('Entry names must not contain ".." (a path leading outside the package).')]
    if any(part in {'', '.'} for part in parts):
        return [_('Entry names must not contain empty or "." folder names.')]
    return []


def _entry_problems(info: zipfile.ZipInfo) -> list[str]:
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return [_('Symbolic links are not allowed in a package.')]
    if stat.S_IFMT(mode) not in {0, stat.S_IFREG, stat.S_IFDIR}:
        return [_('Only regular files and folders are allowed in a package.')]
    if info.flag_bits & 0x1:
        return [_('Encrypted entries are not allowed; export the package without a password.')]
    if info.compress_type not in _SUPPORTED_COMPRESSION:
        return [_('This entry uses an unsupported compression method (use stored or deflated).')]
    problems = []
    limit = entry_limit(info.filename)
    if limit is not None and info.file_size > limit:
        problems.append(_('The file is larger than %(max)d MB, the limit for this type of file.',
                          max=max(limit // MB, 1)))
    if info.file_size > RATIO_CHECK_ABOVE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        problems.append(_('The file expands more than %(ratio)d times when unpacked (a "zip bomb"); refused.',
                          ratio=MAX_RATIO))
    return problems


def check_asset(archive: PackageArchive, name: str) -> str | None:
    """Read a referenced asset completely (bounded); the problem with it, or None when it is fine."""
    kind = media.allowed_type(name)
    if kind is None:
        return _('This file type is not accepted (allowed: %(types)s).', types=', '.join(sorted(media.ALLOWED)))
    try:
        with archive.open(name) as stream:
            head = stream.read(64)
            if not any(head[offset:offset + len(magic)] == magic for offset, magic in kind.magic):
                return _('This file does not look like a %(type)s file.', type=kind.content_type)
            while stream.read(MB):  # to the end, so that zipfile checks the CRC
                pass
    except EntryTooLarge:
        return _('The file holds more data than the archive declares.')
    except READ_ERRORS:
        return _('The file is damaged and cannot be read from the archive.')
    return None


def asset_filename(name: str) -> str:
    return PurePosixPath(name).name
