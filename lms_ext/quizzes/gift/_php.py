"""The few PHP / Moodle library behaviours the GIFT importer depends on, ported to Python."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from .model import DEFAULT_QUESTION_NAME

#: Characters stripped by PHP's trim().
PHP_WS = ' \t\n\r\0\x0b'

_NUMERIC = re.compile(r'[ \t\n\r\v\f]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\r\v\f]*')


def php_trim(text: str) -> str:
    return text.strip(PHP_WS)


def is_numeric(text: str) -> bool:
    """PHP 8 is_numeric() for strings (no hex, no 'inf'/'nan', no '_' separators)."""
    return _NUMERIC.fullmatch(text) is not None


def php_num(value: float) -> str:
    """A float as PHP casts it to string (precision=14): 3.0 -> '3', 1e-5 -> '1.0E-5'."""
    text = f'{value:.14G}'
    if 'E' not in text:
        return text
    mantissa, exponent = text.split('E')
    if '.' not in mantissa:
        mantissa += '.0'
    return f'{mantissa}E{int(exponent):+d}'


def php_round(value: float, places: int) -> float:
    """PHP round(): half away from zero, on the shortest decimal representation."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def strip_tags(text: str) -> str:
    """PHP strip_tags() without allowed tags: drops tags, comments and unterminated tags."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char != '<' or (i + 1 < n and text[i + 1].isspace()):
            out.append(char)
            i += 1
            continue
        if text.startswith('<!--', i):
            end = text.find('-->', i + 4)
            i = n if end == -1 else end + 3
            continue
        depth, quote, i = 1, '', i + 1
        while i < n and depth:
            char = text[i]
            if quote:
                quote = '' if char == quote else quote
            elif char in '"\'':
                quote = char
            elif char == '<':
                depth += 1
            elif char == '>':
                depth -= 1
            i += 1
    return ''.join(out)


_ENTITY = re.compile(r'&[0-9a-z]{2,8};|&#[0-9]{1,7};|&#x[0-9a-f]{1,6};', re.IGNORECASE)
_EMPTY_TAG = re.compile(r'<(\s*.+?/\s*|\s*(img|br|input|hr|area|base|basefont|col|frame|isindex|link|meta|'
                        r'param)(\s.+?)?)>', re.IGNORECASE | re.DOTALL)
_CLOSE_TAG = re.compile(r'<\s*/(\S+?)\s*>', re.DOTALL)
_OPEN_TAG = re.compile(r'<\s*([^\s>!]+).*?>', re.DOTALL)


def shorten_text(text: str, ideal: int = 30, exact: bool = False, ending: str = '...') -> str:
    """Moodle's shorten_text(): cut HTML to about ``ideal`` visible characters, closing open tags."""
    if len(re.sub(r'<.*?>', '', text)) <= ideal:
        return text
    total, truncate = len(ending), ''
    tags: list[tuple[bool, str]] = []
    for match in re.finditer(r'(<.+?>)?([^<>]*)', text, re.DOTALL):
        tag, content = match.group(1), match.group(2)
        if tag:
            if not _EMPTY_TAG.fullmatch(tag):
                if found := _CLOSE_TAG.fullmatch(tag):
                    tags.append((False, found.group(1).lower()))
                elif found := _OPEN_TAG.fullmatch(tag):
                    tags.append((True, found.group(1).lower()))
                elif re.fullmatch(r'<!--\[if\s.*?\]>', tag, re.DOTALL):
                    tags.append((True, 'if'))
                elif tag == '<!--<![endif]-->':
                    tags.append((False, 'if'))
            truncate += tag
        length = len(_ENTITY.sub(' ', content))
        if total + length > ideal:
            left, entities = ideal - total, 0
            for entity in _ENTITY.finditer(content):
                if entity.start() + 1 - entities > left:
                    break
                left -= 1
                entities += len(entity.group())
            breakpos = left + entities
            if not exact:
                while breakpos > 0:
                    char = content[breakpos:breakpos + 1]
                    if char not in ('', '0') and (char in '. ' or len(char.encode()) > 2):
                        breakpos += 1
                        break
                    breakpos -= 1
            if breakpos == 0 or breakpos > left + entities:
                breakpos = left + entities
            truncate += content[:breakpos]
            break
        truncate += content
        total += length
        if total >= ideal:
            break
    truncate += ending
    opentags: list[str] = []
    for is_open, tag in tags:
        if is_open:
            opentags.insert(0, tag)
        elif tag in opentags:
            del opentags[len(opentags) - 1 - opentags[::-1].index(tag)]
    return truncate + ''.join('<!--<![endif]-->' if tag == 'if' else f'</{tag}>' for tag in opentags)


def clean_question_name(name: str) -> str:
    """qformat_default::clean_question_name(): PARAM_TEXT (strip tags), trim, at most 255 characters."""
    name = php_trim(strip_tags(name.replace('\0', '')))
    trimlength = 251
    while len(name) > 255 and trimlength > 0:
        name = shorten_text(name, trimlength)
        trimlength -= 10
    return name


def default_question_name(questiontext: str) -> str:
    """qformat_default::create_default_question_name() for an untitled question."""
    name = clean_question_name(shorten_text(questiontext, 80))
    return name if name not in ('', '0') else DEFAULT_QUESTION_NAME
