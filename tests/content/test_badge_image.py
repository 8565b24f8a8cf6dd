"""Trainers upload their own badge image on a draft: checked PNG, copied into new drafts, fixed once published."""

import io

import pytest

from lms_ext.content import badge_image
from lms_ext.content import services as content
from lms_ext.content.models import VersionState
from tests.content.test_authoring import _create, trainer  # noqa: F401 (fixture)
from tests.pngs import damaged, png

GOOD = png(256, 256)


def _upload(client, version, data: bytes, filename: str = 'badge.png'):
    return client.post(f'/author/versions/{version.id}/badge-image',
                       data={'badge_image': (io.BytesIO(data), filename)}, content_type='multipart/form-data')


def test_png_size_reads_the_ihdr_and_checks_the_chunks():
    assert badge_image.png_size(png(300, 200)) == (300, 200)
    damaged = bytearray(GOOD)
    damaged[20] ^= 0xFF  # inside IHDR: its CRC no longer matches
    assert badge_image.png_size(bytes(damaged)) is None
    assert badge_image.png_size(GOOD[:-12]) is None  # no IEND
    assert badge_image.png_size(b'GIF89a' + GOOD[6:]) is None


def test_upload_preview_and_remove(client, trainer, db_session):  # noqa: F811
    version = _create(client)
    page = client.get(f'/author/versions/{version.id}').get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="csrf_token"' in page
    assert 'for="f-badge_image"' in page and 'Use the generated image' not in page
    generated = client.get(f'/badges/author/versions/{version.id}/image.png')
    assert generated.status_code == 200 and generated.mimetype == 'image/png'
    assert badge_image.png_size(generated.data) == (400, 400)

    response = _upload(client, version, GOOD)
    assert response.status_code == 303
    db_session.refresh(version)
    assert version.badge_image_png == GOOD
    assert client.get(f'/badges/author/versions/{version.id}/image.png').data == GOOD
    assert 'Use the generated image' in client.get(f'/author/versions/{version.id}').get_data(as_text=True)

    assert client.post(f'/author/versions/{version.id}/badge-image/remove').status_code == 303
    db_session.refresh(version)
    assert version.badge_image_png is None


@pytest.mark.parametrize(('data', 'filename', 'message'), [
    (png(300, 200), 'wide.png', 'must be square'),
    (png(150, 150), 'small.png', '200–1024 px a side'),
    (png(1100, 1100), 'large.png', '200–1024 px a side'),
    (png(400, 400, noise=True), 'noisy.png', 'larger than 200 KB'),
    (b'\xff\xd8\xff\xe0' + b'\x00' * 2000, 'photo.png', 'must be a PNG file'),
    (b'<svg xmlns="http://www.w3.org/2000/svg"/>', 'badge.svg', 'must be a PNG file'),
    (b'', '', 'Choose a PNG image'),
    (png(300, 300)[:-40], 'cut.png', 'must be a PNG file'),
    (damaged(png(300, 300)), 'damaged.png', 'must be a PNG file'),
])
def test_bad_uploads_are_refused_naming_the_field(client, trainer, db_session, data, filename, message):  # noqa: F811
    version = _create(client)
    response = _upload(client, version, data, filename)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="f-badge_image-error"' in body and message in body and 'aria-invalid="true"' in body
    db_session.refresh(version)
    assert version.badge_image_png is None


def test_new_draft_copies_the_image_and_published_versions_cannot_change(client, trainer, db_session):  # noqa: F811
    version = _create(client)
    client.post(f'/author/versions/{version.id}/steps', data={'title': 'Fumes', 'kind': 'unit'})
    assert _upload(client, version, GOOD).status_code == 303
    content.publish_version(version)
    db_session.commit()
    assert version.state is VersionState.published

    other = png(512, 512, rgb=(200, 40, 40))
    response = _upload(client, version, other)
    assert response.status_code == 303  # refused with a message, like the other changes of a published version
    db_session.refresh(version)
    assert version.badge_image_png == GOOD
    client.post(f'/author/versions/{version.id}/badge-image/remove')
    db_session.refresh(version)
    assert version.badge_image_png == GOOD
    page = client.get(f'/author/versions/{version.id}').get_data(as_text=True)
    assert 'Badge image' in page and 'name="badge_image"' not in page and 'This image is fixed' in page

    draft = content.new_draft_from(version)
    assert draft.badge_image_png == GOOD
    content.set_badge_image(draft, other)
    assert draft.badge_image_png == other and version.badge_image_png == GOOD
