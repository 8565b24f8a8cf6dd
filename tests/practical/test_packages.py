"""A checklist travels in the module package and into new drafts (content's activity hooks)."""


import pytest

from lms_ext.content import packages
from lms_ext.content import services as content
from lms_ext.content.models import StepKind
from lms_ext.core.errors import Conflict
from lms_ext.practical.services import checklists
from tests.package_files import manifest_of, package_with

from .conftest import make_version


def _practical(version):
    return next(s for s in version.steps if s.kind is StepKind.practical)


def test_checklist_round_trips_through_a_package(db_session, tmp_path):
    version, step = make_version('round-trip')
    exported = checklists.export_data(step)
    data = packages.export_package(version, media_dir=tmp_path)
    manifest = manifest_of(data)
    assert manifest['module']['steps'][-1]['activity'] == exported
    assert exported['criteria'][0]['outcomes'] == [3]
    content.publish_version(version)
    imported = packages.import_package(data, media_dir=tmp_path).version
    assert imported.id != version.id
    copy = _practical(imported)
    assert checklists.export_data(copy) == exported
    linked = checklists.checklist_for_step(copy).criteria[0].outcomes
    assert [o.version_id for o in linked] == [imported.id]


def test_package_with_a_bad_checklist_is_refused_with_its_line(db_session, tmp_path):
    version, step = make_version('bad-checklist')
    data = packages.export_package(version, media_dir=tmp_path)
    manifest = manifest_of(data)
    manifest['module']['slug'] = 'bad-checklist-2'
    manifest['module']['steps'][-1]['activity']['criteria'][0]['outcomes'] = [99]
    manifest['module']['steps'][-1]['activity']['min_other_met'] = 7
    package = package_with(manifest)
    with pytest.raises(packages.PackageInvalid) as caught:
        packages.import_package(package, media_dir=tmp_path)
    messages = ' '.join(m for ms in caught.value.errors.values() for m in ms)
    assert 'activity.criteria[0].outcomes[0]' in messages and 'only 6 learning outcomes' in messages
    assert 'activity.min_other_met' in messages
    assert all(key.startswith('module.yaml line') for key in caught.value.errors)
    assert content.get_module_by_slug('bad-checklist-2') is None


def test_new_draft_copies_the_checklist_and_published_checklists_do_not_change(db_session):
    version, step = make_version('drafts')
    content.publish_version(version)
    with pytest.raises(Conflict):
        checklists.save_checklist(step, {'min_other_met': 0, 'criteria': [
            {'text': 'Something else', 'guidance': '', 'critical': True, 'outcome_ids': []}]})
    draft = content.new_draft_from(version)
    copied = checklists.checklist_for_step(_practical(draft))
    assert checklists.export_data(_practical(draft)) == checklists.export_data(step)
    assert {o.version_id for c in copied.criteria for o in c.outcomes} == {draft.id}
