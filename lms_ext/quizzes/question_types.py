"""Question types: the stored spec, learner response validation, grading and display, with Moodle's semantics.

Pure module (standard library and marshmallow only). ``QUESTION_TYPES`` maps each GIFT qtype to its
:class:`QuestionType`; everything type-specific lives in those classes.

The spec is the JSON-able dict stored per question (only the keys the type needs)::

    answers: [{'text', 'fraction', 'feedback'} (+ 'tolerance', 'min', 'max' for numerical)]
    pairs: [{'question', 'answer'}]                    # matching; an empty question is a distractor
    missing_word: bool                                 # every type but description
    case_sensitive: bool                               # shortanswer

An answer or pair also carries 'text_format' / 'feedback_format' / 'question_format' when that format
differs from the question's text format (GIFT's inline '[html]' on a single answer), so that export
gives back exactly the imported question.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, ClassVar

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from lms_ext.quizzes.gift import GiftAnswer, GiftMatchPair, GiftQuestion

__all__ = [
    'QUESTION_TYPES',
    'Grading',
    'QuestionType',
    'get_question_type',
    'gift_from_spec',
    'parse_number',
    'wildcard_match',
]

SHORT_TEXT_MAX = 500
NUMBER_MAX = 50
ESSAY_MAX = 20000

_NUMBER = re.compile(r'[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?')
_WILDCARD = re.compile(r'(?<!\\)\*+')
#: Moodle counts a fraction this close to 1 as right (question_state::graded_state_for_fraction).
_RIGHT = 0.999999


@dataclass(frozen=True)
class Grading:
    """The outcome of grading one response.

    ``fraction`` is in [0, 1], or None when no automatic mark exists: ``graded`` False means the type is
    not graded at all (description), ``graded`` True means a teacher must mark it (essay).
    ``feedback`` holds the per-answer feedback of the chosen/matched answers (non-empty ones only).
    """

    fraction: float | None
    feedback: list[str] = field(default_factory=list)
    right_answer: str = ''
    graded: bool = True

    @property
    def needs_manual_grading(self) -> bool:
        return self.graded and self.fraction is None


# Helpers.

def parse_number(text: str) -> float | None:
    """A learner's number: '3.5', '3,5', '-.5', '1e3' (surrounding spaces ignored); None if unparsable."""
    text = text.strip()
    if text.count(',') == 1 and '.' not in text:
        text = text.replace(',', '.')
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def wildcard_match(response: str, pattern: str, *, case_sensitive: bool) -> bool:
    """qtype_shortanswer_question::compare_string_with_wildcard(): runs of unescaped '*' match anything,
    '\\*' is a literal '*'; the response is trimmed and both are NFC-normalised."""
    pattern = unicodedata.normalize('NFC', pattern)
    response = unicodedata.normalize('NFC', response).strip()
    regexp = '.*'.join(re.escape(bit.replace('\\*', '*')) for bit in _WILDCARD.split(pattern))
    return re.fullmatch(regexp, response, 0 if case_sensitive else re.IGNORECASE) is not None


def _clamp(value: float) -> float:
    return min(max(value, 0.0), 1.0)


def _num(value: float) -> str:
    """A float as a short human text: 3.0 -> '3', 0.1 -> '0.1'."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _shuffled(items: list[Any], seed: int, key: Any = str) -> list[Any]:
    """A permutation of ``items`` that depends only on ``seed`` and the items (stable across Python versions)."""
    def rank(item: Any) -> bytes:
        return hashlib.sha256(f'{seed}\x00{key(item)}'.encode()).digest()
    return sorted(items, key=rank)


def _feedbacks(*answers: dict[str, Any]) -> list[str]:
    return [answer['feedback'] for answer in answers if answer.get('feedback')]


def _formats(obj: Any, names: dict[str, str], default: str) -> dict[str, str]:
    """The spec keys for formats of ``obj`` that differ from the question's ``default`` format."""
    return {key: getattr(obj, attr) for key, attr in names.items() if getattr(obj, attr) != default}


