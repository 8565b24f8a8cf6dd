"""GIFT writer following qformat_gift::writequestion(), adjusted so that parse_gift() reads back the
same questions (formats are always kept, texts that would be misread are protected)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ._php import php_num
from ._source import UNSUPPORTED, is_writable_tag
from .model import BLANK, TEXT_FORMATS, GiftAnswer, GiftQuestion

_ESCAPE = str.maketrans({'\\': '\\\\', '#': '\\#', '=': '\\=', '~': '\\~', '{': '\\{', '}': '\\}', ':': '\\:',
                         '\n': '\\n', '\r': ''})
_PLACEHOLDER = re.compile(r'&&(058;|035;|061;|123;|125;|126;|010|092;)')


def write_gift(questions: Iterable[GiftQuestion]) -> str:
    """GIFT text for ``questions``; a ``$CATEGORY:`` block is written whenever the category changes.

    Raises ValueError for questions GIFT cannot express (see the messages).
    """
    out: list[str] = []
    category = ''
    for question in questions:
        if question.category != category:
            if not question.category or any(c in question.category for c in '\r\n'):
                raise ValueError(f'cannot write category {question.category!r} of question {question.name!r}')
            out.append(f'$CATEGORY: {question.category}\n\n')
            category = question.category
        out.append(write_question(question) + '\n')
    return ''.join(out)


def write_question(question: GiftQuestion) -> str:
    """One question, ending with a newline (no blank line)."""
    if not question.name:
        raise ValueError('a question needs a name')
    head = _metadata(question) + f'::{escape(question.name)}::'
    block = _answer_block(question)
    if block is None:
        return head + formatted(question.text, question.text_format, 'moodle') + '\n'
    if not question.missing_word:
        return head + formatted(question.text, question.text_format, 'moodle') + block + '\n'
    blank = question.text.find(BLANK)
    if blank == -1:
        raise ValueError(f'missing-word question {question.name!r} has no {BLANK} in its text')
    before, after = question.text[:blank], question.text[blank + len(BLANK):]
    # A blank at the very end still needs something after the '}' ('\n' is trimmed away on import).
    after = escape(after) or '\\n'
    return f'{head}{_prefix(question.text, question.text_format, "moodle")}{escape(before)}{block}{after}\n'


def escape(text: str) -> str:
    """qformat_gift::repchar(): backslash-escape GIFT's special characters, newlines as '\\n'."""
    if any(char in UNSUPPORTED for char in text) or ('&&' in text and _PLACEHOLDER.search(text)):
        raise ValueError(f'{text!r} cannot be written: Moodle would decode its placeholder characters')
    return text.translate(_ESCAPE)


def formatted(text: str, fmt: str, default: str, *, force: bool = False) -> str:
    """write_questiontext(): '[fmt]' when the format differs from the default (even for an empty text,
    so the format survives), or when the text itself would be misread as a format prefix."""
    return _prefix(text, fmt, default, force=force) + escape(text)


def _prefix(text: str, fmt: str, default: str, *, force: bool = False) -> str:
    if fmt not in TEXT_FORMATS:
        raise ValueError(f'unknown text format {fmt!r}')
    return f'[{fmt}]' if force or fmt != default or _looks_formatted(text) else ''


def _looks_formatted(text: str) -> bool:
    if not text.startswith('['):
        return False
    end = text.find(']')
    return (text[1:end] if end != -1 else text[1:-1]) in TEXT_FORMATS


def _metadata(question: GiftQuestion) -> str:
    """write_idnumber_and_tags(): '// [id:x] [tag:a] [tag:b]' before the question, ']' escaped as '\\]'."""
    bits = [f"[id:{question.idnumber.replace(']', chr(92) + ']')}]"] if question.idnumber else []
    bits += [_tag(tag, question.name) for tag in question.tags]
    return f'// {" ".join(bits)}\n' if bits else ''


def _tag(tag: str, name: str) -> str:
    if not is_writable_tag(tag):
        raise ValueError(f'tag {tag!r} of question {name!r} cannot be written: GIFT would read it back '
                         'differently (Moodle stores no such tag)')
    escaped = tag.replace(']', '\\]')
    # A final backslash would escape the closing ']'; the reader trims the space that protects it.
    return f'[tag:{escaped} ]' if escaped.endswith('\\') else f'[tag:{escaped}]'


