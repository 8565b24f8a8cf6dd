"""Tests for the GIFT parser and writer (lms_ext.quizzes.gift).

Cases marked "Moodle: test_x" are ported from question/format/gift/tests/giftformat_test.php.
"""

import random
from pathlib import Path

import pytest

from lms_ext.quizzes.gift import (
    BLANK,
    GiftAnswer,
    GiftIssue,
    GiftMatchPair,
    GiftQuestion,
    GiftSyntaxError,
    clean_tag,
    extract_idnumber_and_tags,
    import_defaults,
    match_grade,
    parse_gift,
    write_gift,
)
from lms_ext.quizzes.gift._php import clean_question_name, is_numeric, php_num, shorten_text, strip_tags

SAMPLES = sorted((Path(__file__).parent / 'gift_samples').glob('*.gift'))


def one(text, **kwargs):
    """The single question in ``text``; fails on any error."""
    result = parse_gift(text, **kwargs)
    assert result.errors == []
    assert len(result.questions) == 1
    return result.questions[0]


def answers(question):
    return [(a.text, a.fraction, a.feedback) for a in question.answers]


def issues(text, kind='errors'):
    return [(i.line, i.column, i.message) for i in getattr(parse_gift(text), kind)]


# Moodle's own import tests.

def test_import_essay():  # Moodle: test_import_essay
    q = one('\n// essay\n::Q8:: How are you? {}')
    assert (q.qtype, q.name, q.text, q.text_format, q.general_feedback) == (
        'essay', 'Q8', 'How are you?', 'moodle', '')
    assert q.extra == {'defaultmark': 1.0, 'penalty': 0.3333333, 'length': 1, 'responseformat': 'editor',
                       'responserequired': 1, 'responsefieldlines': 15, 'attachments': 0,
                       'attachmentsrequired': 0}


def test_import_match():  # Moodle: test_import_match
    q = one('\n// question: 2  name: Moodle activities\n'
            '::Moodle activities::[html]Match the <b>activity</b> to the description.{\n'
            '    =[html]An activity supporting asynchronous discussions. -> Forum\n'
            '    =[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice\n'
            '    =[plain]A bank of record entries which participants can add to. -> Database\n'
            '    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki\n'
            '    = -> Chat\n}')
    assert (q.qtype, q.name, q.text, q.text_format, q.general_feedback_format) == (
        'matching', 'Moodle activities', 'Match the <b>activity</b> to the description.', 'html', 'html')
    assert q.pairs == [
        GiftMatchPair('An activity supporting asynchronous discussions.', 'Forum', 'html'),
        GiftMatchPair('A teacher asks a question and specifies a choice of multiple responses.', 'Choice',
                      'moodle'),
        GiftMatchPair('A bank of record entries which participants can add to.', 'Database', 'plain'),
        GiftMatchPair('A collection of web pages that anyone can add to or edit.', 'Wiki', 'markdown'),
        GiftMatchPair('', 'Chat', 'html'),
    ]


def test_import_multichoice():  # Moodle: test_import_multichoice
    q = one("\n// multiple choice with specified feedback for right and wrong answers\n"
            "::Q2:: What's between orange and green in the spectrum?\n{\n"
            "    =yellow # right; good!\n    ~red # [html]wrong, it's yellow\n"
            "    ~[plain]blue # wrong, it's yellow\n}")
    assert (q.qtype, q.name) == ('multichoice', 'Q2')
    assert q.text == "What's between orange and green in the spectrum?"
    assert q.answers == [
        GiftAnswer('yellow', 1.0, 'right; good!'),
        GiftAnswer('red', 0.0, "wrong, it's yellow", feedback_format='html'),
        GiftAnswer('blue', 0.0, "wrong, it's yellow", text_format='plain'),
    ]


def test_import_multichoice_multi():  # Moodle: test_import_multichoice_multi
    q = one("::colours:: What's between orange and green in the spectrum?\n{\n"
            '    ~%50%yellow # right; good!\n    ~%-100%red # [html]wrong\n'
            '    ~%50%off-beige # right; good!\n    ~%-100%[plain]blue # wrong\n}')
    assert q.qtype == 'multiresponse'  # Moodle: single = 0
    assert answers(q) == [('yellow', 0.5, 'right; good!'), ('red', -1.0, 'wrong'),
                          ('off-beige', 0.5, 'right; good!'), ('blue', -1.0, 'wrong')]
    assert [(a.text_format, a.feedback_format) for a in q.answers] == [
        ('moodle', 'moodle'), ('moodle', 'html'), ('moodle', 'moodle'), ('plain', 'moodle')]


def test_import_multichoice_multi_tricky():  # Moodle: test_import_multichoice_multi_tricky
    q = one("::colours:: What's between orange and green in the spectrum?\n{\n"
            '    ~%100%yellow # right; good!\n    ~%-50%red # wrong\n    ~%-50%blue # wrong\n}')
    assert q.qtype == 'multiresponse'  # A 100% answer without '=' still means single = 0.
    assert answers(q) == [('yellow', 1.0, 'right; good!'), ('red', -0.5, 'wrong'), ('blue', -0.5, 'wrong')]


def test_import_numerical():  # Moodle: test_import_numerical
    q = one('\n// math range question\n::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}')
    assert (q.qtype, q.text) == ('numerical', 'What is a number from 1 to 5?')
    assert [(a.text, a.fraction, a.feedback, a.tolerance) for a in q.answers] == [
        ('3', 1.0, '', 2.0), ('*', 0.0, 'Completely wrong', None)]
    assert (q.answers[0].min, q.answers[0].max) == (1.0, 5.0)


