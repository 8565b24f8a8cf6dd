"""Moodle's line handling for GIFT: readdata(), readquestions(), comment lines and escapes, with the
original line and column of every character kept for error messages."""

from __future__ import annotations

import re

from ._php import PHP_WS, php_trim

Pos = tuple[int, int]

# Escaped characters become single placeholder characters (Unicode non-characters) until the text is
# final, exactly like Moodle's '&&058;' style placeholders, so that they never act as GIFT syntax.
ESCAPES = {':': '\ufdd0', '#': '\ufdd1', '=': '\ufdd2', '{': '\ufdd3', '}': '\ufdd4', '~': '\ufdd5',
            'n': '\ufdd6'}
_UNESCAPE = str.maketrans({v: ('\n' if k == 'n' else k) for k, v in ESCAPES.items()})
# Moodle's own placeholders typed literally are decoded too (escapedchar_pre/post are plain str_replace).
_MOODLE_PLACEHOLDERS = (('&&058;', '\ufdd0'), ('&&035;', '\ufdd1'), ('&&061;', '\ufdd2'),
                        ('&&123;', '\ufdd3'), ('&&125;', '\ufdd4'), ('&&126;', '\ufdd5'), ('&&010', '\ufdd6'),
                        ('&&092;', '\\'))
UNSUPPORTED = frozenset(ESCAPES.values())
_ID = re.compile(r'\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]')
_TAG = re.compile(r'\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f]|)+)\]')
_NOT_IN_TAGS = re.compile(r'[\x00-\x1f\x7f<>`]')  # where _TAG stops, besides ']'


def clean_tag(raw: str) -> str:
    """clean_param(PARAM_TAG) as Moodle stores every tag, without its 50-character cut: control
    characters and < > ` removed, runs of spaces made one, trimmed. A non-empty result can be written
    as a GIFT '[tag:]' and read back unchanged."""
    return php_trim(re.sub(' {2,}', ' ', _NOT_IN_TAGS.sub('', raw)))


def is_writable_tag(tag: str) -> bool:
    """Whether '[tag:…]' (']' escaped) reads back as exactly `tag`: not empty, not trimmed away, and
    none of the characters the [tag:] pattern stops at."""
    return bool(tag) and tag == php_trim(tag) and not _NOT_IN_TAGS.search(tag)


def extract_idnumber_and_tags(comment: str) -> tuple[str, list[str]]:
    """qformat_gift::extract_idnumber_and_tags_from_comment(): '[id:x]' and '[tag:y]' in comments."""
    found = _ID.search(comment)
    idnumber = php_trim(found.group(1)).replace('\\]', ']') if found else ''
    return idnumber, [php_trim(raw).replace('\\]', ']') for raw in _TAG.findall(comment)]


def split_lines(text: str) -> list[str]:
    """qformat_default::readdata(): drop a BOM; a file with only CR line ends is split on CR."""
    text = text.removeprefix('\ufeff')
    return text.split('\r') if '\r' in text and '\n' not in text else text.split('\n')


def join_block(lines: list[tuple[int, str]]) -> tuple[str, list[Pos], str]:
    """Trim each line, blank out '//' comment lines, join with newlines and trim (keeping positions)."""
    parts: list[str] = []
    pos: list[Pos] = []
    comments = ''
    end: Pos = (0, 0)
    for index, (number, raw) in enumerate(lines):
        lead = len(raw) - len(raw.lstrip(PHP_WS))
        line = php_trim(raw)
        if index:
            parts.append('\n')
            pos.append(end)
        if line.startswith('//'):
            comments += line + '\n'
            parts.append(' ')
            pos.append((number, lead + 1))
        else:
            parts.append(line)
            pos.extend((number, lead + 1 + k) for k in range(len(line)))
        end = (number, lead + len(line) + 1)
    text = ''.join(parts)
    start = len(text) - len(text.lstrip(PHP_WS))
    stop = len(text.rstrip(PHP_WS))
    return text[start:stop], pos[start:stop], comments


def unescape_pre(text: str, pos: list[Pos]) -> tuple[str, list[Pos]]:
    """escapedchar_pre(): '\\\\' is a backslash; '\\:' '\\#' '\\=' '\\{' '\\}' '\\~' '\\n' are held."""
    out: list[str] = []
    out_pos: list[Pos] = []
    i = 0
    while i < len(text):
        char, width = text[i], 1
        if char == '\\' and text[i + 1:i + 2] == '\\':
            width = 2
        elif char == '\\' and text[i + 1:i + 2] in ESCAPES:
            char, width = ESCAPES[text[i + 1]], 2
        elif char == '&':
            for literal, replacement in _MOODLE_PLACEHOLDERS:
                if text.startswith(literal, i):
                    char, width = replacement, len(literal)
                    break
        out.append(char)
        out_pos.append(pos[i])
        i += width
    return ''.join(out), out_pos


def post(text: str) -> str:
    """escapedchar_post(): placeholders back to the characters they stand for."""
    return text.translate(_UNESCAPE)
