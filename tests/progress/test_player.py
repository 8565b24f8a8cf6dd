"""The learner player: versions pinned per run, formats, progress, media ranges, offline bundle."""

import copy
import io
import zipfile

import pytest
import sqlalchemy as sa

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.content import media
from lms_ext.content import services as content
from lms_ext.content.schemas import ModuleInput
from lms_ext.learning_styles import selection
from lms_ext.progress import services
from lms_ext.progress.models import ModuleProgress, StepProgress
from tests.conftest import login
from tests.factories import CourseFactory, UserFactory
from tests.sample_module import SAMPLE_MODULE

WEBM = b'\x1a\x45\xdf\xa3' + bytes(range(256)) * 40
VTT = b'WEBVTT\n\n00:00.000 --> 00:02.000\nMind the sparks.\n'
PDF = b'%PDF-1.4\n' + b'0' * 2000


@pytest.fixture
def media_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, 'MEDIA_DIR', tmp_path)
    return tmp_path


@pytest.fixture
def module(db_session, media_dir):
    data = copy.deepcopy(SAMPLE_MODULE)
    data['slug'] = 'player-test'
    module = content.create_module(ModuleInput().load(data))
    version = module.versions[0]
    video = media.store_asset(module, 'intro.webm', io.BytesIO(WEBM), media_dir=media_dir)
    captions = media.store_asset(module, 'intro.en.vtt', io.BytesIO(VTT), media_dir=media_dir)
    workbook = media.store_asset(module, 'workbook.pdf', io.BytesIO(PDF), media_dir=media_dir)
    for step in version.steps:
        content.add_variant(step, 'video', {'asset_id': video.id, 'transcript': f'Transcript of {step.title}',
                                            'captions': [{'language': 'en', 'label': 'English',
                                                          'asset_id': captions.id}]})
        content.add_variant(step, 'text', {'body': f'# {step.title}\n\nRead **this**.'})
        content.add_variant(step, 'workbook', {'asset_id': workbook.id, 'description': 'Page 1'})
    content.publish_version(version)
    return module


@pytest.fixture
def course(db_session):
    return CourseFactory()


def _learner(course):
    user = UserFactory()
    accounts.enroll(user, course, Role.learner)
    return user


def test_learners_finish_the_version_they_started(db_session, module, course):
    lena = _learner(course)
    run = services.start_or_resume(lena, module, course)
    v1 = run.version
    v2 = content.add_draft_version(module, ModuleInput().load({**copy.deepcopy(SAMPLE_MODULE), 'slug': module.slug,
                                                                'title': 'New title'}))
    content.publish_version(v2)
    assert services.start_or_resume(lena, module, course).version is v1
    assert services.start_or_resume(_learner(course), module, course).version is v2


def test_explicit_format_choice_becomes_the_default_for_the_module(db_session, module, course):
    run = services.start_or_resume(_learner(course), module, course)
    first, second = run.version.steps[:2]
    formats_of = [v.format.value for v in second.variants]
    assert selection.choose(formats_of).format == 'video'  # no profile: the trainer's order
    services.record_view(run, first, format_key='text', explicit=True)
    assert run.preferred_format == 'text'
    assert selection.choose(formats_of, previous=run.preferred_format).format == 'text'
    assert selection.choose(formats_of, low_bandwidth=True).format == 'text'  # not heavy


def test_completion_is_idempotent_and_counted(db_session, module, course):
    run = services.start_or_resume(_learner(course), module, course)
    step = run.version.steps[0]
    services.complete_step(run, step)
    services.complete_step(run, step)
    assert db_session.scalar(sa.select(sa.func.count(StepProgress.id)).where(
        StepProgress.module_progress_id == run.id)) == 1
    assert services.summary(run).percent == 25


def test_player_pages_save_progress_and_resume(client, db_session, module, course):
    lena = _learner(course)
    login(client, lena)
    base = f'/courses/{course.id}/modules/{module.slug}'
    page = client.get(f'{base}/steps/1')
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert '<video' in body and 'kind="captions"' in body and 'Transcript of Hazards' in body
    assert 'Shown as video, in your trainer’s order.' in body and 'format=text' in body
    switched = client.get(f'{base}/steps/2?format=text').get_data(as_text=True)
    assert '<strong>this</strong>' in switched and '<video' not in switched
    assert 'Shown as text because you chose it.' in client.get(f'{base}/steps/3').get_data(as_text=True)
    done = client.post(f'{base}/steps/3/done')
    assert done.status_code == 302 and done.headers['Location'].endswith('/steps/4')
    assert client.get(f'{base}/').headers['Location'].endswith('/steps/3')  # resume where they were
    run = db_session.scalar(sa.select(ModuleProgress).where(ModuleProgress.learner_id == lena.id))
    assert run.preferred_format == 'text' and run.current_step.position == 3