@pytest.mark.parametrize('general', ['', '\n    ####[html]Here is some general feedback!'])
def test_import_shortanswer(general):  # Moodle: test_import_shortanswer(_with_general_feedback)
    q = one('\n// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n'
            '    =Frog#Good!\n    =%50%Cat#What is it with Moodlers and cats?\n'
            f'    =%0%*#Completely wrong{general}\n}}')
    assert (q.qtype, q.name, q.case_sensitive) == ('shortanswer', 'Shortanswer', False)
    assert answers(q) == [('Frog', 1.0, 'Good!'), ('Cat', 0.5, 'What is it with Moodlers and cats?'),
                          ('*', 0.0, 'Completely wrong')]
    if general:
        assert (q.general_feedback, q.general_feedback_format) == ('Here is some general feedback!', 'html')


@pytest.mark.parametrize(('gift', 'correct', 'true_feedback', 'false_feedback'), [
    # Moodle: test_import_truefalse. The first '#' is the feedback for the WRONG answer.
    ('// true/false\n::Q1:: 42 is the Absolute Answer to everything.{\n'
     'FALSE#42 is the Ultimate Answer.#You gave the right answer.}',
     False, '42 is the Ultimate Answer.', 'You gave the right answer.'),
    ('// name 0-11\n::2-08 TSL::TSL is blablabla.{T}', True, '', ''),  # Moodle: ..._true_answer1
    ('// name 0-11\n::2-08 TSL::TSL is blablabla.{TRUE}', True, '', ''),  # Moodle: ..._true_answer2
    ('::Q::Statement.{TRUE#if you said false#if you said true}', True, 'if you said true',
     'if you said false'),
    ('::Q::Statement.{F#wrong}', False, 'wrong', ''),
])
def test_import_truefalse(gift, correct, true_feedback, false_feedback):
    q = one(gift)
    assert q.qtype == 'truefalse'
    assert q.extra['penalty'] == 1.0
    assert answers(q) == [('True', float(correct), true_feedback),
                          ('False', float(not correct), false_feedback)]


def test_import_backslash():  # Moodle: test_import_backslash
    q = one('\n// essay\n::double backslash:: A \\\\ B \\\\\\\\ C{}')
    assert (q.name, q.text) == ('double backslash', 'A \\ B \\\\ C')


def test_import_pre_content():  # Moodle: test_import_pre_content
    q = one('\n::Q001::[html]<p>What would running the test method print?</p>\n<pre>\n'
            '    public void test() \\{\n        method1();\n        method2();\n'
            '        method3();\n    \\}\n</pre>\n{}')
    # Lines are trimmed before they are joined, as Moodle's readquestions() does.
    assert q.text == ('<p>What would running the test method print?</p>\n<pre>\npublic void test() {\n'
                      'method1();\nmethod2();\nmethod3();\n}\n</pre>')
    assert (q.qtype, q.text_format, q.general_feedback_format) == ('essay', 'html', 'html')


def test_import_question_with_tags():  # Moodle: test_import_question_with_tags
    q = one('\n// This question is to test importing tags: [tag:tag] [tag:other-tag].\n'
            '// And an idnumber: [id:myid].\n::Question name:: How are you? {}')
    assert (q.name, q.idnumber, q.tags) == ('Question name', 'myid', ['tag', 'other-tag'])


@pytest.mark.parametrize(('idnumber', 'tags', 'comment'), [  # Moodle: test_extract_idnumber_and_tags_...
    ('', [], ''),
    ('', [], '// A basic comment.'),
    ('frog', [], '// A comment with [id:frog] <-- an idnumber.'),
    ('', ['frog', 'toad'], '// Look tags: [tag:frog] [tag:toad].'),
    ('four', ['add', 'basic'], '// [tag:add] [tag:basic] [id:four]'),
    ('four', ['basic', 'add'], '// [tag:  basic] Here is  \n// a [id:   four   ] que[tag:add   ]stion.'),
    ('', [], "// Ceci n'est pas une [tag:\n\\ frog]."),
    ('i]d', [], '// [id:i\\]d].'),
    ('', ['t]ag'], '// [tag:t\\]ag].'),
])
def test_extract_idnumber_and_tags_from_comment(idnumber, tags, comment):
    assert extract_idnumber_and_tags(comment) == (idnumber, tags)


# Moodle's export tests: our writer gives Moodle's text, minus the '// question: 666  name: ...' line.

def _mc(qtype, fractions):
    feedback = ['right; good!', "wrong, it's yellow", "wrong, it's yellow"]
    return GiftQuestion(qtype, 'Q8', "What's between orange and green in the spectrum?", answers=[
        GiftAnswer(text, fraction, fb) for text, fraction, fb in zip(['yellow', 'red', 'blue'], fractions,
                                                                      feedback, strict=True)])