def _feedback(answer: GiftAnswer, default: str) -> str:
    if answer.feedback == '' and answer.feedback_format == default:
        return ''
    return '#' + formatted(answer.feedback, answer.feedback_format, default)


def _general(question: GiftQuestion, indent: str) -> str:
    if question.general_feedback == '' and question.general_feedback_format == question.text_format:
        return ''
    general = formatted(question.general_feedback, question.general_feedback_format, question.text_format)
    text = '####' + general
    return f'{indent}{text}\n' if indent else text


def _weight(fraction: float) -> str:
    return f'%{php_num(fraction * 100)}%'


def _answer_block(question: GiftQuestion) -> str | None:
    writers = {'description': None, 'essay': _essay, 'truefalse': _truefalse, 'multichoice': _multichoice,
               'multiresponse': _multichoice, 'shortanswer': _shortanswer, 'numerical': _numerical,
               'matching': _matching}
    if question.qtype not in writers:
        raise ValueError(f'unknown question type {question.qtype!r}')
    writer = writers[question.qtype]
    return None if writer is None else writer(question)


def _essay(question: GiftQuestion) -> str:
    return '{' + _general(question, '') + '}'


def _truefalse(question: GiftQuestion) -> str:
    true, false = question.answers
    correct = true.fraction == 1
    right, wrong = (true, false) if correct else (false, true)
    right_fb, wrong_fb = _feedback(right, question.text_format), _feedback(wrong, question.text_format)
    return '{' + ('TRUE' if correct else 'FALSE') + (wrong_fb or ('#' if right_fb else '')) + right_fb \
        + _general(question, '') + '}'


def _multichoice(question: GiftQuestion) -> str:
    single = question.qtype == 'multichoice'
    if single and not any(answer.fraction == 1 for answer in question.answers):
        raise ValueError(f'single-answer question {question.name!r} needs an answer with fraction 1')
    if single and all(answer.fraction == 1 for answer in question.answers):
        raise ValueError(f'question {question.name!r} would be read as short answer: no wrong answer')
    lines = ['{']
    for answer in question.answers:
        if single and answer.fraction == 1:
            marker = '='
        elif answer.fraction == 0:
            marker = '~'
        else:
            marker = '~' + _weight(answer.fraction)
        text = formatted(answer.text, answer.text_format, question.text_format,
                         force=marker == '=' and answer.text.startswith('%'))
        if marker == '~' and text.startswith('%'):
            marker = '~%0%'
        lines.append(f'\t{marker}{text}{_feedback(answer, question.text_format)}')
    return '\n'.join(lines) + '\n' + _general(question, '\t') + '}'


def _shortanswer(question: GiftQuestion) -> str:
    if any('->' in answer.text + answer.feedback for answer in question.answers):
        raise ValueError(f"short answer {question.name!r} would be read as matching: '->' in an answer")
    lines = ['{']
    for answer in question.answers:
        text = formatted(answer.text, answer.text_format, question.text_format)
        lines.append(f'\t={_weight(answer.fraction)}{text}#'
                     + _feedback(answer, question.text_format).removeprefix('#'))
    return '\n'.join(lines) + '\n' + _general(question, '\t') + '}'


def _numerical(question: GiftQuestion) -> str:
    lines = ['{#']
    for index, answer in enumerate(question.answers):
        feedback = _feedback(answer, question.text_format).removeprefix('#')
        if answer.text == '*' and answer.tolerance is None:
            if index != len(question.answers) - 1 or answer.fraction != 0:
                raise ValueError(f'the catch-all answer of {question.name!r} must come last with fraction 0')
            lines.append(f'\t~#{feedback}')
            continue
        value = formatted(answer.text, answer.text_format, question.text_format)
        tolerance = '' if answer.tolerance is None else ':' + php_num(answer.tolerance)
        lines.append(f'\t={_weight(answer.fraction)}{value}{tolerance}#{feedback}')
    return '\n'.join(lines) + '\n' + _general(question, '\t') + '}'


def _matching(question: GiftQuestion) -> str:
    lines = ['{']
    for pair in question.pairs:
        if '->' in pair.question:
            raise ValueError(f"a matching sub-question cannot contain '->': {pair.question!r}")
        lines.append(f'\t={formatted(pair.question, pair.question_format, question.text_format)} -> '
                     f'{escape(pair.answer)}')
    return '\n'.join(lines) + '\n' + _general(question, '\t') + '}'
