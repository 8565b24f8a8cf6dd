"""The trainer's statement wording travels into new drafts and through module packages."""


import pytest

from lms_ext.content import packages
from lms_ext.content import services as content
from lms_ext.self_assessment import services
from tests.package_files import manifest_of, package_with

WORDING = 'I can name the five main hazards and how each is controlled.'


def _worded_draft(version):
    draft = content.new_draft_from(version)
    services.update_statements(draft, {draft.outcomes[0].id: WORDING})
    return draft


def _renamed(data: bytes, slug: str) -> bytes:
    manifest = manifest_of(data)
    manifest['module']['slug'] = slug
    package = package_with(manifest)
    return package


def test_new_drafts_keep_the_wording(db_session, version):
    draft = _worded_draft(version)
    content.publish_version(draft)
    newer = content.new_draft_from(draft)
    assert services.statements_for(newer)[newer.outcomes[0].id] == WORDING
    assert services.custom_statements(version) == {}  # the older version never changed


def test_the_wording_round_trips_through_a_package_once(db_session, version, tmp_path):
    draft = _worded_draft(version)
    data = packages.export_package(draft, media_dir=tmp_path)
    steps = manifest_of(data)['module']['steps']
    carried = [s['activity'] for s in steps if s['kind'] == 'self_assessment' and 'activity' in s]
    assert carried == [{'statements': [{'outcome': 1, 'text': WORDING}]}]  # on the first stage only
    imported = packages.import_package(_renamed(data, 'statements-copy'), media_dir=tmp_path).version
    assert services.statements_for(imported)[imported.outcomes[0].id] == WORDING


def test_a_statement_for_a_missing_outcome_is_refused(db_session, version, tmp_path):
    draft = _worded_draft(version)
    manifest = manifest_of(packages.export_package(draft, media_dir=tmp_path))
    manifest['module']['slug'] = 'statements-broken'
    first_stage = next(s for s in manifest['module']['steps'] if 'activity' in s and s['kind'] == 'self_assessment')
    first_stage['activity']['statements'] = [{'outcome': 9, 'text': ''}]
    package = package_with(manifest)
    with pytest.raises(packages.PackageInvalid) as caught:
        packages.import_package(package, media_dir=tmp_path)
    messages = ' '.join(m for ms in caught.value.errors.values() for m in ms)
    assert 'statements[0].outcome' in messages and 'statements[0].text' in messages
    assert content.get_module_by_slug('statements-broken') is None