@pytest.mark.parametrize(('question', 'expected'), [
    (GiftQuestion('essay', 'Q8', 'How are you?'), '::Q8::How are you?{}\n'),  # Moodle: test_export_essay
    (GiftQuestion('essay', 'backslash', 'A \\ B \\\\ C'),  # Moodle: test_export_backslash
     '::backslash::A \\\\ B \\\\\\\\ C{}\n'),
    (_mc('multiresponse', [1, -0.5, -0.5]),  # Moodle: test_export_multichoice_multi_tricky
     "::Q8::What's between orange and green in the spectrum?{\n\t~%100%yellow#right; good!\n"
     "\t~%-50%red#wrong, it's yellow\n\t~%-50%blue#wrong, it's yellow\n}\n"),
    (GiftQuestion('numerical', 'Q5', 'What is a number from 1 to 5?', answers=[  # test_export_numerical
        GiftAnswer('3', 1, tolerance=2), GiftAnswer('*', 0, 'Completely wrong')]),
     '::Q5::What is a number from 1 to 5?{#\n\t=%100%3:2#\n\t~#Completely wrong\n}\n'),
    (GiftQuestion('shortanswer', 'Shortanswer', 'Which is the best animal?', answers=[  # ..._shortanswer
        GiftAnswer('Frog', 1, 'Good!'), GiftAnswer('Cat', 0.5, 'What is it with Moodlers and cats?'),
        GiftAnswer('*', 0, 'Completely wrong')], general_feedback='Here is some general feedback!',
        general_feedback_format='html'),
     '::Shortanswer::Which is the best animal?{\n\t=%100%Frog#Good!\n'
     '\t=%50%Cat#What is it with Moodlers and cats?\n\t=%0%*#Completely wrong\n'
     '\t####[html]Here is some general feedback!\n}\n'),
    (GiftQuestion('truefalse', 'Q1', '42 is the Absolute Answer to everything.', answers=[  # ..._truefalse
        GiftAnswer('True', 1, 'You gave the right answer.'),
        GiftAnswer('False', 0, '42 is the Ultimate Answer.', feedback_format='html')]),
     '::Q1::42 is the Absolute Answer to everything.{TRUE#[html]42 is the Ultimate Answer.'
     '#You gave the right answer.}\n'),
    (GiftQuestion('truefalse', 'True/false question', 'The answer is true.', text_format='html',
                  idnumber='myid', tags=['tag1', 'tag2'], general_feedback='You should have selected true.',
                  general_feedback_format='html', answers=[
                      GiftAnswer('True', 1, 'This is the right answer.', feedback_format='html'),
                      GiftAnswer('False', 0, 'This is the wrong answer.', feedback_format='html')]),
     '// [id:myid] [tag:tag1] [tag:tag2]\n::True/false question::[html]The answer is true.'  # ..._tags...
     '{TRUE#This is the wrong answer.#This is the right answer.####You should have selected true.}\n'),
])
def test_export_like_moodle(question, expected):
    assert write_gift([question]) == expected + '\n'


def test_export_multichoice():  # Moodle: test_export_multichoice
    question = _mc('multichoice', [1, 0, 0])
    question.answers[1].feedback_format = 'html'
    question.answers[2].text_format = 'plain'
    assert write_gift([question]) == (
        "::Q8::What's between orange and green in the spectrum?{\n\t=yellow#right; good!\n"
        "\t~red#[html]wrong, it's yellow\n\t~[plain]blue#wrong, it's yellow\n}\n\n")


def test_export_match():  # Moodle: test_export_match
    question = GiftQuestion('matching', 'Moodle activities', 'Match the <b>activity</b> to the description.',
                            text_format='html', general_feedback_format='html', pairs=[
                                GiftMatchPair('<div class="frog">An activity supporting asynchronous '
                                              'discussions.</div>', 'Forum', 'html'),
                                GiftMatchPair('A teacher asks a question and specifies a choice of multiple '
                                              'responses.', 'Choice', 'moodle'),
                                GiftMatchPair('', 'Chat', 'markdown')])
    # Deliberate difference: Moodle drops the format of an empty text ('= -> Chat'), which would not read
    # back as the same question, so the writer keeps it.
    assert write_gift([question]) == (
        '::Moodle activities::[html]Match the <b>activity</b> to the description.{\n'
        '\t=<div class\\="frog">An activity supporting asynchronous discussions.</div> -> Forum\n'
        '\t=[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice\n'
        '\t=[markdown] -> Chat\n}\n\n')


# Question types, in Moodle's detection order.

@pytest.mark.parametrize(('gift', 'qtype'), [
    ('Just some text.', 'description'),
    ('::Intro::[html]<p>Read this.</p>', 'description'),
    ('Write an essay. {}', 'essay'),
    ('Write an essay. {  \n }', 'essay'),
    ('Essay with general feedback {####Thanks}', 'essay'),
    ('Q {T}', 'truefalse'),
    ('Q {TRUE}', 'truefalse'),
    ('Q {F}', 'truefalse'),
    ('Q {FALSE#no#yes}', 'truefalse'),
    ('Q {=a -> b =c -> d =e -> f}', 'matching'),
    ('Q {#5}', 'numerical'),
    ('Q {#=5 =%50%6}', 'numerical'),
    ('Q {#~#anything}', None),  # numerical without answers: error
    ('Q {=Paris =paris}', 'shortanswer'),
    ('Q {Paris}', 'shortanswer'),  # no marker: Moodle's full-credit default
    ('Q {true}', 'shortanswer'),  # lower case is not true/false
    ('Q {=yes ~no}', 'multichoice'),
    ('Q {~no =yes ~maybe}', 'multichoice'),
    ('Q {~%50%a ~%50%b ~c}', 'multiresponse'),
    ('Q {~%100%a ~b}', 'multiresponse'),
    ('Q {=a -> b ~c}', 'multichoice'),  # '~' wins over '->'
    ('Q {#1 ~ =2}', 'numerical'),  # '#' first wins over '~'
])
def test_type_detection(gift, qtype):
    result = parse_gift(gift)
    assert [q.qtype for q in result.questions] == ([qtype] if qtype else [])


@pytest.mark.parametrize(('gift', 'text', 'missing'), [
    ("Grant is {~buried =entombed ~living} in Grant's tomb.", "Grant is _____ in Grant's tomb.", True),
    ('{=Cordless ~Corded} drills need batteries.', '_____ drills need batteries.', True),
    ("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}", "Who's buried in Grant's tomb?", False),
    ('Closing punctuation after the braces {=a ~b}.', 'Closing punctuation after the braces _____.', True),
    ('Blank at the end {=a ~b}\\n', 'Blank at the end _____', True),
    ('Essay blank {} here', 'Essay blank _____ here', True),
])
def test_missing_word(gift, text, missing):
    q = one(gift)
    assert (q.text, q.missing_word, BLANK) == (text, missing, '_____')


