"""Tests for the question types (lms_ext.quizzes.question_types): specs, validation, grading, display, export.

Pure tests: every question is built by parsing real GIFT with parse_gift(); no app, no database.
"""

import json
from pathlib import Path

import pytest
from marshmallow import ValidationError

from lms_ext.quizzes.gift import QTYPES, parse_gift, write_gift
from lms_ext.quizzes.question_types import (
    QUESTION_TYPES,
    Grading,
    QuestionType,
    get_question_type,
    gift_from_spec,
    parse_number,
    wildcard_match,
)

SAMPLES = sorted((Path(__file__).parent / 'gift_samples').glob('*.gift'))


def question(gift):
    """The single question parsed from ``gift``; fails on any error."""
    result = parse_gift(gift)
    assert result.errors == []
    assert len(result.questions) == 1
    return result.questions[0]


def spec_of(gift, qtype=None):
    """(type, JSON round-tripped spec) of the single question in ``gift``."""
    q = question(gift)
    if qtype is not None:
        assert q.qtype == qtype
    kind = QUESTION_TYPES[q.qtype]
    return kind, json.loads(json.dumps(kind.spec_from_gift(q)))


def grade(gift, response, qtype=None):
    kind, spec = spec_of(gift, qtype)
    return kind.grade(spec, response)


def errors_of(gift, response):
    kind, spec = spec_of(gift)
    with pytest.raises(ValidationError) as caught:
        kind.validate_response(spec, response)
    return caught.value.messages


def test_registry_covers_every_gift_type():
    assert set(QUESTION_TYPES) == set(QTYPES)
    for name, kind in QUESTION_TYPES.items():
        assert isinstance(kind, QuestionType)
        assert kind.name == name
        assert get_question_type(name) is kind
    with pytest.raises(ValueError, match='unknown question type'):
        get_question_type('cloze')


def test_spec_from_gift_rejects_another_type():
    with pytest.raises(ValueError, match='not a multichoice'):
        QUESTION_TYPES['multichoice'].spec_from_gift(question('Q {T}'))


# Specs.

def test_multichoice_spec():
    kind, spec = spec_of('Colour? {=Blue#Yes. ~Red#No. ~%-50%Green}')
    assert spec == {'answers': [{'text': 'Blue', 'fraction': 1.0, 'feedback': 'Yes.'},
                                {'text': 'Red', 'fraction': 0.0, 'feedback': 'No.'},
                                {'text': 'Green', 'fraction': -0.5, 'feedback': ''}],
                    'missing_word': False}
    assert all(isinstance(a['fraction'], float) for a in spec['answers'])


def test_numerical_spec_keeps_intervals_and_catch_all():
    _, spec = spec_of('N? {# =%100%3 =%50%3:1 ~#catch-all feedback}')
    assert spec == {'answers': [
        {'text': '3', 'fraction': 1.0, 'feedback': '', 'tolerance': 0.0, 'min': 3.0, 'max': 3.0},
        {'text': '3', 'fraction': 0.5, 'feedback': '', 'tolerance': 1.0, 'min': 2.0, 'max': 4.0},
        {'text': '*', 'fraction': 0.0, 'feedback': 'catch-all feedback', 'tolerance': None, 'min': None,
         'max': None},
    ], 'missing_word': False}


def test_other_specs():
    assert spec_of('S? {=abc}')[1] == {'answers': [{'text': 'abc', 'fraction': 1.0, 'feedback': ''}],
                                        'case_sensitive': False, 'missing_word': False}
    assert spec_of('M {=a -> 1 =b -> 2 = -> 3}')[1] == {
        'pairs': [{'question': 'a', 'answer': '1'}, {'question': 'b', 'answer': '2'},
                  {'question': '', 'answer': '3'}], 'missing_word': False}
    assert spec_of('Write {} here.')[1] == {'missing_word': True}
    assert spec_of('Just text.')[1] == {}
    assert spec_of('TF {F}')[1] == {'answers': [{'text': 'True', 'fraction': 0.0, 'feedback': ''},
                                                 {'text': 'False', 'fraction': 1.0, 'feedback': ''}],
                                     'missing_word': False}