_ANSWER_FORMATS = {'text_format': 'text_format', 'feedback_format': 'feedback_format'}
_PAIR_FORMATS = {'question_format': 'question_format'}


class _Choice(fields.Integer):
    """An answer index: an int, or a string of digits from a form (never a bool, a float or '1.5')."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, str) and re.fullmatch(r'\s*-?[0-9]{1,9}\s*', value):
            value = int(value)
        return super()._deserialize(value, attr, data, **kwargs)


def _check_index(index: int, answers: list[Any], name: str) -> None:
    if not 0 <= index < len(answers):
        raise ValidationError({name: [f'Must be between 0 and {len(answers) - 1}.']})


# Response schemas.

class _ResponseSchema(Schema):
    class Meta:
        unknown = RAISE


class NoResponseSchema(_ResponseSchema):
    """Description: nothing to answer."""


class ChoiceSchema(_ResponseSchema):
    choice = _Choice(required=True)


class ChoicesSchema(_ResponseSchema):
    choices = fields.List(_Choice(), required=True)


class TrueFalseSchema(_ResponseSchema):
    value = fields.Boolean(required=True)


class ShortTextSchema(_ResponseSchema):
    text = fields.String(required=True, validate=validate.Length(max=SHORT_TEXT_MAX))


class NumberSchema(_ResponseSchema):
    value = fields.String(required=True, validate=validate.Length(max=NUMBER_MAX))


class MatchingSchema(_ResponseSchema):
    pairs = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class EssaySchema(_ResponseSchema):
    text = fields.String(required=True, validate=validate.Length(max=ESSAY_MAX))


# The types.

class QuestionType:
    """One question type; subclasses override what differs. Instances are stateless."""

    name: ClassVar[str]
    response_schema: ClassVar[type[Schema]] = NoResponseSchema
    #: Whether the type is graded at all (description is not).
    graded: ClassVar[bool] = True
    #: Which spec keys the type stores.
    uses_answers: ClassVar[bool] = False
    uses_pairs: ClassVar[bool] = False
    uses_case: ClassVar[bool] = False
    uses_missing_word: ClassVar[bool] = True
    #: The answer keys stored in the spec.
    answer_keys: ClassVar[tuple[str, ...]] = ('text', 'fraction', 'feedback')
    #: The widget the quiz page shows (display()['input']).
    input: ClassVar[str] = 'none'

    # Spec.

    def spec_from_gift(self, q: GiftQuestion) -> dict[str, Any]:
        if q.qtype != self.name:
            raise ValueError(f'a {q.qtype} question is not a {self.name} question')
        spec: dict[str, Any] = {}
        if self.uses_answers:
            spec['answers'] = [self._answer_spec(answer, q.text_format) for answer in q.answers]
        if self.uses_pairs:
            spec['pairs'] = [{'question': pair.question, 'answer': pair.answer,
                              **_formats(pair, _PAIR_FORMATS, q.text_format)} for pair in q.pairs]
        if self.uses_case:
            spec['case_sensitive'] = bool(q.case_sensitive)
        if self.uses_missing_word:
            spec['missing_word'] = bool(q.missing_word)
        return spec

    def _answer_spec(self, answer: GiftAnswer, text_format: str) -> dict[str, Any]:
        values = {'text': answer.text, 'fraction': float(answer.fraction), 'feedback': answer.feedback,
                  'tolerance': answer.tolerance, 'min': answer.min, 'max': answer.max}
        spec = {key: values[key] for key in self.answer_keys}
        for key in ('tolerance', 'min', 'max'):
            if key in spec and spec[key] is not None:
                spec[key] = float(spec[key])
        spec.update(_formats(answer, _ANSWER_FORMATS, text_format))
        return spec

    # Responses.

    def validate_response(self, spec: dict[str, Any], response: Any) -> dict[str, Any]:
        """The response loaded by ``response_schema`` and checked against ``spec``; raises ValidationError."""
        data = self.response_schema().load(response)
        self._check(spec, data)
        return data

    def _check(self, spec: dict[str, Any], data: dict[str, Any]) -> None:
        """Spec-dependent checks of a loaded response (ranges); raise ValidationError naming the field."""

    def grade(self, spec: dict[str, Any], response: Any) -> Grading:
        """Validate ``response`` (raises ValidationError) and grade it."""
        return self._grade(spec, self.validate_response(spec, response))

    def _grade(self, spec: dict[str, Any], data: dict[str, Any]) -> Grading:
        return Grading(None, [], self.right_answer(spec), graded=self.graded)

    def right_answer(self, spec: dict[str, Any]) -> str:
        """A short human text of the correct response ('' when there is none)."""
        return ''

    # Display.

    def display(self, spec: dict[str, Any], *, shuffle_seed: int | None = None) -> dict[str, Any]:
        """What the quiz page needs to render the question; never fractions, feedback or the pairing."""
        shown: dict[str, Any] = {'input': self.input}
        if self.uses_missing_word:
            shown['missing_word'] = bool(spec.get('missing_word', False))
        shown.update(self._display(spec, shuffle_seed))
        return shown

    def _display(self, spec: dict[str, Any], shuffle_seed: int | None) -> dict[str, Any]:
        return {}


class DescriptionType(QuestionType):
    name = 'description'
    graded = False
    uses_missing_word = False


class EssayType(QuestionType):
    name = 'essay'
    response_schema = EssaySchema
    input = 'essay'

    def _display(self, spec: dict[str, Any], shuffle_seed: int | None) -> dict[str, Any]:
        return {'max_length': ESSAY_MAX}


class MultichoiceType(QuestionType):
    """One answer: the chosen answer's fraction (negative clamped to 0)."""

    name = 'multichoice'
    response_schema = ChoiceSchema
    uses_answers = True
    input = 'radio'

    def _check(self, spec: dict[str, Any], data: dict[str, Any]) -> None:
        _check_index(data['choice'], spec['answers'], 'choice')

    def _grade(self, spec: dict[str, Any], data: dict[str, Any]) -> Grading:
        chosen = spec['answers'][data['choice']]
        return Grading(_clamp(float(chosen['fraction'])), _feedbacks(chosen), self.right_answer(spec))

    def right_answer(self, spec: dict[str, Any]) -> str:
        answers = spec['answers']
        best = max(answers, key=lambda answer: float(answer['fraction']))  # The first of the best.
        return best['text']

    def _display(self, spec: dict[str, Any], shuffle_seed: int | None) -> dict[str, Any]:
        options = [{'index': index, 'text': answer['text'], **_answer_format(answer)}
                   for index, answer in enumerate(spec['answers'])]
        if shuffle_seed is not None:
            options = _shuffled(options, shuffle_seed, key=lambda option: option['index'])
        return {'options': options}