@pytest.mark.parametrize(('gift', 'name'), [
    ('::Named::Text{T}', 'Named'),
    ('::  Spaced  ::Text{T}', 'Spaced'),
    ('::<b>Bold</b> name::Text{T}', 'Bold name'),  # clean_param(PARAM_TEXT) strips tags
    ('::a \\: b::Text{T}', 'a : b'),
    ('A short untitled question{T}', 'A short untitled question'),
    ('[html]<p>Untitled <b>html</b></p>{T}', 'Untitled html'),
    ('{T}', 'Question name'),  # empty text: get_string('questionname', 'question')
    ('x' * 100 + '{T}', 'x' * 77 + '...'),  # shorten_text($text, 80)
    ('word ' * 30 + '{T}', 'word ' * 15 + '...'),  # cut after the last space before column 77
])
def test_names(gift, name):
    assert one(gift).name == name


@pytest.mark.parametrize(('qtype', 'defaultmark', 'penalty'), [
    ('description', 0.0, 0.3333333), ('truefalse', 1.0, 1.0), ('multichoice', 1.0, 0.3333333),
    ('essay', 1.0, 0.3333333),
])
def test_moodle_import_defaults(qtype, defaultmark, penalty):  # qformat_default::defaultquestion()
    extra = import_defaults(qtype)
    assert (extra['defaultmark'], extra['penalty']) == (defaultmark, penalty)
    assert GiftQuestion(qtype, 'n', 't').extra == extra


def test_comment_lines_are_ignored_anywhere_in_the_block():
    q = one('// leading\n::Q::Text\n// inside the text\nmore{\n=a\n// ~not an answer\n~b\n}')
    assert q.text == 'Text\n \nmore'  # Moodle turns a comment line into a single space
    assert answers(q) == [('a', 1.0, ''), ('b', 0.0, '')]


# Escapes and formats.

@pytest.mark.parametrize(('gift', 'text'), [
    ('a \\: b \\# c \\= d \\~ e \\{ f \\} g{}', 'a : b # c = d ~ e { f } g'),
    ('line one\\nline two{}', 'line one\nline two'),
    ('C:\\\\path\\\\file{}', 'C:\\path\\file'),
    ('odd \\q backslash{}', 'odd \\q backslash'),  # not an escape: kept
    ('\\\\\\:{}', '\\:'),  # escaped backslash, then escaped colon
    ('literal &&058; placeholder{}', 'literal : placeholder'),  # Moodle's placeholders decode too
    ('text ends with an escape \\n{}', 'text ends with an escape'),  # trimmed after unescaping
])
def test_escapes(gift, text):
    assert one(gift).text == text


@pytest.mark.parametrize(('gift', 'fmt', 'text'), [
    ('[html]<b>x</b>{}', 'html', '<b>x</b>'),
    ('[markdown]**x**{}', 'markdown', '**x**'),
    ('[plain]x{}', 'plain', 'x'),
    ('[moodle]x{}', 'moodle', 'x'),
    ('[HTML]x{}', 'moodle', '[HTML]x'),  # names are case-sensitive (warning)
    ('[note] x{}', 'moodle', '[note] x'),
    ('[htmlx{}', 'html', 'htmlx'),  # PHP substr() quirk when ']' is missing
    ('::Q:: [html] <i>x</i>{}', 'html', '<i>x</i>'),
])
def test_text_formats(gift, fmt, text):
    q = one(gift)
    assert (q.text_format, q.text) == (fmt, text)


def test_feedback_formats_default_to_the_question_format():
    q = one('[html]Q{=a#fine ~b#[plain]no ~[markdown]c####general}')
    assert [(a.text_format, a.feedback_format) for a in q.answers] == [
        ('html', 'html'), ('html', 'plain'), ('markdown', 'html')]
    assert (q.general_feedback, q.general_feedback_format) == ('general', 'html')


def test_general_feedback_after_a_space_keeps_its_format_tag():
    # parse_text_with_format() only looks at the first character, and '####' is not trimmed away.
    q = one('Q{=a ~b #### [html]x}')
    assert (q.general_feedback, q.general_feedback_format) == ('[html]x', 'moodle')


# Numerical answers.

@pytest.mark.parametrize(('body', 'expected'), [
    ('#3', [('3', 1.0, 0.0, 3.0, 3.0)]),
    ('#3:0.5', [('3', 1.0, 0.5, 2.5, 3.5)]),
    ('#1..5', [('3', 1.0, 2.0, 1.0, 5.0)]),
    ('#1.5..2.5', [('2', 1.0, 0.5, 1.5, 2.5)]),
    ('#5..1', [('3', 1.0, -2.0, 1.0, 5.0)]),  # reversed range: Moodle uses abs(tolerance)
    ('#-5..-1', [('-3', 1.0, 2.0, -5.0, -1.0)]),
    ('#3.50:0.10', [('3.5', 1.0, 0.1, 3.4, 3.6)]),
    ('#1e-5', [('1.0E-5', 1.0, 0.0, 1e-5, 1e-5)]),
    ('#=%50%2:1 =%100%3', [('2', 0.5, 1.0, 1.0, 3.0), ('3', 1.0, 0.0, 3.0, 3.0)]),
    ('#*', [('*', 1.0, 0.0, None, None)]),
    ('#=0', [('0', 1.0, 0.0, 0.0, 0.0)]),
    ('#\n=2000:2\n=%50%2000:10#close',
     [('2000', 1.0, 2.0, 1998.0, 2002.0), ('2000', 0.5, 10.0, 1990.0, 2010.0)]),
    ('#3~#no', [('3', 1.0, 0.0, 3.0, 3.0), ('*', 0.0, None, None, None)]),
])
def test_numerical(body, expected):
    q = one(f'Q{{{body}}}')
    assert [(a.text, a.fraction, a.tolerance, a.min, a.max) for a in q.answers] == expected


# Weights: Moodle accepts only its grade fractions, to within 0.00001 (match_grade_options 'error').

