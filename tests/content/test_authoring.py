"""Trainers author modules in the browser: forms, uploads, ordering, versions (published never change)."""

import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.content.models import ContentFormat, Module, ModuleVersion, VersionState
from tests.conftest import login
from tests.factories import CourseFactory, UserFactory

WEBM = b'\x1a\x45\xdf\xa3' + b'\x00' * 500
VTT = b'WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n'


@pytest.fixture(autouse=True)
def media_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, 'MEDIA_DIR', tmp_path)


@pytest.fixture
def trainer(client, db_session):
    user = UserFactory()
    accounts.enroll(user, CourseFactory(), Role.instructor)
    login(client, user)
    return user


MODULE_FORM = {'slug': 'safe-welding', 'title': 'Safe welding', 'eqf_level': '3', 'workload_hours': '2.5',
               'language': 'en', 'participation': 'hybrid', 'summary': 'Weld without harm.',
               'outcome_kind': ['knowledge', 'skills', 'knowledge'],
               'outcome_text': ['Name the fumes hazards.', 'Set up local exhaust ventilation.', ''],
               'outcome_framework_name': ['ESCO', '', ''], 'outcome_framework_code': ['S1.2', '', ''],
               'outcome_framework_url': ['', '', '']}


def _create(client) -> ModuleVersion:
    response = client.post('/author/new', data=MODULE_FORM)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return client.application.extensions['sqlalchemy'].session.scalar(
        sa.select(ModuleVersion).join(Module).where(Module.slug == 'safe-welding'))


def test_only_trainers_and_admins_author(client, db_session):
    learner = UserFactory()
    accounts.enroll(learner, CourseFactory(), Role.learner)
    login(client, learner)
    assert client.get('/author/').status_code == 403


def test_create_module_with_outcomes_and_named_errors(client, trainer, db_session):
    bad = client.post('/author/new', data={**MODULE_FORM, 'eqf_level': '9', 'outcome_text': ['', '', '']})
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert 'id="f-eqf_level-error"' in body and 'Give at least one learning outcome.' in body
    assert 'value="safe-welding"' in body  # nothing typed is lost
    version = _create(client)
    assert [o.text for o in version.outcomes] == ['Name the fumes hazards.', 'Set up local exhaust ventilation.']
    assert version.outcomes[0].framework_code == 'S1.2' and str(version.workload_hours) == '2.50'


def test_steps_are_added_reordered_and_deleted(client, trainer, db_session):
    version = _create(client)
    for title in ('Fumes', 'Ventilation', 'Quiz'):
        client.post(f'/author/versions/{version.id}/steps', data={'title': title, 'kind': 'unit'})
    db_session.refresh(version)
    first, second, third = version.steps
    client.post(f'/author/steps/{third.id}/up')
    db_session.refresh(version)
    assert [s.title for s in version.steps] == ['Fumes', 'Quiz', 'Ventilation']
    response = client.post(f'/author/versions/{version.id}/order', data={'order': [third.id, second.id, first.id]},
                           headers={'Accept': 'application/json'})
    assert response.status_code == 204
    db_session.refresh(version)
    assert [s.title for s in version.steps] == ['Quiz', 'Ventilation', 'Fumes']
    bad = client.post(f'/author/versions/{version.id}/order', data={'order': [first.id]},
                      headers={'Accept': 'application/json'})
    assert bad.status_code == 422 and 'order' in bad.json['errors']
    client.post(f'/author/steps/{second.id}/delete')
    db_session.refresh(version)
    assert [(s.position, s.title) for s in version.steps] == [(1, 'Quiz'), (2, 'Fumes')]


