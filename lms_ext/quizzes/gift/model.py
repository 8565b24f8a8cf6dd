"""Plain data model for questions read from / written to Moodle's GIFT format."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Moodle's text formats, by the names GIFT uses in ``[html]`` style prefixes.
TEXT_FORMATS = ('moodle', 'html', 'plain', 'markdown')

QTYPES = ('description', 'essay', 'truefalse', 'multichoice', 'multiresponse', 'shortanswer',
          'numerical', 'matching')

#: What Moodle puts in place of the answer block of a missing-word question.
BLANK = '_____'

#: get_string('questionname', 'question'): the name of an untitled question with an empty text.
DEFAULT_QUESTION_NAME = 'Question name'

_RAW_FRACTIONS = ('0.9', '0.8333333', '0.8', '0.75', '0.7', '0.6666667', '0.6', '0.5', '0.4', '0.3333333',
                  '0.3', '0.25', '0.2', '0.1666667', '0.1428571', '0.125', '0.1111111', '0.1', '0.05')

#: question_bank::fraction_options_full(), in Moodle's order (the order decides ties in 'nearest' mode).
GRADE_FRACTIONS = (0.0, 1.0, *(float(x) for x in _RAW_FRACTIONS),
                   *(-float(x) for x in reversed(_RAW_FRACTIONS)), -1.0)


def import_defaults(qtype: str) -> dict[str, object]:
    """The settings Moodle's GIFT import gives a question of ``qtype`` (``GiftQuestion.extra``)."""
    extra: dict[str, object] = {'defaultmark': 1.0, 'penalty': 0.3333333, 'length': 1}
    if qtype == 'description':
        extra.update(defaultmark=0.0, length=0)
    elif qtype == 'truefalse':
        extra['penalty'] = 1.0
    elif qtype == 'essay':
        extra.update(responseformat='editor', responserequired=1, responsefieldlines=15, attachments=0,
                     attachmentsrequired=0)
    return extra


@dataclass(frozen=True)
class GiftIssue:
    """A problem found while parsing; ``line`` and ``column`` are 1-based in the original text."""

    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f'line {self.line}, column {self.column}: {self.message}'


class GiftError(Exception):
    """Base class for GIFT errors."""


class GiftSyntaxError(GiftError):
    """Raised by :meth:`GiftParseResult.raise_for_errors`; ``issues`` lists every error."""

    def __init__(self, issues: list[GiftIssue]) -> None:
        self.issues = list(issues)
        super().__init__('\n'.join(str(issue) for issue in self.issues))


@dataclass
class GiftAnswer:
    """One answer.

    ``fraction`` is Moodle's grade fraction (-1..1). Numerical answers carry ``text`` as Moodle stores
    the number (e.g. ``'3'``, or ``'*'`` for the catch-all), ``tolerance`` and the accepted interval
    ``min``..``max``; the ``~#feedback`` catch-all has ``tolerance`` None. True/false questions have two
    answers, ``'True'`` then ``'False'``, whose feedback is shown when the learner picks that answer.
    """

    text: str
    fraction: float = 0.0
    feedback: str = ''
    tolerance: float | None = None
    min: float | None = None
    max: float | None = None
    text_format: str = 'moodle'
    feedback_format: str = 'moodle'


@dataclass
class GiftMatchPair:
    """A matching sub-question; an empty ``question`` is an extra (distractor) answer."""

    question: str
    answer: str
    question_format: str = 'moodle'


@dataclass
class GiftQuestion:
    """A question as Moodle's GIFT importer would build it.

    ``category`` is the full ``$CATEGORY:`` path in force ('' before the first one). ``missing_word``
    is set when the answer block sat inside the text; ``text`` then holds ``BLANK`` in its place.
    ``extra`` carries Moodle's per-type import defaults (see ``import_defaults``, used when left empty);
    ``general_feedback_format`` defaults to ``text_format``, as in Moodle.
    """

    qtype: str
    name: str
    text: str
    text_format: str = 'moodle'
    category: str = ''
    general_feedback: str = ''
    answers: list[GiftAnswer] = field(default_factory=list)
    idnumber: str = ''
    tags: list[str] = field(default_factory=list)
    line: int = field(default=0, compare=False)
    extra: dict[str, object] = field(default_factory=dict)
    general_feedback_format: str = ''
    pairs: list[GiftMatchPair] = field(default_factory=list)
    missing_word: bool = False
    case_sensitive: bool = False

    def __post_init__(self) -> None:
        if not self.extra:
            self.extra = import_defaults(self.qtype)
        if not self.general_feedback_format:
            self.general_feedback_format = self.text_format


@dataclass
class GiftParseResult:
    """Questions that parsed cleanly, plus every error and warning (import nothing if ``errors``)."""

    questions: list[GiftQuestion] = field(default_factory=list)
    errors: list[GiftIssue] = field(default_factory=list)
    warnings: list[GiftIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_for_errors(self) -> None:
        if self.errors:
            raise GiftSyntaxError(self.errors)


def match_grade(fraction: float, mode: str = 'error') -> float | None:
    """question_bank::match_grade_options(): the allowed fraction for ``fraction``, or None."""
    if mode == 'error':
        return next((value for value in GRADE_FRACTIONS if abs(fraction - value) < 0.00001), None)
    best, mismatch = None, 2.0
    for value in GRADE_FRACTIONS:
        if abs(fraction - value) < mismatch:
            best, mismatch = value, abs(fraction - value)
    return best