@pytest.mark.parametrize(('weight', 'fraction'), [
    ('100', 1.0), ('90', 0.9), ('83.33333', 0.8333333), ('83.333', 0.8333333), ('80', 0.8), ('75', 0.75),
    ('70', 0.7), ('66.66667', 0.6666667), ('66.667', 0.6666667), ('60', 0.6), ('50', 0.5), ('40', 0.4),
    ('33.33333', 0.3333333), ('33.333', 0.3333333), ('30', 0.3), ('25', 0.25), ('20', 0.2),
    ('16.66667', 0.1666667), ('14.28571', 0.1428571), ('12.5', 0.125), ('11.11111', 0.1111111), ('10', 0.1),
    ('5', 0.05), ('0', 0.0), ('-5', -0.05), ('-33.33333', -0.3333333), ('-50', -0.5), ('-100', -1.0),
    ('50.', 0.5),
])
def test_allowed_weights(weight, fraction):
    q = one(f'Q{{~%{weight}%a ~b =c}}')
    assert q.answers[0].fraction == fraction


@pytest.mark.parametrize(('weight', 'nearest'), [
    ('33', '33.33333'), ('33.33', '33.33333'), ('66.67', '66.66667'), ('99.999', '100'),
    ('45', '50'),  # a tie: the first in Moodle's order wins
    ('1', '0'), ('-20.5', '-20'),
])
def test_weights_that_are_not_moodle_grades(weight, nearest):
    gift = f'Q{{~%{weight}%a ~b =c}}'
    assert issues(gift) == [(1, 4, f"weight {weight}% is not one of Moodle's allowed grades; "
                                   f'the nearest allowed weight is {nearest}%')]
    q = one(gift, match_grades='nearest')
    assert q.answers[0].fraction == match_grade(float(nearest) / 100)
    assert parse_gift(gift, match_grades='nearest').warnings[0].message == (
        f'weight {weight}% rounded to {nearest}%')


def test_match_grade():
    assert match_grade(0.33333) == 0.3333333
    assert match_grade(0.3333) is None
    assert match_grade(0.3333, 'nearest') == 0.3333333
    assert match_grade(5.0, 'nearest') is None  # further than 2 from every grade
    with pytest.raises(ValueError, match='match_grades'):
        parse_gift('Q{T}', match_grades='round')


def test_multiresponse_weights_that_do_not_add_up_are_a_warning():
    result = parse_gift('Q {~%50%a ~%40%b ~c}')
    assert result.errors == []
    assert [(w.line, w.column, w.message) for w in result.warnings] == [
        (1, 3, 'the positive weights add up to 90%, not 100%, so the best possible mark is not full marks')]


# Categories, ids and tags.

def test_categories_keep_the_full_path():
    result = parse_gift('$CATEGORY: $course$/top/Safety/Hand tools\n\n::A::a{T}\n\n'
                        '// question: 0  name: Switch category\n$CATEGORY:   tom/dick/harry  \n\n::B::b{T}')
    assert [(q.name, q.category) for q in result.questions] == [
        ('A', '$course$/top/Safety/Hand tools'), ('B', 'tom/dick/harry')]


def test_writer_emits_a_category_once_per_change():
    categories = [('a', ''), ('b', 'top/A'), ('c', 'top/A'), ('d', 'top/B'), ('e', 'top/A')]
    questions = [GiftQuestion('essay', name, 'x', category=category) for name, category in categories]
    text = write_gift(questions)
    assert text.count('$CATEGORY:') == 3
    assert text.startswith('::a::x{}\n\n$CATEGORY: top/A\n\n::b::x{}\n\n::c::x{}\n\n$CATEGORY: top/B\n\n')
    assert parse_gift(text).questions == questions


def test_idnumber_and_tags_only_come_from_the_same_block():
    result = parse_gift('// [id:lost] [tag:lost]\n\n// [id:kept] [tag:x] [tag:]\n::Q::Text{T}')
    assert [(q.idnumber, q.tags) for q in result.questions] == [('kept', ['x'])]
    assert [(w.line, w.message) for w in result.warnings] == [
        (1, 'this [id:]/[tag:] comment is separated from its question by a blank line, so Moodle ignores it')]


TAGS = ['safety', 'hand tools', 'outcome:2', 'x]y', 'ends with \\', 'a\\]b', ']', 'a [tag:b', 'Größe 2']


def test_tags_are_written_as_moodle_writes_them_and_read_back():
    question = GiftQuestion('truefalse', 'Guard', 'The guard stays on.', tags=TAGS,
                            answers=[GiftAnswer('True', 1), GiftAnswer('False', 0)])
    written = write_gift([question])
    assert written.startswith('// [tag:safety] [tag:hand tools] [tag:outcome:2] [tag:x\\]y] [tag:ends with \\ ] '
                              '[tag:a\\\\]b] [tag:\\]] [tag:a [tag:b] [tag:Größe 2]\n::Guard::')
    assert parse_gift(written).questions == [question]
    assert write_gift([GiftQuestion('essay', 'n', 't')]) == '::n::t{}\n\n'  # no tags, no comment line


@pytest.mark.parametrize('tag', ['', ' padded', 'a<b', 'back`tick', 'two\nlines', 'tab\there'])
def test_writer_refuses_tags_it_cannot_read_back(tag):
    with pytest.raises(ValueError, match='cannot be written'):
        write_gift([GiftQuestion('essay', 'n', 't', tags=[tag])])


@pytest.mark.parametrize(('raw', 'clean'), [
    ('  Hand   tools ', 'Hand tools'), ('a<b>`c', 'abc'), ('two\nlines\t', 'twolines'), ('<>', ''),
    ('x]y', 'x]y'),
])
def test_clean_tag_is_moodles_param_tag(raw, clean):
    assert clean_tag(raw) == clean
    if clean:
        assert parse_gift(write_gift([GiftQuestion('essay', 'n', 't', tags=[clean])])).questions[0].tags == [clean]


