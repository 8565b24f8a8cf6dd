"""The question file formats a quiz imports and exports (pure: no Flask, no database).

Both read into and write from the same plain model (``gift.GiftQuestion``); ``FILE_FORMATS`` is the
registry the services, views and CLI look formats up in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import gift, moodle_xml


@dataclass(frozen=True)
class FileFormat:
    name: str
    label: str  # a proper name, the same in every language
    extension: str
    media_type: str
    parse: Callable[[str], gift.GiftParseResult]
    write: Callable[[Iterable[gift.GiftQuestion]], str]


FILE_FORMATS: dict[str, FileFormat] = {
    'gift': FileFormat('gift', 'GIFT', '.gift', 'text/plain; charset=utf-8', gift.parse_gift, gift.write_gift),
    'moodle_xml': FileFormat('moodle_xml', 'Moodle XML', '.xml', 'application/xml; charset=utf-8',
                             moodle_xml.parse_moodle_xml, moodle_xml.export_moodle_xml),
}


def detect_format(filename: str, text: str) -> str:
    """'moodle_xml' for a .xml file or a text starting like XML (``<?xml``, ``<quiz``), else 'gift'.

    A .gift file is GIFT whatever it starts with; pasted text and .txt files are judged by their start.
    """
    suffix = filename.lower().rpartition('.')[2] if '.' in filename else ''
    if suffix == 'xml':
        return 'moodle_xml'
    if suffix == 'gift':
        return 'gift'
    start = text.lstrip('\ufeff \t\r\n')
    return 'moodle_xml' if start.startswith(('<?xml', '<quiz')) else 'gift'