def test_answer_formats_that_differ_from_the_question_are_kept():
    _, spec = spec_of('[html]Pick {=[plain]<b> ~[html]<i>#[markdown]*no*}')
    assert spec['answers'] == [{'text': '<b>', 'fraction': 1.0, 'feedback': '', 'text_format': 'plain'},
                               {'text': '<i>', 'fraction': 0.0, 'feedback': '*no*', 'feedback_format': 'markdown'}]


# Multiple choice, one answer.

MC = 'Colour of the sky? {=Blue#Right. ~%50%Cyan#Nearly. ~Red#No. ~%-100%Black#Certainly not.}'


@pytest.mark.parametrize(('choice', 'fraction', 'feedback'), [
    (0, 1.0, ['Right.']), (1, 0.5, ['Nearly.']), (2, 0.0, ['No.']), (3, 0.0, ['Certainly not.']),
])
def test_multichoice_grades_the_chosen_answer(choice, fraction, feedback):
    assert grade(MC, {'choice': choice}, 'multichoice') == Grading(fraction, feedback, 'Blue')


def test_multichoice_accepts_a_form_string():
    assert grade(MC, {'choice': '1'}).fraction == 0.5


@pytest.mark.parametrize(('response', 'field'), [
    ({'choice': 4}, 'choice'), ({'choice': -1}, 'choice'), ({'choice': 'x'}, 'choice'), ({'choice': True}, 'choice'),
    ({'choice': 1.5}, 'choice'), ({'choice': '1.5'}, 'choice'), ({}, 'choice'), ({'choice': None}, 'choice'),
    ({'choice': 0, 'other': 1}, 'other'),
])
def test_multichoice_validation(response, field):
    assert field in errors_of(MC, response)


def test_non_dict_response_is_a_validation_error():
    assert errors_of(MC, ['choice']) == {'_schema': ['Invalid input type.']}


# Multiple response.

MR = 'Pick the tools {~%50%Hammer#Tool. ~%50%Saw#Tool too. ~%-100%Banana#Fruit!}'


@pytest.mark.parametrize(('choices', 'fraction', 'feedback'), [
    ([0, 1], 1.0, ['Tool.', 'Tool too.']),
    ([1], 0.5, ['Tool too.']),
    ([0, 2], 0.0, ['Tool.', 'Fruit!']),          # 0.5 - 1 is clamped to 0.
    ([0, 1, 2], 0.0, ['Tool.', 'Tool too.', 'Fruit!']),
    ([2], 0.0, ['Fruit!']),
    ([], 0.0, []),
])
def test_multiresponse_sums_weights_and_clamps(choices, fraction, feedback):
    result = grade(MR, {'choices': choices}, 'multiresponse')
    assert result == Grading(fraction, feedback, 'Hammer; Saw')


def test_multiresponse_negative_weight_subtracts():
    gift = 'Pick {~%50%A ~%50%B ~%-25%C ~%-100%D}'
    assert grade(gift, {'choices': [0, 1, 2]}).fraction == pytest.approx(0.75)
    assert grade(gift, {'choices': [2, 0]}).fraction == pytest.approx(0.25)


def test_multiresponse_over_one_is_clamped():
    # Positive weights adding up to 150% are only a warning for Moodle's importer.
    result = parse_gift('Pick {~%50%A ~%50%B ~%50%C}')
    assert result.errors == [] and result.warnings
    kind = QUESTION_TYPES['multiresponse']
    assert kind.grade(kind.spec_from_gift(result.questions[0]), {'choices': [0, 1, 2]}).fraction == 1.0


@pytest.mark.parametrize(('response', 'message'), [
    ({'choices': [0, 3]}, 'Must be between 0 and 2'),
    ({'choices': [-1]}, 'Must be between 0 and 2'),
    ({'choices': [1, 1]}, 'only once'),
    ({'choices': 1}, 'Not a valid list'),
    ({'choices': ['a']}, 'Not a valid integer'),
    ({}, 'required'),
])
def test_multiresponse_validation(response, message):
    assert message in json.dumps(errors_of(MR, response)['choices'])