def test_duplicate_idnumbers_in_a_category_are_a_warning():
    result = parse_gift('// [id:q1]\nA{T}\n\n// [id:q1]\nB{T}')
    assert result.errors == []
    assert str(result.warnings[0]) == (
        "line 5, column 1: idnumber 'q1' is already used on line 2 in this category; "
        'Moodle drops the duplicate')


# Lines and files.

def test_line_endings_bom_and_positions():
    text = '\ufeff::A::a{T}\r\n\r\n  ::B::b {=x ~%33%y}\r\n'
    assert [(q.name, q.line) for q in parse_gift(text).questions] == [('A', 1)]
    assert issues(text) == [(3, 15, "weight 33% is not one of Moodle's allowed grades; "
                                    'the nearest allowed weight is 33.33333%')]
    mac = '::A::a{T}\r\r::B::b{F}'  # only CR: readdata() splits on CR
    assert [(q.name, q.line) for q in parse_gift(mac).questions] == [('A', 1), ('B', 3)]


def test_a_line_holding_only_zero_ends_the_question():
    result = parse_gift('Q{=a\n0\n~b}')
    assert [q.qtype for q in result.questions] == []
    assert result.warnings[0] == GiftIssue(2, 1, "a line holding only '0' counts as a blank line in Moodle "
                                                 'and ends the question here')


# Errors: what was expected, with the line and column in the original text.

ERRORS = [
    ('::T:: Which?{\n  =a\n  ~=b\n  ~c\n}', 3, 3, "unknown answer marker '~='; expected '=' or '~'"),
    ('Q{=a =~b ~c}', 1, 6, "unknown answer marker '=~'; expected '=' or '~'"),
    ('Q{=a ~ ~c}', 1, 6, "empty answer after '~'"),
    ('Q{=a ~%50%#fb ~c}', 1, 6, "empty answer after '~'"),
    ('Q{junk ~a =b}', 1, 3, "expected '=' or '~' before the answer 'junk'"),
    ('Q{=a}', None, None, None),  # '=' alone is a short answer: fine
    ('Q{~a}', 1, 2, 'a multiple-choice question needs at least 2 answers; found 1'),
    ('Q {~a ~b}', 1, 3, "no answer has a positive weight; mark the right answer with '=' or give the right "
                        "answers weights such as '~%50%'"),
    ('Q {=%50%a ~b}', 1, 5, "a weight cannot follow '=' in multiple choice; write '~%50%answer' for partial "
                            'credit'),
    ('Q {=a ~%50 %b}', 1, 8, "malformed weight '%50 %'; expected a percentage such as '%50%' or "
                             "'%-33.33333%'"),
    ('Q {=a ~%--50%b}', 1, 8, "weight '%--50%' is not a number; expected e.g. '%50%' or '%-25%'"),
    ('Q {=a ~%150%b}', 1, 8, "weight 150% is not one of Moodle's allowed grades; the nearest allowed "
                             'weight is 100%'),
    ('Q\n{=a\n~b', 2, 1, "answer block opened with '{' is never closed; expected '}' (write '\\{' or '\\}' "
                         'for a literal brace)'),
    ('Q =a ~b}', 1, 8, "'}' without an opening '{' (write '\\{' or '\\}' for a literal brace)"),
    ('Q } {=a ~b}', 1, 3, "'}' before the answer block's '{' (write '\\{' or '\\}' for a literal brace)"),
    ('Q {=a {~b}', 1, 7, "unexpected '{' inside the answer block; expected '}' (write '\\{' or '\\}' for a "
                         'literal brace)'),
    ('Q {=a ~b} and {=c}', 1, 15, "unexpected '{' after the answer block; a question has one answer block "
                                  "(write '\\{' or '\\}' for a literal brace)"),
    ('::Title {T}', 1, 1, "question title is not closed; expected '::' after the title"),
    (':: :: {T}', 1, 1, "empty question title; write a title between '::' and '::' or leave both out"),
    ('Q {#abc}', 1, 5, "numerical answer 'abc' is not a number; expected e.g. '3', '3:0.5' or '1..5'"),
    ('Q {#3:x}', 1, 5, "tolerance 'x' is not a number; expected 'answer:tolerance' such as '3:0.5'"),
    ('Q {#1..x}', 1, 5, "range '1..x' is not two numbers; expected 'min..max' such as '1.5..2.5'"),
    ('Q {#0}', 1, 3, "a numerical question needs at least one answer, e.g. '{#3:0.5}' or '{#=2..4}' (Moodle "
                     "ignores a lone '0'; write '{#=0}')"),
    ('Q {#3 =}', 1, 7, "empty answer after '='"),
    ('Q {#3#good=4#alt}', None, None, None),  # '=' in feedback splits: a warning, not an error
    ('Q\n{\n=a -> b\n}', 2, 1, 'a matching question needs at least 2 pairs; found 1'),
    ('Q {=a -> b =c ->}', 1, 15, "matching sub-question 'c' has no answer after '->'"),
    ('Q {=a -> b =c -> d = ->}', 1, 20, "empty matching pair; expected '=item -> match'"),
    ('Q {=a -> b =c}', 1, 13, "expected '->' between a sub-question and its answer, as in '=item -> match'"),
    ('Q {=%50%a}', 1, 3, 'no answer is worth 100% (the best is 50%); Moodle refuses to save such a '
                         'short-answer question'),
    ('Q {=a =}', 1, 7, "empty answer after '='"),
    ('Q {0}', 1, 3, "a short-answer question needs at least one answer; expected '=answer' (Moodle ignores a "
                    "lone '0')"),
    ('$CATEGORY: top/A\n::Q::{T}', 2, 1, 'a $CATEGORY line must be followed by a blank line; Moodle '
                                         'would read these lines as its name'),
    ('$CATEGORY: top/a\\:b', 1, 11, 'escape sequences are not allowed in a $CATEGORY path (Moodle keeps its '
                                    'internal placeholder such as &&058; in the category name)'),
    ('Q\ufdd0 {T}', 1, 2, 'unsupported character U+FDD0'),
]


