"""The official 1EdTech Open Badges 2.0 validator (badgecheck 1.2.0, its own venv: validator_env.py) against
badges hosted by the real app (gunicorn on 127.0.0.1, BASE_URL pointing there) and baked by it.

For hosted badges the validator reads only the assertion `id` from a baked image and then verifies the
document it fetches from that URL; so the tampered images here change what it does read (the id) or lose
the baked data. That baked images carry exactly the hosted document is checked in test_hosting.py.
Revocation is checked by our own tests (test_hosting.py): this validator's handling of 410 is lax.
"""

import json

import pytest
import requests
import sqlalchemy as sa

from config import TestConfig
from lms_ext.accounts.models import Course
from lms_ext.app import create_app
from lms_ext.badges import baking
from lms_ext.content import services as content
from lms_ext.core.db import db, unit_of_work
from lms_ext.demo import seed_badges
from lms_ext.demo.seed import DEMO_CONTEXT_ID, DEMO_MODULE_SLUG
from tests.badges.validator_env import validate
from tests.live import LiveTool

EMAIL = seed_badges.GRADUATE['email']


@pytest.fixture(scope='module')
def hosted(tmp_path_factory):
    """The live tool, seeded, with the demo graduate's badge issued in its database; yields the assertion URL."""
    tool = LiveTool(label='badges_validator', workers=1, threads=4).start()
    try:
        writer = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=tool.url, BASE_URL=tool.base_url,
                            INSTANCE_DIR=tmp_path_factory.mktemp('writer'))
        with writer.app_context():
            with unit_of_work():
                course = db.session.scalar(sa.select(Course).where(Course.context_id == DEMO_CONTEXT_ID))
                public_id = seed_badges.seed(course, content.get_module_by_slug(DEMO_MODULE_SLUG)).public_id
            db.engine.dispose()
        yield f'{tool.base_url}/badges/assertions/{public_id}'
    finally:
        tool.stop()


def _saved(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_hosted_assertion_is_valid_and_wrong_recipient_is_not(hosted):
    report = validate(hosted, EMAIL)
    assert report['valid'] and report['errorCount'] == 0, report
    report = validate(hosted, 'someone.else@example.org')
    assert not report['valid']
    assert any(m['name'] == 'VERIFY_RECIPIENT_IDENTIFIER' for m in report['messages']), report


def test_baked_png_and_svg_are_valid(hosted, tmp_path):
    png = requests.get(f'{hosted}/badge.png', timeout=30).content
    assert validate(_saved(tmp_path, 'badge.png', png), EMAIL)['valid']
    svg = requests.get(f'{hosted}/badge.svg', timeout=30).content
    assert validate(_saved(tmp_path, 'badge.svg', svg), EMAIL)['valid']


def test_tampered_baked_images_are_invalid(hosted, tmp_path):
    png = requests.get(f'{hosted}/badge.png', timeout=30).content
    document = json.loads(baking.unbake(png))
    forged = baking.bake_png(png, {**document, 'id': f'{hosted}x'})  # points at an assertion we never issued
    report = validate(_saved(tmp_path, 'forged.png', forged), EMAIL)
    assert not report['valid'] and report['errorCount'] >= 1, report
    class_image = requests.get(document['badge'], headers={'Accept': 'application/json'}, timeout=30).json()['image']
    unbaked = requests.get(class_image, timeout=30).content  # the picture without the baked assertion
    report = validate(_saved(tmp_path, 'unbaked.png', unbaked), EMAIL)
    assert not report['valid']
    assert 'Could not find Open Badges metadata' in json.dumps(report['messages'])
