"""A quiz travels with its module: into new drafts and through module packages (settings, questions, links)."""

import copy
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms_ext.content import packages
from lms_ext.content import services as content
from lms_ext.content.models import StepKind
from lms_ext.content.schemas import ModuleInput
from lms_ext.quizzes import activity, services
from lms_ext.quizzes.models import Behaviour, question_outcomes
from tests.factories import CourseFactory, UserFactory
from tests.package_files import manifest_of, package_with
from tests.sample_module import SAMPLE_MODULE

GIFT = '''::Sparks::Sparks fly towards people. {F}

::Speed::The disc's maximum speed must be at least... {=the grinder's rated speed ~half of it ~any speed}
'''


def _version_with_quiz(slug: str):
    data = copy.deepcopy(SAMPLE_MODULE)
    data['slug'] = slug
    version = content.create_module(ModuleInput().load(data)).versions[0]
    step = content.add_step(version, {'kind': StepKind.quiz, 'title': 'Check'})
    quiz = services.ensure_quiz(step)
    services.update_settings(quiz, {'pass_mark_percent': 75, 'attempts_allowed': 2, 'behaviour': Behaviour.interactive,
                                    'penalty_percent': Decimal('25'), 'tries_allowed': 4, 'cbm': True})
    first, second = services.import_gift(quiz, GIFT)
    services.set_question_outcomes(second, [version.outcomes[1].id, version.outcomes[4].id])
    return version, step


def _quiz_of(version):
    return services.quiz_for_step(next(s for s in version.steps if s.kind is StepKind.quiz))


def _same_quiz(a, b) -> None:
    assert [(q.position, q.qtype, q.name, q.spec) for q in a.questions] == [
        (q.position, q.qtype, q.name, q.spec) for q in b.questions]
    assert [[o.position for o in q.outcomes] for q in a.questions] == [[o.position for o in q.outcomes]
                                                                       for q in b.questions]
    settings = ('pass_mark', 'attempts_allowed', 'behaviour', 'penalty', 'tries_allowed', 'cbm')
    assert [getattr(a, s) for s in settings] == [getattr(b, s) for s in settings]


def test_a_new_draft_keeps_the_quiz_and_its_outcome_links(db_session):
    version, _step = _version_with_quiz('quiz-drafts')
    content.publish_version(version)
    draft = content.new_draft_from(version)
    copied = _quiz_of(draft)
    _same_quiz(_quiz_of(version), copied)
    assert {o.version_id for q in copied.questions for o in q.outcomes} == {draft.id}
    assert copied.pass_mark == Decimal('0.75') and copied.behaviour is Behaviour.interactive


def test_a_quiz_round_trips_through_a_module_package(db_session, tmp_path):
    version, step = _version_with_quiz('quiz-package')
    data = packages.export_package(version, media_dir=tmp_path)
    manifest = manifest_of(data)
    assert manifest['module']['steps'][-1]['activity'] == activity.export_data(step)
    assert manifest['module']['steps'][-1]['activity']['outcomes'] == [{'question': 2, 'outcomes': [2, 5]}]
    content.publish_version(version)
    imported = packages.import_package(data, media_dir=tmp_path).version
    assert imported.id != version.id
    _same_quiz(_quiz_of(version), _quiz_of(imported))


def test_a_package_with_a_broken_quiz_imports_nothing_and_names_the_line(db_session, tmp_path):
    version, _step = _version_with_quiz('quiz-broken')
    manifest = manifest_of(packages.export_package(version, media_dir=tmp_path))
    manifest['module']['slug'] = 'quiz-broken-2'
    quiz = manifest['module']['steps'][-1]['activity']
    quiz['gift'] = '::Q1:: Broken {=yes ~no\n'
    quiz['settings']['pass_mark_percent'] = 140
    quiz['outcomes'] = [{'question': 1, 'outcomes': [9]}]
    package = package_with(manifest)
    with pytest.raises(packages.PackageInvalid) as caught:
        packages.import_package(package, media_dir=tmp_path)
    messages = ' '.join(m for ms in caught.value.errors.values() for m in ms)
    assert 'activity.gift' in messages and 'line 1, column' in messages
    assert 'activity.settings.pass_mark_percent' in messages
    assert 'only 6 learning outcomes' in messages
    assert content.get_module_by_slug('quiz-broken-2') is None