# True / false.

def test_true_false_both_ways_with_feedback():
    true = 'The sky is blue. {TRUE#Look again.#Well observed.}'
    assert grade(true, {'value': True}, 'truefalse') == Grading(1.0, ['Well observed.'], 'True')
    assert grade(true, {'value': False}) == Grading(0.0, ['Look again.'], 'True')
    false = 'Guards may be removed while running. {F#Never.#Right, stop first.}'
    assert grade(false, {'value': False}) == Grading(1.0, ['Right, stop first.'], 'False')
    assert grade(false, {'value': True}) == Grading(0.0, ['Never.'], 'False')
    assert grade('Plain. {T}', {'value': 'false'}) == Grading(0.0, [], 'True')


@pytest.mark.parametrize('response', [{'value': 'maybe'}, {'value': None}, {}, {'value': [True]}])
def test_true_false_validation(response):
    assert 'value' in errors_of('Q {T}', response)


# Short answer.

SA = 'Tool name? {=Spanner#Yes. =wrench#Also fine. =%50%*key*#Half. =%-50%hammer#No.}'


@pytest.mark.parametrize(('text', 'fraction', 'feedback'), [
    ('Spanner', 1.0, ['Yes.']),
    ('  spanner ', 1.0, ['Yes.']),             # Trimmed, case-insensitive.
    ('WRENCH', 1.0, ['Also fine.']),
    ('a key', 0.5, ['Half.']),                 # '*' matches any sequence...
    ('key', 0.5, ['Half.']),                   # ...including an empty one.
    ('keyring', 0.5, ['Half.']),
    ('Hammer', 0.0, ['No.']),                  # A negative fraction is clamped to 0.
    ('spanners', 0.0, []),
    ('', 0.0, []),
    ('   ', 0.0, []),
])
def test_shortanswer_grading(text, fraction, feedback):
    assert grade(SA, {'text': text}, 'shortanswer') == Grading(fraction, feedback, 'Spanner')


def test_shortanswer_first_matching_answer_wins():
    gift = 'Q {=%50%sp*#Half. =spanner#Full.}'
    assert grade(gift, {'text': 'spanner'}) == Grading(0.5, ['Half.'], 'spanner')


def test_shortanswer_case_sensitive():
    q = question('Unit of force? {=N}')
    q.case_sensitive = True  # GIFT cannot express it, but the spec keeps it.
    kind = QUESTION_TYPES['shortanswer']
    spec = kind.spec_from_gift(q)
    assert spec['case_sensitive'] is True
    assert kind.grade(spec, {'text': 'N'}).fraction == 1.0
    assert kind.grade(spec, {'text': 'n'}).fraction == 0.0
    assert grade('Unit of force? {=N}', {'text': 'n'}).fraction == 1.0


def test_shortanswer_wildcard_is_the_only_pattern():
    assert wildcard_match('a.c', 'a.c', case_sensitive=False)
    assert not wildcard_match('abc', 'a.c', case_sensitive=False)
    assert wildcard_match('(x)+[y]', '(x)+[y]', case_sensitive=True)
    assert wildcard_match('a*b', 'a\\*b', case_sensitive=True)
    assert not wildcard_match('axb', 'a\\*b', case_sensitive=True)
    assert wildcard_match('anything', '**', case_sensitive=True)
    assert wildcard_match('Cafe\u0301', 'Caf\u00e9', case_sensitive=True)  # NFC-normalised.


@pytest.mark.parametrize('response', [{'text': 'x' * 501}, {'text': 5}, {}, {'text': None}])
def test_shortanswer_validation(response):
    assert 'text' in errors_of(SA, response)


def test_shortanswer_length_limit_is_inclusive():
    assert grade(SA, {'text': 'x' * 500}).fraction == 0.0


# Numerical.