class MultiresponseType(MultichoiceType):
    """Several answers: the sum of the chosen answers' fractions, clamped to [0, 1]."""

    name = 'multiresponse'
    response_schema = ChoicesSchema
    input = 'checkbox'

    def _check(self, spec: dict[str, Any], data: dict[str, Any]) -> None:
        choices, answers = data['choices'], spec['answers']
        if len(set(choices)) != len(choices):
            raise ValidationError({'choices': ['Each answer can be chosen only once.']})
        bad = [index for index in choices if not 0 <= index < len(answers)]
        if bad:
            raise ValidationError({'choices': [f'Must be between 0 and {len(answers) - 1}; got {bad[0]}.']})

    def _grade(self, spec: dict[str, Any], data: dict[str, Any]) -> Grading:
        picked = set(data['choices'])
        chosen = [answer for index, answer in enumerate(spec['answers']) if index in picked]
        fraction = _clamp(sum(float(answer['fraction']) for answer in chosen))
        return Grading(fraction, _feedbacks(*chosen), self.right_answer(spec))

    def right_answer(self, spec: dict[str, Any]) -> str:
        return '; '.join(answer['text'] for answer in spec['answers'] if float(answer['fraction']) > 0)


class TrueFalseType(QuestionType):
    """answers[0] is 'True', answers[1] is 'False'; each carries the feedback for choosing it."""

    name = 'truefalse'
    response_schema = TrueFalseSchema
    uses_answers = True
    input = 'truefalse'

    def _grade(self, spec: dict[str, Any], data: dict[str, Any]) -> Grading:
        chosen = spec['answers'][0 if data['value'] else 1]
        return Grading(_clamp(float(chosen['fraction'])), _feedbacks(chosen), self.right_answer(spec))

    def right_answer(self, spec: dict[str, Any]) -> str:
        return 'True' if float(spec['answers'][0]['fraction']) >= _RIGHT else 'False'

    def _display(self, spec: dict[str, Any], shuffle_seed: int | None) -> dict[str, Any]:
        return {'options': [{'value': True, 'text': 'True'}, {'value': False, 'text': 'False'}]}