# Question tags travel too: GIFT carries them (outcome:N from the current links), and nothing links twice.

TAGGED_GIFT = '''// [tag:sparks] [tag:outcome:1]
::Sparks::Sparks fly towards people. {F}

// [tag:discs] [tag:speed rating]
::Speed::The disc's maximum speed must be at least... {=the grinder's rated speed ~half of it ~any speed}

// [tag:discs] [tag:outcome:3] [tag:Outcome:3]
::Fitting::Unplug the grinder before fitting a disc. {T}
'''


def _version_with_tagged_quiz(slug: str):
    """Questions tagged and linked (Sparks to outcome 1 by its tag, Speed to 2 and 5 by hand, Fitting to 3 by
    a repeated tag), and a quiz that draws one question tagged 'discs'."""
    data = copy.deepcopy(SAMPLE_MODULE)
    data['slug'] = slug
    version = content.create_module(ModuleInput().load(data)).versions[0]
    quiz = services.ensure_quiz(content.add_step(version, {'kind': StepKind.quiz, 'title': 'Check'}))
    services.update_settings(quiz, {'pass_mark_percent': 50, 'draw_count': 1, 'draw_category': 'discs'})
    _sparks, speed, _fitting = services.import_gift(quiz, TAGGED_GIFT)
    services.set_question_outcomes(speed, [version.outcomes[1].id, version.outcomes[4].id])
    return version, quiz


def _plain_tags(quiz) -> list[list[str]]:
    return [[t for t in q.tags if not t.lower().startswith('outcome:')] for q in quiz.questions]


def _links(quiz) -> list[list[int]]:
    return [[o.position for o in q.outcomes] for q in quiz.questions]


def _link_rows(db_session, quiz) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(question_outcomes).where(
        question_outcomes.c.question_id.in_([q.id for q in quiz.questions])))


def _same_tags_and_links(db_session, source, target) -> None:
    assert _plain_tags(target) == _plain_tags(source) == [['sparks'], ['discs', 'speed rating'], ['discs']]
    assert _links(target) == _links(source) == [[1], [2, 5], [3]]
    assert _link_rows(db_session, target) == 4  # each link once
    # The outcome tags stored with the copy are the links, each once.
    assert [[t for t in q.tags if t.startswith('outcome:')] for q in target.questions] == [
        ['outcome:1'], ['outcome:2', 'outcome:5'], ['outcome:3']]


def test_gift_export_then_import_keeps_tags_and_outcome_links(db_session):
    version, quiz = _version_with_tagged_quiz('quiz-gift-tags')
    text = services.export_gift(quiz)
    assert '// [tag:discs] [tag:speed rating] [tag:outcome:2] [tag:outcome:5]\n::Speed::' in text
    other = services.ensure_quiz(content.add_step(version, {'kind': StepKind.quiz, 'title': 'Again'}))
    services.import_gift(other, text)
    _same_tags_and_links(db_session, quiz, other)
    assert services.export_gift(other) == text


def test_a_new_draft_keeps_question_tags_links_and_the_draw_by_tag(db_session):
    version, quiz = _version_with_tagged_quiz('quiz-draft-tags')
    content.publish_version(version)
    draft = content.new_draft_from(version)
    copied = _quiz_of(draft)
    _same_tags_and_links(db_session, quiz, copied)
    assert {o.version_id for q in copied.questions for o in q.outcomes} == {draft.id}
    assert (copied.draw_count, copied.draw_category) == (1, 'discs')
    content.publish_version(draft)
    course = CourseFactory()
    tagged = {q.id for q in copied.questions if 'discs' in q.tags}
    for _ in range(6):
        attempt = services.start_or_resume(copied, UserFactory(), course)
        assert len(attempt.question_ids) == 1 and set(attempt.question_ids) <= tagged


def test_a_package_keeps_question_tags_links_and_the_draw_by_tag(db_session, tmp_path):
    version, quiz = _version_with_tagged_quiz('quiz-package-tags')
    data = packages.export_package(version, media_dir=tmp_path)
    content.publish_version(version)
    imported = _quiz_of(packages.import_package(data, media_dir=tmp_path).version)
    _same_tags_and_links(db_session, quiz, imported)
    assert (imported.draw_count, imported.draw_category) == (1, 'discs')