@pytest.mark.parametrize(('value', 'fraction'), [
    ('3.5', 1.0), ('3,5', 1.0), ('3.6', 1.0), ('3.4', 1.0), (' 3,45 ', 1.0), ('3.61', 0.0), ('3.39', 0.0),
    ('35e-1', 1.0), ('+3.5', 1.0),
])
def test_numerical_tolerance(value, fraction):
    assert grade('Q {#3.5:0.1}', {'value': value}, 'numerical') == Grading(fraction, [], '3.5 ± 0.1')


@pytest.mark.parametrize(('value', 'fraction'), [('1', 1.0), ('5', 1.0), ('3', 1.0), ('0.999', 0.0), ('5.01', 0.0)])
def test_numerical_range(value, fraction):
    assert grade('Q {#1..5}', {'value': value}).fraction == fraction


@pytest.mark.parametrize(('value', 'fraction', 'feedback'), [
    ('3', 1.0, []),
    ('3.0', 1.0, []),
    ('2.5', 0.5, []),
    ('4', 0.5, []),
    ('4.5', 0.0, ['catch-all feedback']),
    ('-100', 0.0, ['catch-all feedback']),
])
def test_numerical_weighted_answers_and_catch_all(value, fraction, feedback):
    result = grade('N? {# =%100%3 =%50%3:1 ~#catch-all feedback}', {'value': value})
    assert result == Grading(fraction, feedback, '3')


def test_numerical_first_matching_answer_wins_and_feedback():
    gift = 'Torque? {#=%50%45..55#Close. =%100%49:2#Good.}'
    assert grade(gift, {'value': '49'}) == Grading(0.5, ['Close.'], '49 ± 2')
    assert grade(gift, {'value': '46'}) == Grading(0.5, ['Close.'], '49 ± 2')
    assert grade(gift, {'value': '60'}) == Grading(0.0, [], '49 ± 2')


def test_numerical_explicit_star_matches_anything():
    assert grade('Q {#=2 =%50%*#Any number.}', {'value': '7'}) == Grading(0.5, ['Any number.'], '2')


def test_numerical_negative_values():
    assert grade('Q {#-2:0.5}', {'value': '-2,4'}).fraction == 1.0
    assert grade('Q {#-2:0.5}', {'value': '2'}).fraction == 0.0


@pytest.mark.parametrize('value', ['', 'abc', '3.5.1', '1,000.5', '1,2,3', 'nan', 'inf', '1_0', '1e999',
                                   '0x10', '3 5', '1' * 51])
def test_numerical_validation(value):
    assert 'value' in errors_of('Q {#3}', {'value': value})


@pytest.mark.parametrize('response', [{'value': 3.5}, {}, {'number': '3'}])
def test_numerical_validation_of_the_field(response):
    assert errors_of('Q {#3}', response)


def test_parse_number():
    assert parse_number('3,5') == parse_number('3.5') == 3.5
    assert parse_number('.5') == 0.5
    assert parse_number('5.') == 5.0
    assert parse_number('-1E3') == -1000.0
    assert parse_number('1,000.5') is None
    assert parse_number('') is None


# Matching.

MATCH = 'Match the parts. {=Bolt -> Nut =Hammer -> Nail =Key -> Lock = -> Glue}'


@pytest.mark.parametrize(('pairs', 'fraction'), [
    ({'0': 'Nut', '1': 'Nail', '2': 'Lock'}, 1.0),
    ({'0': 'Nut', '1': 'Lock', '2': 'Nail'}, 1 / 3),
    ({'0': 'Nut', '1': 'Nail'}, 2 / 3),
    ({'0': 'Glue', '1': 'Glue', '2': 'Glue'}, 0.0),
    ({}, 0.0),
])
def test_matching_share_of_sub_questions(pairs, fraction):
    result = grade(MATCH, {'pairs': pairs}, 'matching')
    assert result.fraction == pytest.approx(fraction)
    assert result.feedback == []
    assert result.right_answer == 'Bolt → Nut; Hammer → Nail; Key → Lock'


def test_matching_duplicate_answer_texts_are_one_choice():
    gift = 'M {=Hex key -> Tool =Spanner -> Tool =Oak -> Wood}'
    kind, spec = spec_of(gift)
    assert kind.display(spec, shuffle_seed=None)['choices'] == ['Tool', 'Wood']
    assert kind.grade(spec, {'pairs': {'0': 'Tool', '1': 'Tool', '2': 'Tool'}}).fraction == pytest.approx(2 / 3)