@pytest.mark.parametrize(('gift', 'line', 'column', 'message'), ERRORS)
def test_errors(gift, line, column, message):
    expected = [] if line is None else [(line, column, message)]
    assert issues(gift) == expected


def test_errors_in_a_file_are_reported_with_file_positions():
    text = ('// header\n\n::Good::ok{T}\n\n::Bad::\n  Pick one.{\n    =a\n    ~=b\n  }\n\n'
            '::Worse::x{#1..y}\n')
    result = parse_gift(text)
    assert [q.name for q in result.questions] == ['Good']
    assert [str(e) for e in result.errors] == [
        "line 8, column 5: unknown answer marker '~='; expected '=' or '~'",
        "line 11, column 13: range '1..y' is not two numbers; expected 'min..max' such as '1.5..2.5'",
    ]
    with pytest.raises(GiftSyntaxError) as info:
        result.raise_for_errors()
    assert info.value.issues == result.errors
    assert str(info.value).startswith('line 8, column 5:')
    assert not result.ok
    parse_gift('Q{T}').raise_for_errors()


WARNINGS = [
    ('Q {true}', 1, 4, "'true' is read as a short answer; true/false is written T, TRUE, F or FALSE in "
                       'capitals'),
    ('[HTML]x{}', 1, 1, "unknown text format '[HTML]' is kept as text; expected [html] in lower case"),
    ('$category: x', 1, 1, "Moodle only recognises '$CATEGORY:' in capitals; this is read as a description"),
    ('Q {#3~ whatever}', 1, 6, "text after '~' is ignored; write '~#feedback' for the feedback shown for any "
                               'other answer'),
    ('Q {=a#2+2=4 ~b}', 1, 10, "'=' inside feedback starts a new answer; write '\\=' if it belongs to the "
                               'feedback'),
    ('Q {=a -> b =c -> d}', 1, 3, "Moodle's question editor needs at least 2 sub-questions and 3 answers "
                                  "(found 2 and 2); add a distractor such as '= -> answer'"),
]


@pytest.mark.parametrize(('gift', 'line', 'column', 'message'), WARNINGS)
def test_warnings(gift, line, column, message):
    result = parse_gift(gift)
    assert result.errors == []
    assert [(w.line, w.column, w.message) for w in result.warnings] == [(line, column, message)]


# Writer.

@pytest.mark.parametrize('path', SAMPLES, ids=lambda path: path.name)
def test_samples_round_trip(path):
    first = parse_gift(path.read_text(encoding='utf-8'))
    assert first.errors == []
    assert first.questions
    written = write_gift(first.questions)
    second = parse_gift(written)
    assert second.errors == []
    assert second.questions == first.questions
    assert write_gift(second.questions) == written


def test_samples_cover_every_question_type():
    qtypes = {q.qtype for path in SAMPLES for q in parse_gift(path.read_text(encoding='utf-8')).questions}
    assert qtypes == {'description', 'essay', 'truefalse', 'multichoice', 'multiresponse', 'shortanswer',
                      'numerical', 'matching'}


@pytest.mark.parametrize(('question', 'written'), [
    (GiftQuestion('essay', 'n', '[html] is literal'), '::n::[moodle][html] is literal{}'),
    (GiftQuestion('multichoice', 'n', 't', answers=[GiftAnswer('%50% off', 1), GiftAnswer('%5', 0)]),
     '::n::t{\n\t=[moodle]%50% off\n\t~%0%%5\n}'),
    (GiftQuestion('essay', 'n', 'a _____ b', missing_word=True), '::n::a {} b'),
    (GiftQuestion('essay', 'n', 'ends with _____', missing_word=True), '::n::ends with {}\\n'),
    (GiftQuestion('truefalse', 'n', 't', answers=[GiftAnswer('True', 0), GiftAnswer('False', 1, 'ok')]),
     '::n::t{FALSE##ok}'),
    (GiftQuestion('essay', 'n', 'x', general_feedback='', general_feedback_format='html'),
     '::n::x{####[html]}'),
    (GiftQuestion('description', 'a:b', 'x{y}#z~w=v\\u\nnext'), '::a\\:b::x\\{y\\}\\#z\\~w\\=v\\\\u\\nnext'),
])
def test_writer_protects_texts_that_would_be_misread(question, written):
    assert write_gift([question]) == written + '\n\n'
    assert parse_gift(written).questions == [question]


@pytest.mark.parametrize(('question', 'message'), [
    (GiftQuestion('poll', 'n', 't'), "unknown question type 'poll'"),
    (GiftQuestion('essay', '', 't'), 'a question needs a name'),
    (GiftQuestion('essay', 'n', 't', text_format='rtf'), "unknown text format 'rtf'"),
    (GiftQuestion('essay', 'n', 'no blank', missing_word=True), 'has no _____'),
    (GiftQuestion('multichoice', 'n', 't', answers=[GiftAnswer('a', 0.5), GiftAnswer('b')]),
     'needs an answer with fraction 1'),
    (GiftQuestion('multichoice', 'n', 't', answers=[GiftAnswer('a', 1), GiftAnswer('b', 1)]),
     'would be read as short answer'),
    (GiftQuestion('shortanswer', 'n', 't', answers=[GiftAnswer('a->b', 1)]), 'would be read as matching'),
    (GiftQuestion('matching', 'n', 't', pairs=[GiftMatchPair('a->b', 'c'), GiftMatchPair('d', 'e')]),
     "cannot contain '->'"),
    (GiftQuestion('numerical', 'n', 't', answers=[GiftAnswer('*', 0), GiftAnswer('1', 1, tolerance=0)]),
     'must come last'),
    (GiftQuestion('essay', 'n', 'literal &&058; in text'), 'cannot be written'),
    (GiftQuestion('essay', 'n', 'non-character \ufdd0'), 'cannot be written'),
])
def test_writer_refuses_what_gift_cannot_express(question, message):
    with pytest.raises(ValueError, match=message):
        write_gift([question])