def test_a_package_whose_gift_tags_an_unknown_outcome_is_refused_before_import(db_session, tmp_path):
    version, _quiz = _version_with_tagged_quiz('quiz-tag-broken')
    manifest = manifest_of(packages.export_package(version, media_dir=tmp_path))
    manifest['module']['slug'] = 'quiz-tag-broken-2'
    activity_data = manifest['module']['steps'][-1]['activity']
    activity_data['gift'] = activity_data['gift'].replace('[tag:outcome:5]', '[tag:outcome:9]')
    package = package_with(manifest)
    with pytest.raises(packages.PackageInvalid) as caught:
        packages.import_package(package, media_dir=tmp_path)
    messages = ' '.join(m for ms in caught.value.errors.values() for m in ms)
    assert 'question "Speed" is tagged outcome:9, but the module has only 6 learning outcomes' in messages
    assert content.get_module_by_slug('quiz-tag-broken-2') is None


# GIFT has no per-question mark: the `marks` list carries them, in question order.

def _version_with_marked_quiz(slug: str):
    version, step = _version_with_quiz(slug)
    quiz = services.quiz_for_step(step)
    services.set_question_mark(quiz.questions[1], Decimal('3'))
    return version, step


def _manifest_of(version, tmp_path) -> dict:
    return manifest_of(packages.export_package(version, media_dir=tmp_path))


def _package_from(manifest) -> bytes:
    package = package_with(manifest)
    return package


def test_a_new_draft_keeps_question_marks(db_session):
    version, _step = _version_with_marked_quiz('quiz-marks-draft')
    content.publish_version(version)
    draft = content.new_draft_from(version)
    assert [q.mark for q in _quiz_of(draft).questions] == [Decimal(1), Decimal(3)]


def test_a_package_keeps_question_marks(db_session, tmp_path):
    version, step = _version_with_marked_quiz('quiz-marks-package')
    assert activity.export_data(step)['marks'] == [1.0, 3.0]
    data = packages.export_package(version, media_dir=tmp_path)
    content.publish_version(version)
    imported = _quiz_of(packages.import_package(data, media_dir=tmp_path).version)
    assert [q.mark for q in imported.questions] == [Decimal(1), Decimal(3)]


def test_a_package_without_marks_imports_with_the_gift_default(db_session, tmp_path):
    version, _step = _version_with_marked_quiz('quiz-marks-old')
    manifest = _manifest_of(version, tmp_path)
    manifest['module']['slug'] = 'quiz-marks-old-2'
    del manifest['module']['steps'][-1]['activity']['marks']
    imported = _quiz_of(packages.import_package(_package_from(manifest), media_dir=tmp_path).version)
    assert [q.mark for q in imported.questions] == [Decimal(1), Decimal(1)]


@pytest.mark.parametrize(('marks', 'problem'), [
    ([1, 2, 3], 'activity.marks: There are 3 marks for 2 questions'),
    ([1, -2], 'activity.marks[1]: Must be greater than or equal to 0'),
    ([1, 'three'], 'activity.marks[1]: Not a valid number'),
    ([True, 2], 'activity.marks[0]: Not a valid number'),
    ([1, 10_000], 'activity.marks[1]: Must be greater than or equal to 0 and less than or equal to 9999.99'),
    ('3', 'activity.marks: Not a valid list'),
])
def test_a_package_with_bad_marks_is_refused_naming_the_field(db_session, tmp_path, marks, problem):
    version, _step = _version_with_marked_quiz('quiz-marks-bad')
    manifest = _manifest_of(version, tmp_path)
    manifest['module']['slug'] = 'quiz-marks-bad-2'
    manifest['module']['steps'][-1]['activity']['marks'] = marks
    assert activity.check_data(manifest['module']['steps'][-1]['activity'], 6)
    with pytest.raises(packages.PackageInvalid) as caught:
        packages.import_package(_package_from(manifest), media_dir=tmp_path)
    messages = ' '.join(m for ms in caught.value.errors.values() for m in ms)
    assert problem in messages, messages
    assert content.get_module_by_slug('quiz-marks-bad-2') is None
