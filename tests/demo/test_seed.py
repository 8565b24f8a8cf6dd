import sqlalchemy as sa

from lms_ext.accounts.models import Course
from lms_ext.content.models import Module, VersionState
from lms_ext.demo.seed import seed_demo


def test_seed_is_idempotent_and_publishes_the_demo_module(db_session):
    first = seed_demo()
    second = seed_demo()
    assert first['module'] is second['module'] and first['course'] is second['course']
    assert db_session.scalar(sa.select(sa.func.count(Module.id))) == 1
    assert db_session.scalar(sa.select(sa.func.count(Course.id))) == 1
    version = first['module'].published_version
    assert version.state is VersionState.published and len(version.outcomes) >= 4


def test_demo_start_page_shows_the_module(client, db_session):
    seed_demo()
    body = client.get('/demo/').get_data(as_text=True)
    assert 'Safe use of an angle grinder' in body
    assert 'Open as Lena (learner)' in body and 'Add a module as Tomas (trainer)' in body
    assert 'Try the demo as learner, trainer or mentor' in client.get('/').get_data(as_text=True)


def test_cli_seed_demo(app, db_session):
    result = app.test_cli_runner().invoke(args=['seed-demo'])
    assert result.exit_code == 0, result.output
    assert 'safe-angle-grinder' in result.output
