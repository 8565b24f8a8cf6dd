"""Moodle XML import (question/format/xml/format.php, Moodle 4.x) into the model the GIFT parser builds.

The rules follow ``qformat_xml::readquestions()`` and the ``import_*()`` method of each type, and then the
same checks the GIFT parser makes (grades must be Moodle's allowed fractions, a short answer needs a 100 %
answer, …), so that a file imports here exactly when it would import into Moodle unchanged. Where Moodle
would guess (an unknown text format, an old true/false file) this reports an error or a warning with the
line and column of the element instead.

Numerical units (``<units>``, ``<unitgradingtype>``, ``<unitpenalty>``, ``<showunits>``, ``<unitsleft>``)
are ignored without a warning: the learner types the number alone and only the number is graded, as in a
Moodle question whose units are set to "not used". Other settings the model has no place for (answer
numbering, combined feedback, hints, ``<hidden>``, the essay's grader information and response template)
are ignored too. Embedded files (``<file>`` and ``@@PLUGINFILE@@`` links) are refused: questions have no
file storage here, so link images by address instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..gift import GiftAnswer, GiftIssue, GiftMatchPair, GiftParseResult, GiftQuestion, import_defaults, match_grade
from ..gift._php import clean_question_name, is_numeric, php_num, php_round, php_trim
from ._tree import Element, read_tree

#: Moodle XML's format attribute → the model's text format (qformat_xml::trans_format()).
TEXT_FORMATS = {'moodle_auto_format': 'moodle', 'html': 'html', 'plain_text': 'plain', 'markdown': 'markdown'}

PLUGINFILE = '@@PLUGINFILE@@'

_ESSAY_SETTINGS = ('responserequired', 'responsefieldlines', 'attachments', 'attachmentsrequired')


def parse_moodle_xml(text: str, *, match_grades: str = 'error') -> GiftParseResult:
    """Parse a Moodle XML question file (``<quiz><question type="…">``); never raises on bad input.

    ``match_grades`` is Moodle's import option, as for ``parse_gift()``: 'error' rejects fractions that are
    not one of Moodle's grades, 'nearest' snaps them to the closest one.
    """
    if match_grades not in ('error', 'nearest'):
        raise ValueError("match_grades must be 'error' or 'nearest'")
    state = _State(match_grades)
    root, problem = read_tree(text)
    if problem is not None:
        state.result.errors.append(problem)
    elif root is not None and root.tag != 'quiz':
        state.error(root, f"the document must start with <quiz>, not <{root.tag}>; is this a Moodle XML "
                          'question export?')
    elif root is not None:
        for element in root.children:
            if element.tag == 'question':
                _read_question(element, state)
            else:
                state.warn(element, f'<{element.tag}> is not a question and is ignored')
    return state.result


@dataclass
class _State:
    match_grades: str
    result: GiftParseResult = field(default_factory=GiftParseResult)
    category: str = ''
    idnumbers: dict[tuple[str, str], int] = field(default_factory=dict)

    def error(self, element: Element, message: str) -> None:
        self.result.errors.append(GiftIssue(element.line, element.column, message))

    def warn(self, element: Element, message: str) -> None:
        self.result.warnings.append(GiftIssue(element.line, element.column, message))


def _read_question(element: Element, state: _State) -> None:
    qtype = php_trim(element.attrs.get('type', ''))
    if not qtype:
        state.error(element, 'a <question> needs a type attribute, e.g. type="multichoice"')
        return
    if qtype == 'category':
        path = _text(element, 'category')
        if path is None:
            state.error(element, 'a category needs <category><text>its path</text></category>')
        else:
            state.category = path
        return
    if qtype not in SUPPORTED_TYPES:
        state.error(element, f"question type '{qtype}' is not supported; this tool imports "
                             f"{', '.join(SUPPORTED_TYPES)} questions (and categories)")
        return
    errors = len(state.result.errors)
    question = _Reader(element, state).question(qtype)
    if question is not None and len(state.result.errors) == errors:
        state.result.questions.append(question)


def _text(element: Element, tag: str) -> str | None:
    """The trimmed ``<tag><text>…</text></tag>`` of ``element`` (None when either is missing)."""
    holder = element.child(tag)
    text = holder.child('text') if holder is not None else None
    return None if text is None else php_trim(text.text)


def _tags(element: Element) -> list[str]:
    """The non-empty ``<tags><tag><text>…</text></tag>…</tags>``."""
    found = []
    for holder in element.all('tags'):
        for tag in holder.all('tag'):
            text = tag.child('text')
            if text is not None and php_trim(text.text):
                found.append(php_trim(text.text))
    return found


def _number(raw: str) -> float | None:
    value = float(raw) if is_numeric(raw) else None
    return value if value is not None and math.isfinite(value) else None


class _Reader:
    """Reads one ``<question>`` element."""

    def __init__(self, element: Element, state: _State) -> None:
        self.q, self.state = element, state

    def error(self, element: Element, message: str) -> None:
        self.state.error(element, message)

    def formatted(self, holder: Element, default: str) -> tuple[str, str] | None:
        """The text and model format of an element holding ``<text>`` and a ``format`` attribute."""
        raw = holder.attrs.get('format')
        fmt = default if raw is None else TEXT_FORMATS.get(php_trim(raw))
        if fmt is None:
            self.error(holder, f"unknown text format '{raw}' on <{holder.tag}>; expected one of "
                               f"{', '.join(TEXT_FORMATS)}")
            return None
        text = holder.child('text')
        return (php_trim(text.text) if text is not None else ''), fmt

    def plain(self, tag: str) -> str:
        """The trimmed text of a child element written without <text>, such as <idnumber>x</idnumber>."""
        element = self.q.child(tag)
        return php_trim(element.text) if element is not None else ''

    def setting(self, tag: str, default: float, *, low: float = 0.0, high: float = math.inf,
                integer: bool = False) -> float:
        element = self.q.child(tag)
        if element is None or php_trim(element.text) == '':
            return default
        value = _number(php_trim(element.text))
        if value is None or not low <= value <= high or (integer and not value.is_integer()):
            kind = 'a whole number' if integer else 'a number'
            bound = '' if high == math.inf else f' and at most {php_num(high)}'
            self.error(element, f"<{tag}> must be {kind} of at least {php_num(low)}{bound}, not "
                                f"'{php_trim(element.text)}'")
            return default
        return value

    # The question.

    def question(self, qtype: str) -> GiftQuestion | None:
        self.refuse_files()
        name = _text(self.q, 'name')
        name = clean_question_name(name) if name is not None else ''
        if not name:
            self.error(self.q, 'the question has no name; expected <name><text>…</text></name>')
        holder = self.q.child('questiontext')
        body = self.formatted(holder, 'html') if holder is not None else None
        if holder is None:
            self.error(self.q, f"question '{name}' has no <questiontext>")
        if body is None:
            return None
        text, fmt = body
        general, general_fmt = '', fmt
        if (feedback := self.q.child('generalfeedback')) is not None:
            general, general_fmt = self.formatted(feedback, fmt) or ('', fmt)
        question = GiftQuestion(qtype=qtype, name=name, text=text, text_format=fmt, category=self.state.category,
                                general_feedback=general, general_feedback_format=general_fmt,
                                idnumber=self.plain('idnumber'), tags=_tags(self.q), line=self.q.line)
        question.extra = import_defaults(qtype)
        question.extra['defaultmark'] = self.setting('defaultgrade', float(question.extra['defaultmark']))
        question.extra['penalty'] = self.setting('penalty', float(question.extra['penalty']), high=1.0)
        self.check_idnumber(question)
        reader = _TYPE_READERS[qtype]
        if reader is not None:
            reader(self, question)
        return question

    def refuse_files(self) -> None:
        for element in self.q.walk():
            if element.tag == 'file':
                self.error(element, f"embedded file '{element.attrs.get('name', '')}' is not supported; put "
                                    'images on a web server and link them by address instead')
            elif PLUGINFILE in element.text:
                self.error(element, f'{PLUGINFILE} links to an embedded file, which is not supported; link '
                                    'images by address instead')

    def check_idnumber(self, question: GiftQuestion) -> None:
        if question.idnumber:
            key = (question.category, question.idnumber)
            if key in self.state.idnumbers:
                self.state.warn(self.q, f"idnumber '{question.idnumber}' is already used on line "
                                        f'{self.state.idnumbers[key]} in this category; Moodle drops the '
                                        'duplicate')
            else:
                self.state.idnumbers[key] = question.line

    # Answers.

    def fraction(self, answer: Element) -> float | None:
        """The answer's ``fraction`` percentage as one of Moodle's grades (match_grade_options)."""
        raw = php_trim(answer.attrs.get('fraction', '0'))
        value = _number(raw)
        if value is None:
            self.error(answer, f"fraction '{raw}' is not a number; expected a percentage such as 100, 50 "
                               'or -33.33333')
            return None
        matched = match_grade(value / 100, self.state.match_grades)
        if matched is None:
            nearest = match_grade(value / 100, 'nearest')
            hint = '' if nearest is None else f'; the nearest allowed fraction is {php_num(nearest * 100)}'
            self.error(answer, f"fraction {php_num(value)} is not one of Moodle's allowed grades{hint}")
            return None
        if abs(matched - value / 100) >= 0.00001:
            self.state.warn(answer, f'fraction {php_num(value)} rounded to {php_num(matched * 100)}')
        return matched

    def answer(self, element: Element, question: GiftQuestion, *, own_format: bool) -> GiftAnswer | None:
        """qformat_xml::import_answer(): only multiple choice answers have a format of their own."""
        fraction = self.fraction(element)
        if own_format:
            body = self.formatted(element, question.text_format)
        else:
            text = element.child('text')
            body = (php_trim(text.text) if text is not None else ''), question.text_format
        feedback_holder = element.child('feedback')
        feedback = self.formatted(feedback_holder, question.text_format) if feedback_holder is not None else (
            '', question.text_format)
        if fraction is None or body is None or feedback is None:
            return None
        if body[0] == '':
            self.error(element, 'empty answer; write the answer in <text>…</text> or remove the <answer>')
            return None
        return GiftAnswer(body[0], fraction, feedback[0], text_format=body[1], feedback_format=feedback[1])

    def answers(self, question: GiftQuestion, *, own_format: bool = False) -> list[tuple[Element, GiftAnswer]]:
        found = []
        for element in self.q.all('answer'):
            answer = self.answer(element, question, own_format=own_format)
            if answer is not None:
                found.append((element, answer))
        question.answers = [answer for _, answer in found]
        return found

    # The types (named as Moodle's type attribute).

    def essay(self, question: GiftQuestion) -> None:
        question.extra['responseformat'] = self.plain('responseformat') or question.extra['responseformat']
        for tag in _ESSAY_SETTINGS:  # responsefieldlines and attachments may be -1 (unlimited)
            question.extra[tag] = int(self.setting(tag, float(question.extra[tag]), low=-1, integer=True))

    def truefalse(self, question: GiftQuestion) -> None:
        """import_truefalse(): the answer whose text is 'true' and the one whose text is 'false'."""
        found: dict[str, tuple[Element, GiftAnswer]] = {}
        errors = len(self.state.result.errors)
        for element, answer in self.answers(question):
            word = answer.text.lower()
            if word not in ('true', 'false'):
                self.error(element, f"a true/false answer must be 'true' or 'false', not '{answer.text}'")
            elif word in found:
                self.error(element, f"a second '{word}' answer; a true/false question has one of each")
            else:
                found[word] = element, answer
        if len(found) != 2:
            if len(self.state.result.errors) == errors:
                self.error(self.q, "a true/false question needs one answer 'true' and one answer 'false'")
            return
        true, false = found['true'][1], found['false'][1]
        if sorted((true.fraction, false.fraction)) != [0.0, 1.0]:
            self.error(self.q, 'exactly one of the true/false answers must have fraction 100 and the other 0')
            return
        question.answers = [GiftAnswer('True', true.fraction, true.feedback, text_format=question.text_format,
                                       feedback_format=true.feedback_format),
                            GiftAnswer('False', false.fraction, false.feedback, text_format=question.text_format,
                                       feedback_format=false.feedback_format)]

    def multichoice(self, question: GiftQuestion) -> None:
        single = self.q.child('single')
        # trans_single(): anything but 'false' (or an empty value) is a single-answer question.
        is_single = single is None or php_trim(single.text).lower() not in ('false', '0', '')
        question.qtype = 'multichoice' if is_single else 'multiresponse'
        errors = len(self.state.result.errors)
        self.answers(question, own_format=True)
        if len(self.q.all('answer')) < 2:
            self.error(self.q, f'a multiple-choice question needs at least 2 answers; found '
                               f"{len(self.q.all('answer'))}")
        if len(self.state.result.errors) > errors:
            return
        if is_single:
            best = max(answer.fraction for answer in question.answers)
            if best != 1:
                self.error(self.q, f'no answer has fraction 100 (the best is {php_num(best * 100)}); Moodle '
                                   'refuses to save such a single-answer question')
            return
        total = php_round(sum(a.fraction for a in question.answers if a.fraction > 0), 2)
        if total == 0:
            self.error(self.q, 'no answer has a positive fraction; give the right answers fractions that add '
                               'up to 100')
        elif total != 1:
            self.state.warn(self.q, f'the positive fractions add up to {php_num(total * 100)}, not 100, so the '
                                    'best possible mark is not full marks')

    def shortanswer(self, question: GiftQuestion) -> None:
        usecase = self.q.child('usecase')
        question.case_sensitive = usecase is not None and php_trim(usecase.text) not in ('', '0', 'false')
        errors = len(self.state.result.errors)
        self.answers(question)
        if not self.q.all('answer'):
            self.error(self.q, 'a short-answer question needs at least one <answer>')
        elif len(self.state.result.errors) == errors:
            best = max(answer.fraction for answer in question.answers)
            if best != 1:
                self.error(self.q, f'no answer has fraction 100 (the best is {php_num(best * 100)}); Moodle '
                                   'refuses to save such a short-answer question')

    def numerical(self, question: GiftQuestion) -> None:
        """import_numerical(): each answer is a number or '*' (any number) with an optional tolerance."""
        found = self.answers(question)
        if not self.q.all('answer'):
            self.error(self.q, 'a numerical question needs at least one <answer>')
        for element, answer in found:
            holder = element.child('tolerance')
            raw = php_trim(holder.text) if holder is not None else ''
            tolerance = _number(raw) if raw else 0.0
            if tolerance is None:
                self.error(holder or element, f"tolerance '{raw}' is not a number")
                continue
            if answer.text == '*':
                # '*' without a tolerance is GIFT's '~#feedback' catch-all; with one, GIFT's '=*:0'.
                answer.tolerance = float(php_num(tolerance)) if holder is not None else None
                continue
            value = _number(answer.text)
            if value is None:
                self.error(element, f"numerical answer '{answer.text}' is not a number; expected e.g. '3', "
                                    "'-0.5' or '*' for any other number")
                continue
            answer.text, answer.tolerance = php_num(value), float(php_num(tolerance))
            answer.min = float(php_num(value - abs(answer.tolerance)))
            answer.max = float(php_num(value + abs(answer.tolerance)))

    def matching(self, question: GiftQuestion) -> None:
        """import_match(): sub-questions with their answer; one with an empty text is an extra answer."""
        elements = self.q.all('subquestion')
        for element in elements:
            body = self.formatted(element, question.text_format)
            answer_text = _text(element, 'answer') or ''
            if body is None:
                continue
            if not body[0] and not answer_text:
                self.error(element, 'empty sub-question; write its text and its <answer><text>')
            elif not answer_text:
                self.error(element, f"sub-question '{body[0]}' has no answer; expected <answer><text>…</text>"
                                    '</answer>')
            else:
                question.pairs.append(GiftMatchPair(body[0], answer_text, body[1]))
        if len(elements) < 2:
            self.error(self.q, f'a matching question needs at least 2 sub-questions; found {len(elements)}')


#: Each question type this importer reads (besides categories) and the reader of its own elements.
_TYPE_READERS = {'description': None, 'essay': _Reader.essay, 'truefalse': _Reader.truefalse,
                 'multichoice': _Reader.multichoice, 'shortanswer': _Reader.shortanswer,
                 'numerical': _Reader.numerical, 'matching': _Reader.matching}
#: Moodle's multichoice becomes the model's multichoice (single="true") or multiresponse.
SUPPORTED_TYPES = tuple(_TYPE_READERS)