@pytest.mark.parametrize(('pairs', 'key'), [
    ({'3': 'Glue'}, '3'),        # The distractor is not a sub-question.
    ({'4': 'Nut'}, '4'),
    ({'x': 'Nut'}, 'x'),
    ({'0': 'Screw'}, '0'),       # Not one of the answers.
])
def test_matching_validation(pairs, key):
    assert key in errors_of(MATCH, {'pairs': pairs})['pairs']


@pytest.mark.parametrize('response', [{'pairs': ['Nut']}, {'pairs': {'0': 1}}, {}])
def test_matching_validation_of_the_field(response):
    assert 'pairs' in errors_of(MATCH, response)


# Essay and description.

def test_essay_needs_manual_grading():
    result = grade('Describe a near miss. {}', {'text': 'Once...'}, 'essay')
    assert result == Grading(None, [], '', graded=True)
    assert result.needs_manual_grading
    assert 'text' in errors_of('Describe. {}', {'text': 'x' * 20001})
    assert grade('Describe. {}', {'text': 'x' * 20000}).fraction is None


def test_description_is_not_graded():
    result = grade('Read this first.', {}, 'description')
    assert result.fraction is None and not result.graded and not result.needs_manual_grading
    assert 'text' in errors_of('Read this first.', {'text': 'hi'})


# Display.

DISPLAY_CASES = [MC, MR, SA, MATCH, 'Q {T#wrong#right}', 'Q {#3.5:0.1 ~#no}', 'Describe. {}', 'Intro text.',
                 'A {~higher =lower#yes ~same} speed.']


@pytest.mark.parametrize('gift', DISPLAY_CASES)
@pytest.mark.parametrize('seed', [None, 7])
def test_display_reveals_no_fractions_or_feedback(gift, seed):
    kind, spec = spec_of(gift)
    shown = kind.display(spec, shuffle_seed=seed)
    text = json.dumps(shown)
    for secret in ('fraction', 'feedback', 'Right.', 'Nearly.', 'wrong', 'right', 'tolerance', '3.5', 'yes'):
        assert secret not in text
    assert shown['input'] == kind.input
    assert json.loads(text) == shown


def test_display_of_each_type():
    kind, spec = spec_of(MC)
    assert kind.display(spec, shuffle_seed=None) == {'input': 'radio', 'missing_word': False, 'options': [
        {'index': 0, 'text': 'Blue'}, {'index': 1, 'text': 'Cyan'}, {'index': 2, 'text': 'Red'},
        {'index': 3, 'text': 'Black'}]}
    kind, spec = spec_of(MATCH)
    assert kind.display(spec, shuffle_seed=None) == {
        'input': 'matching', 'missing_word': False,
        'subquestions': [{'index': 0, 'text': 'Bolt'}, {'index': 1, 'text': 'Hammer'}, {'index': 2, 'text': 'Key'}],
        'choices': ['Glue', 'Lock', 'Nail', 'Nut']}
    kind, spec = spec_of('Q {T}')
    assert kind.display(spec, shuffle_seed=3)['options'] == [{'value': True, 'text': 'True'},
                                                              {'value': False, 'text': 'False'}]
    assert spec_of('A {~higher =lower ~same} speed.')[0].display(
        spec_of('A {~higher =lower ~same} speed.')[1], shuffle_seed=None)['missing_word'] is True
    kind, spec = spec_of('Intro text.')
    assert kind.display(spec, shuffle_seed=1) == {'input': 'none'}
    assert spec_of(SA)[0].display(spec_of(SA)[1], shuffle_seed=None) == {'input': 'text', 'missing_word': False,
                                                                         'max_length': 500}


def test_display_keeps_a_differing_answer_format():
    kind, spec = spec_of('[html]Pick {=[plain]<b> ~<i>}')
    assert kind.display(spec, shuffle_seed=None)['options'] == [{'index': 0, 'text': '<b>', 'text_format': 'plain'},
                                                                {'index': 1, 'text': '<i>'}]