def test_writer_refuses_to_leave_a_category():
    with pytest.raises(ValueError, match='cannot write category'):
        write_gift([GiftQuestion('essay', 'a', 'x', category='top/A'), GiftQuestion('essay', 'b', 'x')])


ALPHABET = 'ab Z09.,;!?:#=~{}\\\n\t[]%-><*/|"\'éß'


def _text(rng, minimum=1):
    while True:
        text = ''.join(rng.choice(ALPHABET) for _ in range(rng.randint(minimum, 12))).strip(' \t\n\r\0\x0b')
        if len(text) >= minimum and text != '0' and not text.startswith('//'):
            return text


def _random_question(rng, qtype):
    fmt = rng.choice(['moodle', 'html', 'plain', 'markdown'])
    name = clean_question_name(_text(rng).replace('<', ''))
    question = GiftQuestion(qtype, name or 'n', _text(rng, 0), text_format=fmt,
                            category=rng.choice(['', 'top/A']), idnumber=rng.choice(['', 'id-1', 'x]y']),
                            tags=rng.choice([[], ['t1', 'a]b']]))
    if qtype != 'description':
        question.general_feedback = rng.choice(['', _text(rng)])
        question.general_feedback_format = rng.choice([fmt, 'html'])
        if rng.random() < 0.3:
            question.text = f'{_text(rng, 0)} {BLANK} {_text(rng, 0)}'.strip()
            question.missing_word = True

    def answer(text, fraction):
        return GiftAnswer(text, fraction, rng.choice(['', _text(rng)]), text_format=rng.choice([fmt, 'html']),
                          feedback_format=rng.choice([fmt, 'plain']))

    if qtype in ('multichoice', 'multiresponse'):
        question.answers = [answer(_text(rng), f) for f in [1.0, 0.0, -0.5, 0.0][:rng.randint(2, 4)]]
        if qtype == 'multiresponse':
            question.answers[0].fraction = 0.5
            question.answers.append(answer(_text(rng), 0.5))
    elif qtype == 'shortanswer':
        question.answers = [answer(_text(rng).replace('->', '-'), f) for f in [1.0, 0.5][:rng.randint(1, 2)]]
        for item in question.answers:
            item.text_format = fmt
            item.feedback = item.feedback.replace('->', '-')
    elif qtype == 'truefalse':
        correct = rng.random() < 0.5
        question.answers = [answer('True', float(correct)), answer('False', float(not correct))]
        for item in question.answers:
            item.text_format = fmt
    elif qtype == 'numerical':
        for value, tolerance in rng.sample([(3.0, 0.5), (-12.0, 0.0), (1e-5, 1e-6), (2000.0, 10.0)], 2):
            item = answer(php_num(value), rng.choice([1.0, 0.5]))
            item.text_format = fmt
            item.tolerance, item.min, item.max = tolerance, value - tolerance, value + tolerance
            item.min, item.max = float(php_num(item.min)), float(php_num(item.max))
            question.answers.append(item)
        question.answers[0].fraction = 1.0
        if rng.random() < 0.5:
            question.answers.append(answer('*', 0.0))
            question.answers[-1].text_format = fmt
    elif qtype == 'matching':
        question.pairs = [GiftMatchPair(_text(rng).replace('->', '-'), _text(rng), rng.choice([fmt, 'html']))
                          for _ in range(3)]
        question.pairs.append(GiftMatchPair('', _text(rng), fmt))
    return question


@pytest.mark.parametrize('seed', range(25))
def test_generated_questions_round_trip(seed):
    rng = random.Random(seed)
    qtypes = ['description', 'essay', 'truefalse', 'multichoice', 'multiresponse', 'shortanswer', 'numerical',
              'matching']
    questions = sorted((_random_question(rng, qtype) for qtype in qtypes), key=lambda q: q.category)
    written = write_gift(questions)
    result = parse_gift(written)
    assert result.errors == []
    assert result.questions == questions


# The ported PHP behaviours.

@pytest.mark.parametrize(('value', 'text'), [
    (3.0, '3'), (-0.5, '-0.5'), (0.1 + 0.2, '0.3'), (1e-5, '1.0E-5'), (1e20, '1.0E+20'),
    (123456.789, '123456.789'), (33.333330000000004, '33.33333'),
])
def test_php_num(value, text):
    assert php_num(value) == text


@pytest.mark.parametrize(('text', 'numeric'), [
    ('3', True), ('-3.5', True), ('.5', True), ('5.', True), ('1e3', True), (' 1 ', True), ('+2', True),
    ('0x1A', False), ('inf', False), ('nan', False), ('1_000', False), ('1,5', False), ('', False),
    ('*', False),
])
def test_is_numeric(text, numeric):
    assert is_numeric(text) is numeric


@pytest.mark.parametrize(('html', 'text'), [
    ('<b>bold</b> and <i>it</i>', 'bold and it'),
    ('a < b', 'a < b'),
    ('a <b', 'a '),
    ('x <!-- note --> y', 'x  y'),
    ('<a title=">">link</a>', 'link'),
])
def test_strip_tags(html, text):
    assert strip_tags(html) == text


def test_shorten_text_closes_open_tags():
    assert shorten_text('<p>' + 'abc ' * 30 + '</p>', 20) == '<p>abc abc abc abc ...</p>'
    assert shorten_text('short', 20) == 'short'