class ShortanswerType(QuestionType):
    """The first answer (in order) matching the trimmed response wins; '*' is a wildcard."""

    name = 'shortanswer'
    response_schema = ShortTextSchema
    uses_answers = True
    uses_case = True
    input = 'text'

    def _grade(self, spec: dict[str, Any], data: dict[str, Any]) -> Grading:
        text = data['text']
        if text.strip():  # Moodle does not grade a blank response: it scores 0.
            case_sensitive = bool(spec.get('case_sensitive', False))
            for answer in spec['answers']:
                if wildcard_match(text, answer['text'], case_sensitive=case_sensitive):
                    return Grading(_clamp(float(answer['fraction'])), _feedbacks(answer), self.right_answer(spec))
        return Grading(0.0, [], self.right_answer(spec))

    def right_answer(self, spec: dict[str, Any]) -> str:
        best = max(spec['answers'], key=lambda answer: float(answer['fraction']))
        return best['text'].replace('\\*', '*')

    def _display(self, spec: dict[str, Any], shuffle_seed: int | None) -> dict[str, Any]:
        return {'max_length': SHORT_TEXT_MAX}


class NumericalType(QuestionType):
    """The first answer (in order) whose interval holds the number wins; '*' matches any number."""

    name = 'numerical'
    response_schema = NumberSchema
    uses_answers = True
    answer_keys = ('text', 'fraction', 'feedback', 'tolerance', 'min', 'max')
    input = 'number'

    def _check(self, spec: dict[str, Any], data: dict[str, Any]) -> None:
        if parse_number(data['value']) is None:
            raise ValidationError({'value': ['Not a valid number.']})

    def _grade(self, spec: dict[str, Any], data: dict[str, Any]) -> Grading:
        value = parse_number(data['value'])
        assert value is not None  # Checked by validate_response().
        for answer in spec['answers']:
            if _within(answer, value):
                return Grading(_clamp(float(answer['fraction'])), _feedbacks(answer), self.right_answer(spec))
        return Grading(0.0, [], self.right_answer(spec))

    def right_answer(self, spec: dict[str, Any]) -> str:
        best = max(spec['answers'], key=lambda answer: float(answer['fraction']))
        if best['text'] == '*':
            return '*'
        tolerance = abs(float(best.get('tolerance') or 0.0))
        return f"{best['text']} ± {_num(tolerance)}" if tolerance else best['text']

    def _display(self, spec: dict[str, Any], shuffle_seed: int | None) -> dict[str, Any]:
        return {'max_length': NUMBER_MAX}


def _within(answer: dict[str, Any], value: float) -> bool:
    """qtype_numerical_answer::within_tolerance() for Moodle's nominal tolerance, with its epsilon."""
    if answer['text'] == '*':
        return True
    if answer.get('min') is not None and answer.get('max') is not None:
        low, high = float(answer['min']), float(answer['max'])
    else:
        centre, tolerance = float(answer['text']), abs(float(answer.get('tolerance') or 0.0))
        low, high = centre - tolerance, centre + tolerance
    epsilon = 1e-14 * max(abs(low), abs(high), (high - low) / 2, 1e-14)
    return low - epsilon <= value <= high + epsilon