@pytest.mark.parametrize('gift', [MC, MR])
def test_options_shuffle_deterministically(gift):
    kind, spec = spec_of(gift)
    orders = {seed: [o['index'] for o in kind.display(spec, shuffle_seed=seed)['options']] for seed in range(20)}
    for seed, order in orders.items():
        assert sorted(order) == list(range(len(spec['answers'])))
        assert [o['index'] for o in kind.display(spec, shuffle_seed=seed)['options']] == order
    assert len({tuple(order) for order in orders.values()}) > 1
    assert [o['index'] for o in kind.display(spec, shuffle_seed=None)['options']] == list(range(len(spec['answers'])))


def test_matching_choices_shuffle_deterministically_but_sub_questions_keep_their_order():
    kind, spec = spec_of(MATCH)
    shown = {seed: kind.display(spec, shuffle_seed=seed) for seed in range(20)}
    for seed, display in shown.items():
        assert sorted(display['choices']) == ['Glue', 'Lock', 'Nail', 'Nut']
        assert display == kind.display(spec, shuffle_seed=seed)
        assert [s['index'] for s in display['subquestions']] == [0, 1, 2]
    assert len({tuple(display['choices']) for display in shown.values()}) > 1


def test_shuffle_does_not_change_grading():
    kind, spec = spec_of(MC)
    option = kind.display(spec, shuffle_seed=5)['options'][0]
    assert kind.grade(spec, {'choice': option['index']}).fraction == [1.0, 0.5, 0.0, 0.0][option['index']]


# Export: spec -> GiftQuestion.

ROUND_TRIP = [
    MC, MR, SA, MATCH, 'Q {T#wrong#right}', 'Q {FALSE}', 'N? {# =%100%3 =%50%3:1 ~#catch-all feedback}',
    'Q {#1..5}', 'Q {#3.5:0.1}', 'Q {#=2 =%50%*:1#Any.}', 'Describe. {####Ask your trainer.}', 'Intro text.',
    'A {~higher =lower ~same} speed.',
    '// [id:X1] [tag:a] [tag:b]\n::Named::[html]<p>Pick</p>{=[plain]<b> ~<i>#[markdown]*no*####[plain]General}',
    'Write the word {=Nut =nut#x =%50%N*} here.', 'M {=[html]<b>a</b> -> 1 =b -> 2 = -> 3}',
    '[markdown]True? {T#[html]<b>no</b>#[plain]yes}',
]


def _round_trip(q):
    kind = QUESTION_TYPES[q.qtype]
    spec = json.loads(json.dumps(kind.spec_from_gift(q)))
    return gift_from_spec(q.qtype, q.name, q.text, q.text_format, q.category, q.general_feedback, spec,
                          general_feedback_format=q.general_feedback_format, idnumber=q.idnumber, tags=q.tags)


@pytest.mark.parametrize('gift', ROUND_TRIP)
def test_gift_round_trip(gift):
    q = question(gift)
    back = _round_trip(q)
    assert back == q
    assert write_gift([back]) == write_gift([q])
    assert parse_gift(write_gift([back])).questions == [q]


@pytest.mark.parametrize('path', SAMPLES, ids=lambda path: path.name)
def test_gift_round_trip_of_the_samples(path):
    result = parse_gift(path.read_text(encoding='utf-8'))
    assert result.questions
    for q in result.questions:
        assert _round_trip(q) == q


def test_gift_from_spec_with_the_basic_arguments():
    q = question('$CATEGORY: top/Safety\n\n::Colour::Sky? {=Blue#Yes ~Red}\n')
    spec = QUESTION_TYPES['multichoice'].spec_from_gift(q)
    back = gift_from_spec('multichoice', 'Colour', 'Sky?', 'moodle', 'top/Safety', '', spec)
    assert back == q
    with pytest.raises(ValueError, match='unknown question type'):
        gift_from_spec('cloze', 'x', 'y', 'moodle', '', '', {})