def test_variants_with_uploads_and_their_errors(client, trainer, db_session):
    version = _create(client)
    client.post(f'/author/versions/{version.id}/steps', data={'title': 'Fumes', 'kind': 'unit'})
    db_session.refresh(version)
    step = version.steps[0]
    url = f'/author/steps/{step.id}/formats/video'
    missing = client.post(url, data={'transcript': 'Words', 'file': (io.BytesIO(WEBM), 'fumes.webm')},
                          content_type='multipart/form-data')
    assert missing.status_code == 422 and 'A video needs captions in at least one language.' in missing.get_data(
        as_text=True)
    ok = client.post(url, data={'transcript': 'Words', 'file': (io.BytesIO(WEBM), 'fumes.webm'),
                                'caption_language_0': 'en', 'caption_label_0': 'English',
                                'caption_file_0': (io.BytesIO(VTT), 'fumes.en.vtt')},
                     content_type='multipart/form-data')
    assert ok.status_code == 303
    client.post(f'/author/steps/{step.id}/formats/text', data={'body': '# Fumes\n\nOpen the window.'})
    db_session.refresh(step)
    assert [v.format for v in step.variants] == [ContentFormat.video, ContentFormat.text]
    # editing keeps the uploaded file when none is sent again
    edit = client.post(url, data={'transcript': 'New words', 'asset_id': str(step.variants[0].payload['asset_id']),
                                  'caption_language_0': 'en', 'caption_label_0': 'English',
                                  'caption_asset_id_0': str(step.variants[0].payload['captions'][0]['asset_id'])},
                       content_type='multipart/form-data')
    assert edit.status_code == 303
    db_session.refresh(step)
    video = next(v for v in step.variants if v.format is ContentFormat.video)
    assert video.payload['transcript'] == 'New words' and video.position == 1
    client.post(f'/author/variants/{video.id}/down')
    db_session.refresh(step)
    assert [v.format for v in step.variants] == [ContentFormat.text, ContentFormat.video]
    wrong = client.post(f'/author/steps/{step.id}/formats/workbook',
                        data={'file': (io.BytesIO(b'not a pdf'), 'w.pdf')}, content_type='multipart/form-data')
    assert wrong.status_code == 422 and 'does not look like a application/pdf file' in wrong.get_data(as_text=True)
    assert client.get(f'/author/versions/{version.id}/preview/1').status_code == 200


def test_published_versions_never_change_and_new_drafts_copy_everything(client, trainer, db_session):
    version = _create(client)
    client.post(f'/author/versions/{version.id}/steps', data={'title': 'Fumes', 'kind': 'unit'})
    db_session.refresh(version)
    client.post(f'/author/steps/{version.steps[0].id}/formats/text', data={'body': 'Read.'})
    assert client.post(f'/author/versions/{version.id}/publish').status_code == 303
    db_session.refresh(version)
    assert version.state is VersionState.published
    refused = client.post(f'/author/versions/{version.id}/steps', data={'title': 'Late', 'kind': 'unit'})
    assert refused.status_code == 303
    db_session.refresh(version)
    assert [s.title for s in version.steps] == ['Fumes']
    client.post(f'/author/versions/{version.id}/new-draft')
    draft = db_session.scalar(sa.select(ModuleVersion).where(ModuleVersion.module_id == version.module_id,
                                                             ModuleVersion.number == 2))
    assert draft.state is VersionState.draft and draft.steps[0].variants[0].payload == {'body': 'Read.'}
    assert draft.outcomes[0].text == version.outcomes[0].text
    client.post(f'/author/versions/{draft.id}/delete')
    assert db_session.scalar(sa.select(sa.func.count(ModuleVersion.id)).where(
        ModuleVersion.module_id == version.module_id)) == 1


def test_package_upload_imports_all_or_nothing_and_export_downloads(client, trainer, db_session, app):
    from lms_ext.demo.seed import package_bytes
    bad = client.post('/author/import', data={'package': (io.BytesIO(b'garbage'), 'x.zip')},
                      content_type='multipart/form-data')
    assert bad.status_code == 422 and 'Nothing was imported' in bad.get_data(as_text=True)
    assert db_session.scalar(sa.select(sa.func.count(Module.id))) == 0
    # Encoded here: for a large body, werkzeug's test client spools to a temporary file it never closes.
    boundary, body = encode_multipart({'package': FileStorage(io.BytesIO(package_bytes()), 'demo.zip')})
    good = client.post('/author/import', data=body, content_type=f'multipart/form-data; boundary={boundary}')
    assert good.status_code == 303
    version = db_session.scalar(sa.select(ModuleVersion))
    with client.get(f'/author/versions/{version.id}/export.zip') as exported:
        assert exported.status_code == 200 and exported.mimetype == 'application/zip'
        assert exported.data[:2] == b'PK'


def test_step_details_are_edited(client, trainer, db_session):
    version = _create(client)
    client.post(f'/author/versions/{version.id}/steps', data={'title': 'Fumes', 'kind': 'unit'})
    db_session.refresh(version)
    step = version.steps[0]
    client.post(f'/author/steps/{step.id}', data={'title': 'Welding fumes', 'summary': 'Why they harm.',
                                                  'estimated_minutes': '15'})
    db_session.refresh(step)
    assert (step.title, step.summary, step.estimated_minutes, step.required) == (
        'Welding fumes', 'Why they harm.', 15, False)
    assert 'id="f-title-' in client.get(f'/author/versions/{version.id}').get_data(as_text=True)
