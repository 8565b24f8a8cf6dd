"""Moodle's GIFT importer (question/format/gift/format.php, Moodle 4.x/5.x) with source positions.

The steps mirror ``qformat_default::readquestions()`` and ``qformat_gift::readquestion()`` one for one;
every place where Moodle would silently import something other than what the author meant, or would
fail later when saving, is reported as an error or a warning with its line and column instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._php import PHP_WS, clean_question_name, default_question_name, is_numeric, php_num, php_round, php_trim
from ._source import (
    ESCAPES,
    UNSUPPORTED,
    Pos,
    extract_idnumber_and_tags,
    join_block,
    post,
    split_lines,
    unescape_pre,
)
from .model import (
    BLANK,
    TEXT_FORMATS,
    GiftAnswer,
    GiftIssue,
    GiftMatchPair,
    GiftParseResult,
    GiftQuestion,
    import_defaults,
    match_grade,
)

_WEIGHT = re.compile(r'%-*([0-9]{1,2})\.?([0-9]*)%')
_WEIGHT_LIKE = re.compile(r'%[-+0-9.,\s]*%')
_TRUEFALSE = ('T', 'TRUE', 'F', 'FALSE')
_LITERAL_BRACE = "(write '\\{' or '\\}' for a literal brace)"


def parse_gift(text: str, *, match_grades: str = 'error') -> GiftParseResult:
    """Parse GIFT ``text`` as Moodle's importer does; never raises on bad input.

    ``match_grades`` is Moodle's import option: 'error' rejects weights that are not one of Moodle's
    grade fractions (within 0.00001), 'nearest' snaps them to the closest one.
    """
    if match_grades not in ('error', 'nearest'):
        raise ValueError("match_grades must be 'error' or 'nearest'")
    state = _State(match_grades)
    block: list[tuple[int, str]] = []
    for number, raw in enumerate(split_lines(text), start=1):
        for column, char in enumerate(raw, start=1):
            if char in UNSUPPORTED:
                state.error((number, column), f'unsupported character U+{ord(char):04X}')
        stripped = php_trim(raw)
        if stripped == '0' and block:
            state.warn((number, len(raw) - len(raw.lstrip(PHP_WS)) + 1),
                       "a line holding only '0' counts as a blank line in Moodle and ends the question here")
        if stripped in ('', '0'):  # PHP empty(): '0' is empty too.
            if block:
                _read_block(block, state)
                block = []
        else:
            block.append((number, raw))
    if block:
        _read_block(block, state)
    return state.result


@dataclass
class _State:
    match_grades: str
    result: GiftParseResult = field(default_factory=GiftParseResult)
    category: str = ''
    idnumbers: dict[tuple[str, str], int] = field(default_factory=dict)

    def error(self, pos: Pos, message: str) -> None:
        self.result.errors.append(GiftIssue(pos[0], pos[1], message))

    def warn(self, pos: Pos, message: str) -> None:
        self.result.warnings.append(GiftIssue(pos[0], pos[1], message))


@dataclass
class _Piece:
    """One part of an explode() of the answer text: the marker before it and its content span."""

    marker: str
    marker_at: int
    start: int
    end: int


def _read_block(lines: list[tuple[int, str]], state: _State) -> None:
    text, pos, comments = join_block(lines)
    if not text:
        if '[id:' in comments or '[tag:' in comments:
            state.warn((lines[0][0], 1), 'this [id:]/[tag:] comment is separated from its question by a '
                                         'blank line, so Moodle ignores it')
        return
    text, pos = unescape_pre(text, pos)
    errors = len(state.result.errors)
    reader = _Reader(text, pos, state)
    if text.startswith('$CATEGORY:'):
        reader.category()
        return
    if text[:10].upper() == '$CATEGORY:':
        reader.warn(0, "Moodle only recognises '$CATEGORY:' in capitals; this is read as a description")
    question = reader.question(comments)
    if question is not None and len(state.result.errors) == errors:
        state.result.questions.append(question)


class _Reader:
    """Reads one question block; ``s`` is the block text after escapedchar_pre()."""

    def __init__(self, text: str, pos: list[Pos], state: _State) -> None:
        self.s, self.pos, self.state = text, pos, state
        self.brace = 0

    # Positions and messages.

    def at(self, index: int) -> Pos:
        if index < len(self.pos):
            return self.pos[index]
        line, column = self.pos[-1]
        return line, column + 1

    def error(self, index: int, message: str) -> None:
        self.state.error(self.at(index), message)

    def warn(self, index: int, message: str) -> None:
        self.state.warn(self.at(index), message)

    # PHP string helpers on spans of ``s``.

    def trim(self, start: int, end: int) -> tuple[int, int]:
        while start < end and self.s[start] in PHP_WS:
            start += 1
        while end > start and self.s[end - 1] in PHP_WS:
            end -= 1
        return start, end

    def formatted(self, raw: str, default: str, at: int) -> tuple[str, str]:
        """parse_text_with_format(): an optional leading '[html]'-style format, then unescape and trim."""
        fmt = default
        if raw.startswith('['):
            end = raw.find(']')
            name = raw[1:end] if end != -1 else raw[1:-1]  # PHP: substr($text, 1, false - 1).
            if name in TEXT_FORMATS:
                fmt, raw = name, raw[end + 1:] if end != -1 else raw[1:]
            elif end != -1 and name.lower() in TEXT_FORMATS:
                self.warn(at, f"unknown text format '[{name}]' is kept as text; "
                              f"expected [{name.lower()}] in lower case")
        return php_trim(post(raw)), fmt

    def split(self, start: int, end: int, markers: str) -> list[_Piece]:
        """explode() on ``markers``; the first piece is whatever comes before the first marker."""
        pieces = [_Piece('', start, start, end)]
        for i in range(start, end):
            if self.s[i] in markers:
                pieces[-1].end = i
                pieces.append(_Piece(self.s[i], i, i + 1, end))
        return pieces

    def leading(self, piece: _Piece) -> bool:
        """Moodle keeps the text before the first marker unless it is empty() ('' or '0')."""
        start, end = self.trim(piece.start, piece.end)
        return self.s[start:end] not in ('', '0')

    def comment(self, start: int, end: int, default: str) -> GiftAnswer:
        """commentparser(): 'answer#feedback', each part with its own optional format."""
        hash_at = self.s.find('#', start, end)
        text_start, text_end = self.trim(start, end if hash_at == -1 else hash_at)
        text, fmt = self.formatted(self.s[text_start:text_end], default, text_start)
        answer = GiftAnswer(text, text_format=fmt, feedback_format=default)
        if hash_at != -1:
            fb_start, fb_end = self.trim(hash_at + 1, end)
            answer.feedback, answer.feedback_format = self.formatted(
                self.s[fb_start:fb_end], default, fb_start)
        return answer

    def weight(self, start: int, end: int, default: float) -> tuple[float | None, int]:
        """The '%50%' answer weight as a fraction, and where the answer continues."""
        found = _WEIGHT.match(self.s, start, end)
        if found:
            raw = self.s[start + 1:found.end() - 1]
            if not is_numeric(raw):
                self.error(start, f"weight '%{raw}%' is not a number; expected e.g. '%50%' or '%-25%'")
                return None, found.end()
            return float(raw) / 100, found.end()
        like = _WEIGHT_LIKE.match(self.s, start, end)
        if like:
            self.error(start, f"malformed weight '{post(like.group())}'; expected a percentage such as "
                              "'%50%' or '%-33.33333%'")
            return None, like.end()
        return default, start

    def feedback_marker_check(self, pieces: list[_Piece]) -> None:
        for previous, piece in zip(pieces, pieces[1:], strict=False):
            in_feedback = '#' in self.s[previous.start:previous.end]
            if piece.marker == '=' and in_feedback and not self.s[piece.marker_at - 1].isspace():
                self.warn(piece.marker_at, "'=' inside feedback starts a new answer; write '\\=' if it "
                                           'belongs to the feedback')

    def grades(self, answers: list[GiftAnswer], where: list[int]) -> bool:
        """importprocess(): every fraction must be one of Moodle's grades (match_grade_options)."""
        good = True
        for answer, index in zip(answers, where, strict=True):
            matched = match_grade(answer.fraction, self.state.match_grades)
            nearest = match_grade(answer.fraction, 'nearest')
            if matched is None:
                good = False
                hint = '' if nearest is None else f'; the nearest allowed weight is {php_num(nearest * 100)}%'
                self.error(index, f'weight {php_num(answer.fraction * 100)}% is not one of Moodle\'s allowed '
                                  f'grades{hint}')
            else:
                if abs(matched - answer.fraction) >= 0.00001:
                    self.warn(index, f'weight {php_num(answer.fraction * 100)}% rounded to '
                                     f'{php_num(matched * 100)}%')
                answer.fraction = matched
        return good

    # The question.

    def category(self) -> None:
        path = php_trim(self.s[10:])
        if '\n' in path:
            self.error(self.s.index('\n', 10) + 1, 'a $CATEGORY line must be followed by a blank '
                                                   'line; Moodle would read these lines as its name')
        elif any(char in path for char in ESCAPES.values()):
            self.error(10, 'escape sequences are not allowed in a $CATEGORY path (Moodle keeps its internal '
                           'placeholder such as &&058; in the category name)')
        self.state.category = path

    def question(self, comments: str) -> GiftQuestion | None:
        s, start, end = self.s, 0, len(self.s)
        name = None
        if s.startswith('::'):
            close = s.find('::', 2)
            if close == -1:
                self.error(0, "question title is not closed; expected '::' after the title")
                return None
            name = clean_question_name(post(s[2:close]))
            if not name:
                self.error(0, "empty question title; write a title between '::' and '::' or leave both out")
                return None
            start, end = self.trim(close + 2, end)
        opening, closing = s.find('{', start, end), s.find('}', start, end)
        description = opening == -1 and closing == -1
        if not description and not self.braces(opening, closing, end):
            return None
        self.brace = opening
        if description:
            questiontext, answer_start, answer_end = s[start:end], 0, 0
        else:
            answer_start, answer_end = self.trim(opening + 1, closing)
            gap = '' if s[end - 1] == '}' else BLANK
            questiontext = s[start:opening] + gap + s[closing + 1:end]
        general, general_at = '', answer_end
        separator = s.rfind('####', answer_start, answer_end)
        if separator != -1:
            general, general_at = s[separator + 4:answer_end], separator + 4
            answer_start, answer_end = self.trim(answer_start, separator)
        text, fmt = self.formatted(questiontext, 'moodle', start)
        feedback, feedback_fmt = self.formatted(general, fmt, general_at)
        idnumber, tags = extract_idnumber_and_tags(comments)
        question = GiftQuestion(
            qtype='description', name=name if name is not None else default_question_name(text), text=text,
            text_format=fmt, category=self.state.category, general_feedback=feedback, idnumber=idnumber,
            tags=[tag for tag in tags if tag], line=self.at(0)[0],
            general_feedback_format=feedback_fmt, missing_word=not description and s[end - 1] != '}')
        self.check_idnumber(question)
        if not description:
            self.answers(question, answer_start, answer_end)
        question.extra = import_defaults(question.qtype)
        return question

    def braces(self, opening: int, closing: int, end: int) -> bool:
        s = self.s
        if opening == -1:
            self.error(closing, f"'}}' without an opening '{{' {_LITERAL_BRACE}")
        elif closing == -1:
            self.error(opening, f"answer block opened with '{{' is never closed; expected '}}' "
                                f'{_LITERAL_BRACE}')
        elif closing < opening:
            self.error(closing, f"'}}' before the answer block's '{{' {_LITERAL_BRACE}")
        elif (nested := s.find('{', opening + 1, closing)) != -1:
            self.error(nested, f"unexpected '{{' inside the answer block; expected '}}' {_LITERAL_BRACE}")
        elif (extra := min((i for i in (s.find('{', closing + 1, end), s.find('}', closing + 1, end))
                            if i != -1), default=-1)) != -1:
            self.error(extra, f"unexpected '{s[extra]}' after the answer block; a question has one answer "
                              f'block {_LITERAL_BRACE}')
        else:
            return True
        return False

    def check_idnumber(self, question: GiftQuestion) -> None:
        if question.idnumber:
            key = (question.category, question.idnumber)
            if key in self.state.idnumbers:
                self.warn(0, f"idnumber '{question.idnumber}' is already used on line "
                             f'{self.state.idnumbers[key]} in this category; Moodle drops the duplicate')
            else:
                self.state.idnumbers[key] = question.line

    def answers(self, question: GiftQuestion, start: int, end: int) -> None:
        """Moodle's type detection, in Moodle's order, then the type's own parser."""
        body = self.s[start:end]
        hash_at = body.find('#')
        check = php_trim(body[:hash_at]) if hash_at > 0 else body
        if body == '':
            question.qtype = 'essay'
        elif body[0] == '#':
            self.numerical(question, start + 1, end)
        elif '~' in body:
            self.multichoice(question, start, end)
        elif '=' in body and '->' in body:
            self.matching(question, start, end)
        elif check in _TRUEFALSE:
            self.truefalse(question, start, end)
        else:
            if check.upper() in _TRUEFALSE:
                self.warn(start, f"'{post(check)}' is read as a short answer; true/false is written T, "
                                 'TRUE, F or FALSE in capitals')
            self.shortanswer(question, start, end)

    def multichoice(self, question: GiftQuestion, start: int, end: int) -> None:
        s, errors = self.s, len(self.state.result.errors)
        single = '=' in s[start:end]
        question.qtype = 'multichoice' if single else 'multiresponse'
        pieces = self.split(start, end, '~=')
        self.feedback_marker_check(pieces)
        count = len(pieces) - 1
        if self.leading(pieces[0]):
            count += 1
            first = self.trim(pieces[0].start, pieces[0].end)[0]
            leading = post(s[first:pieces[0].end].strip())
            self.error(first, f"expected '=' or '~' before the answer '{leading}'")
        where: list[int] = []
        for index, piece in enumerate(pieces[1:], start=1):
            text_start, text_end = self.trim(piece.start, piece.end)
            if text_start == text_end:
                follower = pieces[index + 1] if index + 1 < len(pieces) else None
                if follower is not None and follower.marker_at == piece.marker_at + 1:
                    self.error(piece.marker_at, f"unknown answer marker '{piece.marker}{follower.marker}'; "
                                                "expected '=' or '~'")
                else:
                    self.error(piece.marker_at, f"empty answer after '{piece.marker}'")
                continue
            weight_at = text_start
            if piece.marker == '=':
                fraction: float | None = 1.0
                if _WEIGHT.match(s, text_start, text_end):
                    self.error(text_start, "a weight cannot follow '=' in multiple choice; write "
                                           "'~%50%answer' for partial credit")
            else:
                fraction, text_start = self.weight(text_start, text_end, 0.0)
            answer = self.comment(text_start, text_end, question.text_format)
            if answer.text == '':
                self.error(piece.marker_at, f"empty answer after '{piece.marker}'")
            elif fraction is not None:
                answer.fraction = fraction
                question.answers.append(answer)
                where.append(weight_at)
        if count < 2:
            self.error(self.brace, f'a multiple-choice question needs at least 2 answers; found {count}')
        if not self.grades(question.answers, where) or single or len(self.state.result.errors) > errors:
            return
        total = php_round(sum(a.fraction for a in question.answers if a.fraction > 0), 2)
        if total == 0:
            self.error(self.brace, "no answer has a positive weight; mark the right answer with '=' or give "
                                   "the right answers weights such as '~%50%'")
        elif total != 1:
            self.warn(self.brace, f'the positive weights add up to {php_num(total * 100)}%, not 100%, so the '
                                  'best possible mark is not full marks')

    def shortanswer(self, question: GiftQuestion, start: int, end: int) -> None:
        question.qtype, errors = 'shortanswer', len(self.state.result.errors)
        pieces = self.split(start, end, '=')
        self.feedback_marker_check(pieces)
        kept = pieces if self.leading(pieces[0]) else pieces[1:]
        where: list[int] = []
        for piece in kept:
            text_start, text_end = self.trim(piece.start, piece.end)
            weight_at = text_start
            fraction, text_start = self.weight(text_start, text_end, 1.0)
            answer = self.comment(text_start, text_end, question.text_format)
            if answer.text == '':
                self.error(piece.marker_at, "empty answer after '='")
            elif fraction is not None:
                answer.fraction = fraction
                question.answers.append(answer)
                where.append(weight_at)
        if not kept:
            self.error(self.brace, "a short-answer question needs at least one answer; expected '=answer' "
                                   "(Moodle ignores a lone '0')")
        elif self.grades(question.answers, where) and len(self.state.result.errors) == errors:
            best = max(answer.fraction for answer in question.answers)
            if best != 1:
                self.error(self.brace, f'no answer is worth 100% (the best is {php_num(best * 100)}%); '
                                       'Moodle refuses to save such a short-answer question')

    def numerical(self, question: GiftQuestion, start: int, end: int) -> None:
        s = self.s
        question.qtype = 'numerical'
        tilde = s.find('~', start, end)
        pieces = self.split(start, end if tilde == -1 else tilde, '=')
        self.feedback_marker_check(pieces)
        kept = pieces if self.leading(pieces[0]) else pieces[1:]
        if not kept:
            self.error(self.brace, "a numerical question needs at least one answer, e.g. '{#3:0.5}' or "
                                   "'{#=2..4}' (Moodle ignores a lone '0'; write '{#=0}')")
            return
        where: list[int] = []
        for piece in kept:
            text_start, text_end = self.trim(piece.start, piece.end)
            if text_start == text_end:
                self.error(piece.marker_at, "empty answer after '='")
                continue
            weight_at = text_start
            fraction, text_start = self.weight(text_start, text_end, 1.0)
            answer = self.comment(text_start, text_end, question.text_format)
            if fraction is not None and self.number(answer, text_start):
                answer.fraction = fraction
                question.answers.append(answer)
                where.append(weight_at)
        if tilde != -1:
            hash_at = s.find('#', tilde, end)
            catchall = GiftAnswer('*', 0.0, text_format=question.text_format,
                                  feedback_format=question.text_format)
            if hash_at == -1:
                if php_trim(s[tilde + 1:end]):
                    self.warn(tilde, "text after '~' is ignored; write '~#feedback' for the feedback shown "
                                     'for any other answer')
            else:
                fb_start, fb_end = self.trim(hash_at + 1, end)
                catchall.feedback, catchall.feedback_format = self.formatted(
                    s[fb_start:fb_end], question.text_format, fb_start)
            question.answers.append(catchall)
            where.append(tilde)
        self.grades(question.answers, where)

    def number(self, answer: GiftAnswer, at: int) -> bool:
        """Moodle's 'min..max', 'answer:tolerance' or 'answer'; sets text, tolerance, min and max."""
        text = answer.text
        dots, colon = text.find('..'), text.find(':')
        if dots > 0:
            low, high = php_trim(text[:dots]), php_trim(text[dots + 2:])
            if not (is_numeric(low) and is_numeric(high)):
                self.error(at, f"range '{text}' is not two numbers; expected 'min..max' such as '1.5..2.5'")
                return False
            value = (float(high) + float(low)) / 2
            tolerance = float(high) - value
        else:
            raw, tolerance_raw = (text[:colon], text[colon + 1:]) if colon > 0 else (text, '0')
            raw, tolerance_raw = php_trim(raw), php_trim(tolerance_raw)
            if not is_numeric(tolerance_raw):
                self.error(at, f"tolerance '{tolerance_raw}' is not a number; expected 'answer:tolerance' "
                               "such as '3:0.5'")
                return False
            if raw != '*' and not is_numeric(raw):
                self.error(at, f"numerical answer '{raw}' is not a number; expected e.g. '3', '3:0.5' or "
                               "'1..5'")
                return False
            tolerance = float(tolerance_raw)
            if raw == '*':
                answer.text, answer.tolerance = raw, float(php_num(tolerance))
                return True
            value = float(raw)
        if not all(abs(x) < float('inf') for x in (value, tolerance)):
            self.error(at, f"numerical answer '{text}' is out of range")
            return False
        answer.text = php_num(value)
        answer.tolerance = float(php_num(tolerance))
        width = abs(answer.tolerance)
        answer.min = float(php_num(float(answer.text) - width))
        answer.max = float(php_num(float(answer.text) + width))
        return True

    def matching(self, question: GiftQuestion, start: int, end: int) -> None:
        s = self.s
        question.qtype = 'matching'
        pieces = self.split(start, end, '=')
        kept = pieces if self.leading(pieces[0]) else pieces[1:]
        for piece in kept:
            text_start, text_end = self.trim(piece.start, piece.end)
            arrow = s.find('->', text_start, text_end)
            if arrow == -1:
                self.error(text_start if text_start < text_end else piece.marker_at,
                           "expected '->' between a sub-question and its answer, as in '=item -> match'")
                continue
            sub, fmt = self.formatted(s[text_start:arrow], question.text_format, text_start)
            pair = GiftMatchPair(sub, php_trim(post(s[arrow + 2:text_end])), fmt)
            if not pair.question and not pair.answer:
                self.error(piece.marker_at, "empty matching pair; expected '=item -> match'")
            elif not pair.answer:
                self.error(arrow, f"matching sub-question '{sub}' has no answer after '->'")
            else:
                question.pairs.append(pair)
        if len(kept) < 2:
            self.error(self.brace, f'a matching question needs at least 2 pairs; found {len(kept)}')
        stems = sum(1 for pair in question.pairs if pair.question)
        if len(kept) >= 2 and (stems < 2 or len(question.pairs) < 3):
            self.warn(self.brace, f"Moodle's question editor needs at least 2 sub-questions and 3 answers "
                                  f'(found {stems} and {len(question.pairs)}); add a distractor such as '
                                  "'= -> answer'")

    def truefalse(self, question: GiftQuestion, start: int, end: int) -> None:
        """split_truefalse_comment(): 'T#feedback if wrong#feedback if right'."""
        s = self.s
        question.qtype = 'truefalse'
        bits = [start]
        while len(bits) < 3 and (hash_at := s.find('#', bits[-1], end)) != -1:
            bits.append(hash_at + 1)
        spans = [(a, (b - 1) if b else end) for a, b in zip(bits, [*bits[1:], 0], strict=True)]
        texts = [self.formatted(s[a:b], question.text_format, a) for a, b in (self.trim(*x) for x in spans)]
        texts += [('', question.text_format)] * (3 - len(texts))
        (word, _), wrong, right = texts
        correct = word in ('T', 'TRUE')
        true_fb, false_fb = (right, wrong) if correct else (wrong, right)
        question.answers = [
            GiftAnswer('True', 1.0 if correct else 0.0, true_fb[0], text_format=question.text_format,
                       feedback_format=true_fb[1]),
            GiftAnswer('False', 0.0 if correct else 1.0, false_fb[0], text_format=question.text_format,
                       feedback_format=false_fb[1]),
        ]
