"""A module's uploaded badge image: the badge class takes it on first award; PNG and SVG badges bake with it."""

import json

import pytest

from lms_ext.badges import baking, images, services
from lms_ext.content import badge_image
from lms_ext.content import services as content
from lms_ext.content.models import VersionState
from lms_ext.progress import services as progress
from tests.badges.builders import complete, learner_in, published_module
from tests.pngs import png

UPLOAD = png(512, 512, rgb=(200, 120, 10))


@pytest.fixture
def module(db_session):
    """A published module whose version carries an uploaded image (set before publishing, as on a draft)."""
    module = published_module('own-image-module')
    version = module.versions[0]
    version.state, version.published_at = VersionState.draft, None  # back to a draft for the upload
    db_session.flush()
    content.set_badge_image(version, UPLOAD)
    content.publish_version(version)
    return module


def test_badge_class_uses_the_upload_and_bakes_round_trip(db_session, module, course):
    run = progress.start_or_resume(learner_in(course), module, course)
    complete(run)
    assertion = services.get_assertion(services.badges_of(run.learner)[0].public_id)
    badge_class = assertion.badge_class
    assert badge_class.image_png == UPLOAD and services.class_png(badge_class) == UPLOAD
    assert 'width="512" height="512"' in badge_class.image_svg and 'data:image/png;base64,' in badge_class.image_svg

    baked = services.baked_png(assertion)
    assert badge_image.png_size(baked) == (512, 512) and len(baked) <= baking.MAX_PNG_BYTES
    assert json.loads(baking.unbake(baked))['id'] == services.links().assertion(assertion.public_id)
    svg = services.baked_svg(assertion)
    assert baking.unbake(svg.encode()) == services.links().assertion(assertion.public_id)
    assert 'data:image/png;base64,' in svg

    # The class is fixed on first award: a new draft's other image does not change issued badges.
    draft = content.new_draft_from(run.version)
    content.set_badge_image(draft, png(256, 256))
    assert services.badge_class_for(run.version, course).image_png == UPLOAD
    assert services.preview_png(run.version) == UPLOAD


def test_largest_upload_still_bakes_within_the_limit(db_session, module, course):
    """An upload just under 200 KB leaves room for the assertion in the baked PNG."""
    side = 260
    big = png(side, side, noise=True)
    assert 190 * 1024 < len(big) <= badge_image.MAX_BYTES
    baked = baking.bake_png(badge_image.check_png(big), {'id': 'https://example.org/a', 'x': 'y' * 4000})
    assert len(baked) <= baking.MAX_PNG_BYTES


def test_without_upload_the_generated_image_is_used(db_session, course):
    module = published_module('generated-image-module')
    run = progress.start_or_resume(learner_in(course), module, course)
    complete(run)
    badge_class = services.badges_of(run.learner)[0].badge_class
    assert badge_image.png_size(badge_class.image_png) == (images.SIZE, images.SIZE)
    assert badge_class.image_svg.startswith('<svg') and 'MICRO-CREDENTIAL' in badge_class.image_svg
