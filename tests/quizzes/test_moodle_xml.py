"""Moodle XML import and export (lms_ext.quizzes.moodle_xml), the format registry, and the quiz services,
authoring page and CLI commands that use them."""

import dataclasses
import io
import random
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.content import services as content
from lms_ext.content.models import StepKind
from lms_ext.content.schemas import ModuleInput
from lms_ext.core.errors import InvalidInput
from lms_ext.quizzes import services
from lms_ext.quizzes.file_formats import detect_format
from lms_ext.quizzes.gift import GiftAnswer, GiftMatchPair, GiftQuestion, parse_gift
from lms_ext.quizzes.models import Question
from lms_ext.quizzes.moodle_xml import export_moodle_xml, parse_moodle_xml
from tests.conftest import login
from tests.factories import CourseFactory, UserFactory
from tests.quizzes.test_gift import SAMPLES as GIFT_SAMPLES
from tests.quizzes.test_gift import _random_question
from tests.sample_module import SAMPLE_MODULE

ALL_TYPES = Path(__file__).parent / 'xml_samples' / 'all_types.xml'
QTYPES = ['description', 'essay', 'truefalse', 'multichoice', 'multiresponse', 'shortanswer', 'numerical', 'matching']


def quiz_xml(*questions: str) -> str:
    """A file as Moodle writes it: declaration, <quiz>, each question from line 3 on."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + '\n'.join(questions) + '\n</quiz>\n'


def question_xml(qtype='truefalse', body='', *, name='<name><text>Q</text></name>',
                 text='<questiontext format="html"><text>Sure?</text></questiontext>') -> str:
    return f'<question type="{qtype}">\n{name}\n{text}\n{body}\n</question>'


TRUE = '<answer fraction="100"><text>true</text></answer>\n<answer fraction="0"><text>false</text></answer>'


def issues(text, kind='errors'):
    return [(i.line, i.column, i.message) for i in getattr(parse_moodle_xml(text), kind)]


def without_gift_only_details(questions):
    """What Moodle XML cannot carry: whether GIFT wrote the answer block inside the text (missing word)."""
    return [dataclasses.replace(q, missing_word=False) for q in questions]


# The conformance sample (written the way Moodle 4.x exports).

def test_the_sample_imports_every_type_with_its_settings():
    result = parse_moodle_xml(ALL_TYPES.read_text(encoding='utf-8'))
    assert result.errors == [] and result.warnings == []
    assert [q.qtype for q in result.questions] == ['description', 'truefalse', 'multichoice', 'multiresponse',
                                                   'shortanswer', 'numerical', 'matching', 'essay']
    description, truefalse, single, multiple, short, numerical, matching, essay = result.questions
    top, ppe = '$course$/top/Default for Angle grinder basics', '/Protective equipment'
    assert (description.category, truefalse.category, single.category) == (top, top, top + ppe)
    assert (description.line, description.name, description.text_format, description.extra['defaultmark']) == (
        15, 'Before you start', 'html', 0.0)
    assert description.text.startswith('<p>The next questions are about the <strong>angle grinder</strong>')
    assert (truefalse.idnumber, truefalse.tags, truefalse.extra['penalty']) == ('tf-guard', ['outcome:1', 'guards'],
                                                                               1.0)
    assert truefalse.general_feedback == '<p>The guard stays on for <em>every</em> cut.</p>'
    assert [(a.text, a.fraction, a.feedback) for a in truefalse.answers] == [
        ('True', 0.0, '<p>No: a disc can burst.</p>'), ('False', 1.0, 'Right.')]
    assert single.extra['defaultmark'] == 2.0
    assert [(a.fraction, a.text_format, a.feedback_format) for a in single.answers] == [
        (1.0, 'html', 'html'), (0.3333333, 'html', 'html'), (0.0, 'plain', 'html')]
    assert (multiple.text_format, multiple.general_feedback) == ('markdown', 'Unplug first, then lock the spindle.')
    assert [a.fraction for a in multiple.answers] == [0.5, 0.5, -1.0]
    assert (short.text_format, short.case_sensitive) == ('moodle', False)
    assert [(a.text, a.fraction) for a in short.answers] == [('rpm', 1.0), ('*speed*', 0.5)]
    assert [(a.text, a.fraction, a.tolerance, a.min, a.max) for a in numerical.answers] == [
        ('115', 1.0, 0.0, 115.0, 115.0), ('125', 1.0, 0.0, 125.0, 125.0), ('120', 0.5, 5.0, 115.0, 125.0),
        ('*', 0.0, 0.0, None, None)]
    assert matching.pairs == [
        GiftMatchPair('<p>Cutting steel bar</p>', 'Cutting disc', 'html'),
        GiftMatchPair('<p>Removing a weld bead</p>', 'Grinding disc', 'html'),
        GiftMatchPair('Cleaning rust', 'Wire brush', 'plain'), GiftMatchPair('', 'Polishing pad', 'html')]
    assert matching.extra['defaultmark'] == 3.0
    assert (essay.extra['defaultmark'], essay.extra['responseformat'], essay.extra['responsefieldlines'],
            essay.tags) == (5.0, 'plain', 10, ['outcome:2'])


def test_numerical_units_are_ignored_without_a_warning():
    result = parse_moodle_xml(ALL_TYPES.read_text(encoding='utf-8'))
    numerical = next(q for q in result.questions if q.qtype == 'numerical')
    assert result.warnings == [] and '<units>' not in export_moodle_xml([numerical])


def test_text_formats_map_to_the_model():
    def fmt(name):
        text = f'<questiontext format="{name}"><text>x</text></questiontext>'
        return parse_moodle_xml(quiz_xml(question_xml('description', text=text))).questions[0].text_format

    assert [fmt(n) for n in ('html', 'moodle_auto_format', 'plain_text', 'markdown')] == [
        'html', 'moodle', 'plain', 'markdown']
    bare = parse_moodle_xml(quiz_xml(question_xml('description', text='<questiontext><text>x</text></questiontext>')))
    assert bare.questions[0].text_format == 'html'  # Moodle's default


def test_a_bom_and_another_declared_encoding_read_the_decoded_text():
    text = '\ufeff<?xml version="1.0" encoding="ISO-8859-1"?>\n<quiz>' + question_xml(
        'description', text='<questiontext><text>Schleifmaschine für Profis: ß</text></questiontext>') + '</quiz>'
    assert parse_moodle_xml(text).questions[0].text == 'Schleifmaschine für Profis: ß'


def test_cdata_and_character_references_are_read_as_text():
    text = '<questiontext format="html"><text><![CDATA[<p>a &amp; b</p>]]> &lt;&#233;&gt;</text></questiontext>'
    question = parse_moodle_xml(quiz_xml(question_xml('description', text=text))).questions[0]
    assert question.text == '<p>a &amp; b</p> <é>'


def test_match_grades_nearest_snaps_with_a_warning():
    text = quiz_xml(question_xml('multichoice', '<answer fraction="100"><text>a</text></answer>\n'
                                                '<answer fraction="33"><text>b</text></answer>'))
    assert issues(text)[0][:2] == (7, 1)
    result = parse_moodle_xml(text, match_grades='nearest')
    assert result.errors == [] and result.questions[0].answers[1].fraction == 0.3333333
    assert [(w.line, w.message) for w in result.warnings] == [(7, 'fraction 33 rounded to 33.33333')]


def test_duplicate_idnumbers_and_stray_elements_are_warnings():
    twice = question_xml(body=TRUE + '<idnumber>x</idnumber>')
    text = quiz_xml(twice, twice, '<comment>not a question</comment>')
    assert issues(text, 'warnings') == [
        (9, 1, "idnumber 'x' is already used on line 3 in this category; Moodle drops the duplicate"),
        (15, 1, '<comment> is not a question and is ignored')]


# Malformed files: every error names its line (and column), and nothing is returned as importable.

ERRORS = [
    pytest.param(quiz_xml(question_xml(name='<name><text>Q</text></nam>')), 4, 23,
                 'the file is not well-formed XML: mismatched tag', id='broken XML'),
    pytest.param('<quiz>\n<question type="essay">', 2, 24, 'the file is not well-formed XML: no element found',
                 id='truncated'),
    pytest.param('', 1, 1, 'the file is not well-formed XML: no element found', id='empty'),
    pytest.param(quiz_xml(question_xml(body='<answer fraction="100"><text>true</text></answer>\n'
                                            '<answer fraction="33"><text>false</text></answer>')), 7, 1,
                 "fraction 33 is not one of Moodle's allowed grades; the nearest allowed fraction is 33.33333",
                 id='bad fraction'),
    pytest.param(quiz_xml(question_xml(body='<answer fraction="lots"><text>true</text></answer>')), 6, 1,
                 "fraction 'lots' is not a number; expected a percentage such as 100, 50 or -33.33333",
                 id='fraction not a number'),
    pytest.param(quiz_xml(question_xml('essay'), question_xml('calculated')), 8, 1,
                 "question type 'calculated' is not supported; this tool imports description, essay, truefalse, "
                 'multichoice, shortanswer, numerical, matching questions (and categories)', id='calculated'),
    pytest.param(quiz_xml('<question type="ddwtos"/>'), 3, 1, "question type 'ddwtos' is not supported",
                 id='ddwtos'),
    pytest.param(quiz_xml('<question type="multianswer"/>'), 3, 1, "question type 'multianswer' is not supported",
                 id='cloze'),
    pytest.param(quiz_xml('<question><name><text>Q</text></name></question>'), 3, 1,
                 'a <question> needs a type attribute, e.g. type="multichoice"', id='no type'),
    pytest.param(quiz_xml(question_xml('essay', text='')), 3, 1, "question 'Q' has no <questiontext>",
                 id='missing questiontext'),
    pytest.param(quiz_xml(question_xml('essay', name='')), 3, 1,
                 'the question has no name; expected <name><text>…</text></name>', id='no name'),
    pytest.param(quiz_xml(question_xml('essay', text='<questiontext format="wiki_like"><text>x</text>'
                                                     '</questiontext>')), 5, 1,
                 "unknown text format 'wiki_like' on <questiontext>; expected one of moodle_auto_format, html, "
                 'plain_text, markdown', id='unknown format'),
    pytest.param('<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY boom "boom">]>\n<quiz>&boom;</quiz>', 2, 16,
                 'a document type declaration (<!DOCTYPE …>) is not allowed in a Moodle XML file', id='entity'),
    pytest.param('<?xml version="1.0"?>\n<!DOCTYPE quiz [\n <!ENTITY a "aaaaaaaaaa">\n <!ENTITY b "&a;&a;&a;&a;">\n'
                 ']>\n<quiz>&b;</quiz>', 2, 16,
                 'a document type declaration (<!DOCTYPE …>) is not allowed in a Moodle XML file',
                 id='billion laughs'),
    pytest.param('<!DOCTYPE quiz SYSTEM "file:///etc/passwd">\n<quiz/>', 1, 43,
                 'a document type declaration (<!DOCTYPE …>) is not allowed in a Moodle XML file', id='external DTD'),
    pytest.param('<quiz>\n<question type="essay">&xxe;</question></quiz>', 2, 24,
                 'the file is not well-formed XML: undefined entity', id='undefined entity'),
    pytest.param('<questions/>', 1, 1, 'the document must start with <quiz>, not <questions>; is this a Moodle XML '
                                       'question export?', id='not a quiz'),
    pytest.param(quiz_xml(question_xml('description', text='<questiontext format="html"><text>'
                                                            '<![CDATA[<img src="@@PLUGINFILE@@/a.png">]]></text>\n'
                                                            '<file name="a.png" path="/" encoding="base64">iVBO</file>'
                                                            '</questiontext>')), 5, 29,
                 "@@PLUGINFILE@@ links to an embedded file, which is not supported; link images by address instead",
                 id='embedded image'),
    pytest.param(quiz_xml(question_xml(body='<answer fraction="100"><text>yes</text></answer>\n'
                                            '<answer fraction="0"><text>false</text></answer>')), 6, 1,
                 "a true/false answer must be 'true' or 'false', not 'yes'", id='true/false words'),
    pytest.param(quiz_xml(question_xml(body='<answer fraction="100"><text>true</text></answer>\n'
                                            '<answer fraction="100"><text>false</text></answer>')), 3, 1,
                 'exactly one of the true/false answers must have fraction 100 and the other 0',
                 id='true/false both right'),
    pytest.param(quiz_xml(question_xml('multichoice', '<answer fraction="50"><text>a</text></answer>\n'
                                                      '<answer fraction="0"><text>b</text></answer>')), 3, 1,
                 "no answer has fraction 100 (the best is 50); Moodle refuses to save such a single-answer question",
                 id='single without a right answer'),
    pytest.param(quiz_xml(question_xml('multichoice', '<answer fraction="100"><text>a</text></answer>')), 3, 1,
                 'a multiple-choice question needs at least 2 answers; found 1', id='one choice'),
    pytest.param(quiz_xml(question_xml('multichoice', '<single>false</single><answer fraction="0"><text>a</text>'
                                                      '</answer><answer fraction="-50"><text>b</text></answer>')),
                 3, 1, 'no answer has a positive fraction; give the right answers fractions that add up to 100',
                 id='multiple without a right answer'),
    pytest.param(quiz_xml(question_xml('multichoice', '<answer fraction="100"><text>a</text></answer>\n'
                                                      '<answer fraction="0"><text> </text></answer>')), 7, 1,
                 'empty answer; write the answer in <text>…</text> or remove the <answer>', id='empty answer'),
    pytest.param(quiz_xml(question_xml('shortanswer', '<answer fraction="50"><text>a</text></answer>')), 3, 1,
                 "no answer has fraction 100 (the best is 50); Moodle refuses to save such a short-answer question",
                 id='short answer without a right answer'),
    pytest.param(quiz_xml(question_xml('shortanswer')), 3, 1, 'a short-answer question needs at least one <answer>',
                 id='short answer without answers'),
    pytest.param(quiz_xml(question_xml('numerical', '<answer fraction="100"><text>three</text></answer>')), 6, 1,
                 "numerical answer 'three' is not a number; expected e.g. '3', '-0.5' or '*' for any other number",
                 id='numerical answer'),
    pytest.param(quiz_xml(question_xml('numerical', '<answer fraction="100"><text>3</text>\n'
                                                    '<tolerance>a bit</tolerance></answer>')), 7, 1,
                 "tolerance 'a bit' is not a number", id='tolerance'),
    pytest.param(quiz_xml(question_xml('matching', '<subquestion><text>a</text><answer><text>b</text></answer>'
                                                   '</subquestion>')), 3, 1,
                 'a matching question needs at least 2 sub-questions; found 1', id='one pair'),
    pytest.param(quiz_xml(question_xml('matching', '<subquestion><text>a</text><answer><text>b</text></answer>'
                                                   '</subquestion>\n<subquestion><text>c</text></subquestion>')),
                 7, 1, "sub-question 'c' has no answer; expected <answer><text>…</text></answer>",
                 id='pair without answer'),
    pytest.param(quiz_xml(question_xml(body=TRUE + '\n<defaultgrade>-1</defaultgrade>')), 8, 1,
                 "<defaultgrade> must be a number of at least 0, not '-1'", id='negative mark'),
    pytest.param(quiz_xml(question_xml(body=TRUE + '\n<penalty>1.5</penalty>')), 8, 1,
                 "<penalty> must be a number of at least 0 and at most 1, not '1.5'", id='penalty'),
    pytest.param(quiz_xml(question_xml('essay', '<responsefieldlines>many</responsefieldlines>')), 6, 1,
                 "<responsefieldlines> must be a whole number of at least -1, not 'many'", id='essay setting'),
]


@pytest.mark.parametrize(('text', 'line', 'column', 'message'), ERRORS)
def test_errors(text, line, column, message):
    found = issues(text)
    assert found and found[0][:2] == (line, column), found
    assert found[0][2].startswith(message), found
    result = parse_moodle_xml(text)
    assert not result.ok


def test_every_embedded_file_is_refused():
    text = quiz_xml(question_xml('description', text='<questiontext format="html"><text>See below.</text>\n'
                                                     '<file name="disc.png" path="/" encoding="base64">iVBORw0K</file>'
                                                     '\n</questiontext>'))
    assert issues(text) == [(6, 1, "embedded file 'disc.png' is not supported; put images on a web server and "
                                   'link them by address instead')]


def test_deeply_nested_elements_are_read_without_recursion():
    nested = '<x>' * 20000 + '</x>' * 20000
    assert parse_moodle_xml(quiz_xml(question_xml('essay', nested))).questions[0].qtype == 'essay'


def test_an_error_in_one_question_keeps_the_others_but_the_file_is_not_ok():
    text = quiz_xml(question_xml(body=TRUE), question_xml('calculated'), question_xml('essay'))
    result = parse_moodle_xml(text)
    assert [q.qtype for q in result.questions] == ['truefalse', 'essay']
    assert [e.line for e in result.errors] == [9] and not result.ok


# Export.

def test_the_sample_round_trips():
    first = parse_moodle_xml(ALL_TYPES.read_text(encoding='utf-8')).questions
    written = export_moodle_xml(first)
    second = parse_moodle_xml(written)
    assert second.errors == [] and second.warnings == []
    assert second.questions == first
    assert export_moodle_xml(second.questions) == written


@pytest.mark.parametrize('path', GIFT_SAMPLES, ids=lambda path: path.name)
def test_gift_samples_survive_moodle_xml(path):
    questions = parse_gift(path.read_text(encoding='utf-8')).questions
    result = parse_moodle_xml(export_moodle_xml(questions))
    assert result.errors == []
    assert result.questions == without_gift_only_details(questions)


@pytest.mark.parametrize('seed', range(25))
def test_generated_questions_of_every_type_round_trip(seed):
    rng = random.Random(seed)
    questions = sorted((_random_question(rng, qtype) for qtype in QTYPES), key=lambda q: q.category)
    for question in questions:
        question.extra['defaultmark'] = rng.choice([0.0, 1.0, 2.5, 10.0])
        question.extra['penalty'] = rng.choice([0.0, 0.1, 0.3333333, 1.0])
    result = parse_moodle_xml(export_moodle_xml(questions))
    assert result.errors == []
    assert result.questions == without_gift_only_details(questions)


def test_export_looks_like_moodle_and_protects_cdata():
    question = GiftQuestion('shortanswer', 'a & b', 'x ]]> y <b>', text_format='html', category='$course$/top/T',
                            answers=[GiftAnswer('yes', 1.0, 'fine', text_format='html')], tags=['t'])
    written = export_moodle_xml([question])
    assert written.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n<!-- question: 0  -->\n'
                              '  <question type="category">\n    <category>\n      <text>$course$/top/T</text>')
    assert '<text><![CDATA[x ]]]]><![CDATA[> y <b>]]></text>' in written
    assert '<answer fraction="100" format="moodle_auto_format">' in written and '<usecase>0</usecase>' in written
    assert parse_moodle_xml(written).questions == [question]


@pytest.mark.parametrize(('question', 'message'), [
    (GiftQuestion('poll', 'n', 't'), "unknown question type 'poll'"),
    (GiftQuestion('essay', '', 't'), 'a question needs a name'),
    (GiftQuestion('essay', 'n', 't', text_format='rtf'), "unknown text format 'rtf'"),
    (GiftQuestion('essay', 'n', 'bell \x07'), 'XML 1.0 cannot hold'),
])
def test_export_refuses_what_moodle_xml_cannot_hold(question, message):
    with pytest.raises(ValueError, match=message):
        export_moodle_xml([question])


@pytest.mark.parametrize(('filename', 'text', 'fmt'), [
    ('quiz.xml', '::Q::x{T}', 'moodle_xml'),
    ('QUIZ.XML', '', 'moodle_xml'),
    ('quiz.gift', '<?xml version="1.0"?><quiz/>', 'gift'),
    ('quiz.txt', '::Q::x{T}', 'gift'),
    ('quiz.txt', '\ufeff  <?xml version="1.0"?><quiz/>', 'moodle_xml'),
    ('', '<quiz>\n</quiz>', 'moodle_xml'),
    ('', '// comment\n::Q::<b>x</b>{T}', 'gift'),
])
def test_detect_format(filename, text, fmt):
    assert detect_format(filename, text) == fmt


# The services: one import for both formats, all or nothing.

@pytest.fixture
def draft_quiz(db_session):
    module = content.create_module(ModuleInput().load({**SAMPLE_MODULE, 'slug': 'xml-module'}))
    step = content.add_step(module.versions[0], {'kind': StepKind.quiz, 'title': 'Check'})
    return services.ensure_quiz(step)


def question_count(db_session):
    return db_session.scalar(sa.select(sa.func.count(Question.id)))


def test_import_stores_every_question_with_its_mark_tags_and_outcomes(draft_quiz):
    added = services.import_questions(draft_quiz, ALL_TYPES.read_text(encoding='utf-8'), 'moodle_xml')
    assert [q.qtype for q in added] == ['description', 'truefalse', 'multichoice', 'multiresponse', 'shortanswer',
                                        'numerical', 'matching', 'essay']
    assert [q.position for q in added] == list(range(1, 9))
    assert [q.mark for q in added] == [Decimal(n) for n in ('0', '1', '2', '1', '1', '1', '3', '5')]
    assert [[o.position for o in q.outcomes] for q in added] == [[], [1], [], [], [], [], [], [2]]
    assert added[1].tags == ['outcome:1', 'guards'] and added[2].category.endswith('/Protective equipment')
    assert added[5].spec['answers'][2] == {'text': '120', 'fraction': 0.5, 'feedback': 'Close.', 'tolerance': 5.0,
                                           'min': 115.0, 'max': 125.0}


def test_an_xml_file_with_any_error_imports_nothing(draft_quiz, db_session):
    services.import_gift(draft_quiz, '::Kept::Already there {T}')
    before = question_count(db_session)
    text = ALL_TYPES.read_text(encoding='utf-8').replace('fraction="33.33333"', 'fraction="33"').replace(
        '<question type="essay">', '<question type="calculated">')
    with pytest.raises(InvalidInput) as info:
        services.import_questions(draft_quiz, text, 'moodle_xml')
    assert info.value.message == 'The Moodle XML file has errors; nothing was imported.'
    assert set(info.value.errors) == {'line 112', 'line 324'}
    assert info.value.errors['line 112'] == [
        "column 5: fraction 33 is not one of Moodle's allowed grades; the nearest allowed fraction is 33.33333"]
    assert "'calculated' is not supported" in info.value.errors['line 324'][0]
    assert question_count(db_session) == before


def test_malformed_xml_and_an_unknown_outcome_import_nothing(draft_quiz, db_session):
    with pytest.raises(InvalidInput) as info:
        services.import_questions(draft_quiz, '<quiz>\n<question type="essay">\n</quiz>', 'moodle_xml')
    assert list(info.value.errors) == ['line 3'] and 'not well-formed' in info.value.errors['line 3'][0]
    unknown = ALL_TYPES.read_text(encoding='utf-8').replace('outcome:2', 'outcome:99')
    with pytest.raises(InvalidInput, match='no learning outcome 99; nothing was imported'):
        services.import_questions(draft_quiz, unknown, 'moodle_xml')
    assert question_count(db_session) == 0


def test_a_mark_the_database_cannot_hold_is_an_error_by_line(draft_quiz, db_session):
    text = quiz_xml(question_xml('essay', '<defaultgrade>10000</defaultgrade>'))
    with pytest.raises(InvalidInput) as info:
        services.import_questions(draft_quiz, text, 'moodle_xml')
    assert info.value.errors == {'line 3': ['The mark of question "Q" must be at most 9999.99.']}
    assert question_count(db_session) == 0


def test_export_then_import_gives_the_same_questions(draft_quiz):
    source = parse_moodle_xml(ALL_TYPES.read_text(encoding='utf-8')).questions
    services.import_questions(draft_quiz, ALL_TYPES.read_text(encoding='utf-8'), 'moodle_xml')
    services.set_question_outcomes(draft_quiz.questions[1], [draft_quiz.step.version.outcomes[2].id])
    exported = parse_moodle_xml(services.export_questions(draft_quiz, 'moodle_xml'))
    assert exported.errors == []

    def stored(question):  # what a quiz keeps of a question (not its idnumber, penalty or essay settings)
        return (question.qtype, question.name, question.text, question.text_format, question.category,
                question.general_feedback, question.answers, question.pairs, question.case_sensitive,
                question.extra['defaultmark'])

    assert [stored(q) for q in exported.questions] == [stored(q) for q in source]
    assert exported.questions[1].tags == ['guards', 'outcome:3']  # the outcome link as it is now
    assert services.export_questions(draft_quiz, 'gift') == services.export_gift(draft_quiz)
    gift_tags = [q.tags for q in parse_gift(services.export_gift(draft_quiz)).questions]
    assert gift_tags == [q.tags for q in exported.questions]  # GIFT carries the same tags


# The authoring page and the CLI.

def test_trainer_uploads_moodle_xml_and_downloads_it_again(client, db_session, draft_quiz):
    trainer = UserFactory()
    accounts.enroll(trainer, CourseFactory(), Role.instructor)
    login(client, trainer)
    url = f'/author/steps/{draft_quiz.step_id}/quiz'
    broken = ALL_TYPES.read_bytes().replace(b'<question type="essay">', b'<question type="ddwtos">')
    response = client.post(url, data={'action': 'import', 'questions_file': (io.BytesIO(broken), 'bank.xml')},
                           content_type='multipart/form-data')
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'line 324' in page and 'question type &#39;ddwtos&#39; is not supported' in page
    assert question_count(db_session) == 0
    response = client.post(url, data={'action': 'import',
                                      'questions_file': (io.BytesIO(ALL_TYPES.read_bytes()), 'bank.xml')},
                           content_type='multipart/form-data')
    assert response.status_code == 303 and question_count(db_session) == 8
    pasted = quiz_xml(question_xml(body=TRUE, name='<name><text>Pasted</text></name>'))
    assert client.post(url, data={'action': 'import', 'questions_text': pasted}).status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert 'Download as Moodle XML' in page and 'Pasted' in page
    download = client.get(f'/author/steps/{draft_quiz.step_id}/quiz.xml')
    assert download.headers['Content-Type'] == 'application/xml; charset=utf-8'
    assert download.headers['Content-Disposition'] == f'attachment; filename="quiz-{draft_quiz.id}.xml"'
    assert [q.name for q in parse_moodle_xml(download.get_data(as_text=True)).questions][-2:] == [
        'Your workshop', 'Pasted']


def test_cli_imports_and_exports_moodle_xml(app, db_session, draft_quiz, tmp_path):
    db_session.commit()  # the draft survives the failed import's rollback
    runner = app.test_cli_runner()
    source = tmp_path / 'bank.xml'
    source.write_bytes(ALL_TYPES.read_bytes().replace(b'fraction="33.33333"', b'fraction="30.5"'))
    result = runner.invoke(args=['quizzes', 'import-xml', str(source), '--module', 'xml-module'])
    assert result.exit_code == 1
    assert 'Nothing was imported:\n  line 112: column 5: fraction 30.5 is not one of' in result.output
    source.write_bytes(ALL_TYPES.read_bytes())
    result = runner.invoke(args=['quizzes', 'import-xml', str(source), '--module', 'xml-module'])
    assert result.exit_code == 0, result.output
    assert result.stdout == f'Imported 8 question(s) into quiz {draft_quiz.id}.\n'  # log lines go to stderr
    result = runner.invoke(args=['quizzes', 'export-xml', str(draft_quiz.id)])
    assert result.exit_code == 0 and len(parse_moodle_xml(result.stdout).questions) == 8
    assert runner.invoke(args=['quizzes', 'export-xml', '999999']).exit_code == 1
