"""Moodle XML export in the shape of ``qformat_xml::writequestion()`` (Moodle 4.x), which Moodle imports and
``parse_moodle_xml()`` reads back into the same questions."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..gift import GiftAnswer, GiftQuestion
from ..gift._php import php_num
from .parser import TEXT_FORMATS

_FORMAT_NAMES = {model: name for name, model in TEXT_FORMATS.items()}
# Characters XML 1.0 cannot hold, not even as a character reference.
_NOT_XML = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\r]')
_SPECIAL = re.compile('[&<>"\']')


def export_moodle_xml(questions: Iterable[GiftQuestion]) -> str:
    """Moodle XML for ``questions``; a category "question" is written whenever the category changes.

    Raises ValueError for questions Moodle XML cannot hold (see the messages).
    """
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    category = ''
    for number, question in enumerate(questions, start=1):
        if question.category != category:
            category = question.category
            out.append(f'<!-- question: 0  -->\n  <question type="category">\n    <category>\n'
                       f'      {_text(category)}\n    </category>\n  </question>\n\n')
        out.append(f'<!-- question: {number}  -->\n{write_question(question)}\n')
    out.append('</quiz>\n')
    return ''.join(out)


def write_question(question: GiftQuestion) -> str:
    """One ``<question>`` element, indented as Moodle does."""
    if not question.name:
        raise ValueError('a question needs a name')
    writer = _WRITERS.get(question.qtype)
    if writer is None:
        raise ValueError(f'unknown question type {question.qtype!r}')
    qtype = 'multichoice' if question.qtype == 'multiresponse' else question.qtype
    lines = [f'  <question type="{qtype}">',
             '    <name>', f'      {_text(question.name)}', '    </name>',
             *_formatted('questiontext', question.text, question.text_format, 4),
             *_formatted('generalfeedback', question.general_feedback, question.general_feedback_format, 4),
             f"    <defaultgrade>{_decimal(question.extra.get('defaultmark', 1.0))}</defaultgrade>",
             f"    <penalty>{_decimal(question.extra.get('penalty', 0.3333333))}</penalty>",
             '    <hidden>0</hidden>',
             f'    <idnumber>{_escape(question.idnumber)}</idnumber>',
             *writer(question)]
    if question.tags:
        lines += ['    <tags>', *(f'      <tag>{_text(tag)}</tag>' for tag in question.tags), '    </tags>']
    return '\n'.join([*lines, '  </question>']) + '\n'


def _escape(text: str) -> str:
    """qformat_xml::xml_escape(): CDATA when the text holds a character XML would read as markup."""
    if _NOT_XML.search(text):
        raise ValueError(f'{text!r} cannot be written: XML 1.0 cannot hold its control characters')
    if not _SPECIAL.search(text):
        return text
    return '<![CDATA[' + text.replace(']]>', ']]]]><![CDATA[>') + ']]>'


def _text(text: str) -> str:
    return f'<text>{_escape(text)}</text>'


def _format(fmt: str) -> str:
    if fmt not in _FORMAT_NAMES:
        raise ValueError(f'unknown text format {fmt!r}')
    return f'format="{_FORMAT_NAMES[fmt]}"'


def _formatted(tag: str, text: str, fmt: str, indent: int) -> list[str]:
    pad = ' ' * indent
    return [f'{pad}<{tag} {_format(fmt)}>', f'{pad}  {_text(text)}', f'{pad}</{tag}>']


def _decimal(value: object) -> str:
    """Moodle writes marks with 7 decimals; a value that needs more is written in full."""
    number = float(value)
    fixed = f'{number:.7f}'
    return fixed if float(fixed) == number else repr(number)


def _answer(answer: GiftAnswer, fmt: str, extra: tuple[str, ...] = ()) -> list[str]:
    return [f'    <answer fraction="{php_num(answer.fraction * 100)}" {_format(fmt)}>',
            f'      {_text(answer.text)}',
            *_formatted('feedback', answer.feedback, answer.feedback_format, 6),
            *extra,
            '    </answer>']


def _combined_feedback() -> list[str]:
    return [line for tag in ('correctfeedback', 'partiallycorrectfeedback', 'incorrectfeedback')
            for line in _formatted(tag, '', 'html', 4)]


def _description(question: GiftQuestion) -> list[str]:
    return []


def _essay(question: GiftQuestion) -> list[str]:
    def setting(tag: str, default: int) -> str:
        return f'    <{tag}>{int(question.extra.get(tag, default))}</{tag}>'

    return [f"    <responseformat>{_escape(str(question.extra.get('responseformat', 'editor')))}</responseformat>",
            setting('responserequired', 1), setting('responsefieldlines', 15),
            '    <minwordlimit></minwordlimit>', '    <maxwordlimit></maxwordlimit>',
            setting('attachments', 0), setting('attachmentsrequired', 0),
            '    <maxbytes>0</maxbytes>', '    <filetypeslist></filetypeslist>',
            *_formatted('graderinfo', '', 'html', 4), *_formatted('responsetemplate', '', 'html', 4)]


def _truefalse(question: GiftQuestion) -> list[str]:
    true, false = question.answers
    return [*_answer(GiftAnswer('true', true.fraction, true.feedback, feedback_format=true.feedback_format),
                     'moodle'),
            *_answer(GiftAnswer('false', false.fraction, false.feedback, feedback_format=false.feedback_format),
                     'moodle')]


def _multichoice(question: GiftQuestion) -> list[str]:
    single = 'true' if question.qtype == 'multichoice' else 'false'
    lines = [f'    <single>{single}</single>', '    <shuffleanswers>true</shuffleanswers>',
             '    <answernumbering>abc</answernumbering>', '    <showstandardinstruction>0</showstandardinstruction>',
             *_combined_feedback(), '    <shownumcorrect/>']
    for answer in question.answers:
        lines += _answer(answer, answer.text_format)
    return lines


def _shortanswer(question: GiftQuestion) -> list[str]:
    lines = [f'    <usecase>{int(question.case_sensitive)}</usecase>']
    for answer in question.answers:
        lines += _answer(answer, 'moodle')
    return lines


def _numerical(question: GiftQuestion) -> list[str]:
    lines = []
    for answer in question.answers:
        # '*' without a tolerance is the catch-all "any other answer" (GIFT's '~#feedback').
        tolerance = () if answer.tolerance is None else (f'      <tolerance>{php_num(answer.tolerance)}</tolerance>',)
        lines += _answer(answer, 'moodle', tolerance)
    return [*lines, '    <unitgradingtype>0</unitgradingtype>', '    <unitpenalty>0.1000000</unitpenalty>',
            '    <showunits>3</showunits>', '    <unitsleft>0</unitsleft>']


def _matching(question: GiftQuestion) -> list[str]:
    lines = ['    <shuffleanswers>true</shuffleanswers>', *_combined_feedback(), '    <shownumcorrect/>']
    for pair in question.pairs:
        lines += [f'    <subquestion {_format(pair.question_format)}>', f'      {_text(pair.question)}',
                  '      <answer>', f'        {_text(pair.answer)}', '      </answer>', '    </subquestion>']
    return lines


_WRITERS = {'description': _description, 'essay': _essay, 'truefalse': _truefalse, 'multichoice': _multichoice,
            'multiresponse': _multichoice, 'shortanswer': _shortanswer, 'numerical': _numerical,
            'matching': _matching}
