"""Moodle XML question files: ``parse_moodle_xml(text)`` and ``export_moodle_xml(questions)``.

Pure standard-library code plus defusedxml (no Flask, no database). Questions use the GIFT package's
plain model (``GiftQuestion``, ``GiftParseResult`` with issues by line and column), so both formats
import and export through the same code.
"""

from .parser import PLUGINFILE, SUPPORTED_TYPES, TEXT_FORMATS, parse_moodle_xml
from .writer import export_moodle_xml, write_question

__all__ = ['PLUGINFILE', 'SUPPORTED_TYPES', 'TEXT_FORMATS', 'export_moodle_xml', 'parse_moodle_xml', 'write_question']
