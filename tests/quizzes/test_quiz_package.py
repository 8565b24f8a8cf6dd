"""A quiz travels with its module: into new drafts and through module packages (settings, questions, links)."""

import copy
import io
import zipfile
from decimal import Decimal

import pytest
import yaml

from lms_ext.content import packages
from lms_ext.content import services as content
from lms_ext.content.models import StepKind
from lms_ext.content.schemas import ModuleInput
from lms_ext.quizzes import activity, services
from lms_ext.quizzes.models import Behaviour
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
    manifest = yaml.safe_load(zipfile.ZipFile(io.BytesIO(data)).read('module.yaml'))
    assert manifest['module']['steps'][-1]['activity'] == activity.export_data(step)
    assert manifest['module']['steps'][-1]['activity']['outcomes'] == [{'question': 2, 'outcomes': [2, 5]}]
    content.publish_version(version)
    imported = packages.import_package(data, media_dir=tmp_path).version
    assert imported.id != version.id
    _same_quiz(_quiz_of(version), _quiz_of(imported))


def test_a_package_with_a_broken_quiz_imports_nothing_and_names_the_line(db_session, tmp_path):
    version, _step = _version_with_quiz('quiz-broken')
    manifest = yaml.safe_load(zipfile.ZipFile(io.BytesIO(packages.export_package(version, media_dir=tmp_path)))
                              .read('module.yaml'))
    manifest['module']['slug'] = 'quiz-broken-2'
    quiz = manifest['module']['steps'][-1]['activity']
    quiz['gift'] = '::Q1:: Broken {=yes ~no\n'
    quiz['settings']['pass_mark_percent'] = 140
    quiz['outcomes'] = [{'question': 1, 'outcomes': [9]}]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as zf:
        zf.writestr('module.yaml', yaml.safe_dump(manifest))
    with pytest.raises(packages.PackageInvalid) as caught:
        packages.import_package(buffer.getvalue(), media_dir=tmp_path)
    messages = ' '.join(m for ms in caught.value.errors.values() for m in ms)
    assert 'activity.gift' in messages and 'line 1, column' in messages
    assert 'activity.settings.pass_mark_percent' in messages
    assert 'only 6 learning outcomes' in messages
    assert content.get_module_by_slug('quiz-broken-2') is None
