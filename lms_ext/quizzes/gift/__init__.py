"""Moodle GIFT quiz format: ``parse_gift(text)`` and ``write_gift(questions)`` with Moodle's semantics.

Pure standard-library code (no Flask, no database) so that it can be used and tested on its own.
"""

from ._source import clean_tag, extract_idnumber_and_tags
from .model import (
    BLANK,
    GRADE_FRACTIONS,
    QTYPES,
    TEXT_FORMATS,
    GiftAnswer,
    GiftError,
    GiftIssue,
    GiftMatchPair,
    GiftParseResult,
    GiftQuestion,
    GiftSyntaxError,
    import_defaults,
    match_grade,
)
from .parser import parse_gift
from .writer import write_gift, write_question

__all__ = [
    'BLANK',
    'GRADE_FRACTIONS',
    'QTYPES',
    'TEXT_FORMATS',
    'GiftAnswer',
    'GiftError',
    'GiftIssue',
    'GiftMatchPair',
    'GiftParseResult',
    'GiftQuestion',
    'GiftSyntaxError',
    'clean_tag',
    'extract_idnumber_and_tags',
    'import_defaults',
    'match_grade',
    'parse_gift',
    'write_gift',
    'write_question',
]