class MatchingType(QuestionType):
    """The share of sub-questions (pairs with a question) answered with their own answer text."""

    name = 'matching'
    response_schema = MatchingSchema
    uses_pairs = True
    input = 'matching'

    def _check(self, spec: dict[str, Any], data: dict[str, Any]) -> None:
        stems = {str(index) for index, _ in _stems(spec)}
        choices = set(_choices(spec))
        errors: dict[str, list[str]] = {}
        for key, answer in data['pairs'].items():
            if key not in stems:
                errors[key] = ['Not a sub-question of this question.']
            elif answer not in choices:
                errors[key] = ['Not one of the answers.']
        if errors:
            raise ValidationError({'pairs': errors})

    def _grade(self, spec: dict[str, Any], data: dict[str, Any]) -> Grading:
        stems = _stems(spec)
        right = sum(1 for index, pair in stems if data['pairs'].get(str(index)) == pair['answer'])
        return Grading(right / len(stems) if stems else 0.0, [], self.right_answer(spec))

    def right_answer(self, spec: dict[str, Any]) -> str:
        return '; '.join(f"{pair['question']} → {pair['answer']}" for _, pair in _stems(spec))

    def _display(self, spec: dict[str, Any], shuffle_seed: int | None) -> dict[str, Any]:
        choices = sorted(_choices(spec), key=lambda text: (text.casefold(), text))
        if shuffle_seed is not None:
            choices = _shuffled(choices, shuffle_seed)
        subquestions = [{'index': index, 'text': pair['question'], **_pair_format(pair)}
                        for index, pair in _stems(spec)]
        return {'subquestions': subquestions, 'choices': choices}


def _stems(spec: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return [(index, pair) for index, pair in enumerate(spec['pairs']) if pair['question']]


def _choices(spec: dict[str, Any]) -> list[str]:
    """The distinct answer texts, distractors included (Moodle merges identical answers)."""
    return list(dict.fromkeys(pair['answer'] for pair in spec['pairs']))


def _answer_format(answer: dict[str, Any]) -> dict[str, str]:
    return {'text_format': answer['text_format']} if 'text_format' in answer else {}


def _pair_format(pair: dict[str, Any]) -> dict[str, str]:
    return {'text_format': pair['question_format']} if 'question_format' in pair else {}


QUESTION_TYPES: dict[str, QuestionType] = {
    qtype.name: qtype
    for qtype in (DescriptionType(), EssayType(), TrueFalseType(), MultichoiceType(), MultiresponseType(),
                  ShortanswerType(), NumericalType(), MatchingType())
}


def get_question_type(qtype: str) -> QuestionType:
    """The registered type called ``qtype``; ValueError for an unknown one."""
    try:
        return QUESTION_TYPES[qtype]
    except KeyError:
        raise ValueError(f'unknown question type {qtype!r}') from None


def gift_from_spec(qtype: str, name: str, text: str, text_format: str, category: str, general_feedback: str,
                   spec: dict[str, Any], *, general_feedback_format: str = '', idnumber: str = '',
                   tags: list[str] | tuple[str, ...] = ()) -> GiftQuestion:
    """The GiftQuestion for export; the inverse of ``QUESTION_TYPES[qtype].spec_from_gift()``."""
    get_question_type(qtype)
    answers = [
        GiftAnswer(answer['text'], float(answer['fraction']), answer.get('feedback', ''),
                   _float_or_none(answer.get('tolerance')), _float_or_none(answer.get('min')),
                   _float_or_none(answer.get('max')), text_format=answer.get('text_format', text_format),
                   feedback_format=answer.get('feedback_format', text_format))
        for answer in spec.get('answers', [])
    ]
    pairs = [GiftMatchPair(pair['question'], pair['answer'], pair.get('question_format', text_format))
             for pair in spec.get('pairs', [])]
    return GiftQuestion(qtype=qtype, name=name, text=text, text_format=text_format, category=category,
                        general_feedback=general_feedback, answers=answers, idnumber=idnumber, tags=list(tags),
                        general_feedback_format=general_feedback_format, pairs=pairs,
                        missing_word=bool(spec.get('missing_word', False)),
                        case_sensitive=bool(spec.get('case_sensitive', False)))


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)