def test_trainers_preview_without_progress_and_outsiders_are_refused(client, db_session, module, course):
    trainer = UserFactory()
    accounts.enroll(trainer, course, Role.instructor)
    login(client, trainer)
    page = client.get(f'/courses/{course.id}/modules/{module.slug}/steps/1')
    assert 'Preview as a learner' in page.get_data(as_text=True)
    assert client.post(f'/courses/{course.id}/modules/{module.slug}/steps/1/done').status_code == 403
    assert db_session.scalar(sa.select(sa.func.count(ModuleProgress.id))) == 0
    login(client, UserFactory())  # not enrolled
    assert client.get(f'/courses/{course.id}/modules/{module.slug}/steps/1').status_code == 403


def test_low_bandwidth_mode_defers_media(client, db_session, module, course):
    lena = _learner(course)
    login(client, lena)
    client.post('/me/low-bandwidth', data={'enabled': '1', 'next': '/'})
    body = client.get(f'/courses/{course.id}/modules/{module.slug}/steps/1').get_data(as_text=True)
    assert 'Shown as text because low-bandwidth mode is on.' in body  # a light format opens first
    body = client.get(f'/courses/{course.id}/modules/{module.slug}/steps/1?format=video').get_data(as_text=True)
    assert 'preload="none"' in body and '<details class="transcript" open>' in body


def test_media_supports_range_requests_and_caching(client, db_session, module):
    asset = db_session.scalar(sa.select(media.MediaAsset).where(media.MediaAsset.filename == 'intro.webm'))
    url = f'/media/{asset.id}/intro.webm'
    with client.get(url) as whole:
        assert whole.status_code == 200 and whole.data == WEBM and whole.headers['Accept-Ranges'] == 'bytes'
        assert 'immutable' in whole.headers['Cache-Control']
    with client.get(url, headers={'Range': 'bytes=4-13'}) as part:
        assert part.status_code == 206 and part.data == WEBM[4:14]
        assert part.headers['Content-Range'] == f'bytes 4-13/{len(WEBM)}'
    with client.get(url, headers={'Range': f'bytes={len(WEBM) + 10}-'}) as unsatisfiable:
        assert unsatisfiable.status_code == 416
    assert client.get(f'/media/{asset.id}/other-name.webm').status_code == 404


def test_offline_bundle_has_the_texts_transcripts_and_workbook(client, db_session, module, course):
    login(client, _learner(course))
    with client.get(f'/courses/{course.id}/modules/{module.slug}/offline.zip') as response:
        assert response.status_code == 200 and response.mimetype == 'application/zip'
        bundle = zipfile.ZipFile(io.BytesIO(response.data))
    assert set(bundle.namelist()) == {'index.html', 'workbook.pdf'}
    page = bundle.read('index.html').decode()
    assert 'Transcript of Hazards of the angle grinder' in page and '<strong>this</strong>' in page


@pytest.mark.parametrize(('filename', 'data', 'message'), [
    ('evil.exe', b'MZ...', 'not accepted'),
    ('fake.webm', b'hello, I am text', 'does not look like'),
    ('huge.vtt', b'WEBVTT\n' + b'x' * (1024 * 1024 + 10), 'larger than 1 MB'),
])
def test_uploads_are_checked(db_session, module, media_dir, filename, data, message):
    from lms_ext.core.errors import InvalidInput
    with pytest.raises(InvalidInput) as info:
        media.store_asset(module, filename, io.BytesIO(data), media_dir=media_dir)
    assert message in info.value.message
    assert list(media_dir.glob('tmp*')) == []  # no temporary file left behind


def test_variant_assets_must_belong_to_the_module_and_fit_the_field(db_session, module, media_dir):
    from lms_ext.core.errors import InvalidInput
    other = content.create_module(ModuleInput().load({**copy.deepcopy(SAMPLE_MODULE), 'slug': 'other-module'}))
    step = other.versions[0].steps[0]
    foreign = db_session.scalar(sa.select(media.MediaAsset).where(media.MediaAsset.filename == 'intro.webm'))
    with pytest.raises(InvalidInput, match='does not belong'):
        content.add_variant(step, 'audio', {'asset_id': foreign.id, 'transcript': 't'})
    pdf = media.store_asset(other, 'w.pdf', io.BytesIO(PDF), media_dir=media_dir)
    with pytest.raises(InvalidInput, match='document file'):
        content.add_variant(step, 'audio', {'asset_id': pdf.id, 'transcript': 't'})
    from marshmallow import ValidationError
    with pytest.raises(ValidationError) as info:
        content.add_variant(step, 'video', {'url': 'https://cdn.example/v.mp4', 'transcript': 't', 'captions': []})
    assert 'captions' in info.value.messages
