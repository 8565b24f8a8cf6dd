import sqlalchemy as sa

from lms_ext.accounts.models import Course
from lms_ext.content.models import ContentFormat, Module, ModuleVersion, VersionState
from lms_ext.demo.seed import seed_demo


def test_seed_is_idempotent_and_publishes_the_demo_module(db_session, tmp_path):
    first = seed_demo(media_dir=tmp_path)
    second = seed_demo(media_dir=tmp_path)
    assert first['module'] is second['module'] and first['course'] is second['course']
    assert db_session.scalar(sa.select(sa.func.count(Module.id))) == 1
    assert db_session.scalar(sa.select(sa.func.count(Course.id))) == 1
    version = first['module'].published_version
    assert version.state is VersionState.published and len(version.outcomes) == 6
    # the demo module has real content: every unit in all five formats
    assert [len(step.variants) for step in version.units] == [5, 5, 5, 5]
    assert {v.format for step in version.units for v in step.variants} == set(ContentFormat)


def test_demo_start_page_shows_the_module(client, db_session, tmp_path):
    seed_demo(media_dir=tmp_path)
    body = client.get('/demo/').get_data(as_text=True)
    assert 'Safe use of an angle grinder' in body
    assert 'Open as Lena (learner)' in body and 'Add a module as Tomas (trainer)' in body
    assert 'Try the demo as learner, trainer or mentor' in client.get('/').get_data(as_text=True)


def test_cli_seed_demo(app, db_session):
    result = app.test_cli_runner().invoke(args=['seed-demo'])
    assert result.exit_code == 0, result.output
    assert 'safe-angle-grinder' in result.output


def test_cli_exports_and_imports_module_packages(app, db_session, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=['seed-demo']).exit_code == 0
    target = tmp_path / 'grinder.zip'
    result = runner.invoke(args=['modules', 'export', 'safe-angle-grinder', str(target)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=['modules', 'import', str(target)])
    assert result.exit_code == 0, result.output
    assert 'safe-angle-grinder version 2 (draft)' in result.output
    versions = db_session.scalars(sa.select(ModuleVersion).join(Module).where(
        Module.slug == 'safe-angle-grinder').order_by(ModuleVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    assert [[v.payload for v in s.variants] for s in versions[1].steps] == [
        [v.payload for v in s.variants] for s in versions[0].steps]  # same files (same asset ids)
    broken = tmp_path / 'broken.zip'
    broken.write_bytes(b'not a zip at all')
    result = runner.invoke(args=['modules', 'import', str(broken)])
    assert result.exit_code == 1 and 'Nothing was imported' in result.output


def test_the_demo_graduate_walked_every_part_for_real_and_holds_the_badge(db_session, tmp_path):
    from lms_ext.badges.models import Assertion
    from lms_ext.demo.seed_badges import GRADUATE_SUBJECT
    from lms_ext.practical.models import Signoff
    from lms_ext.progress.models import ModuleProgress, ProgressState
    from lms_ext.self_assessment.models import StageResponse

    seed_demo(media_dir=tmp_path)
    seed_demo(media_dir=tmp_path)  # idempotent: nothing walked twice
    run = db_session.scalar(sa.select(ModuleProgress).join(ModuleProgress.learner).where(
        ModuleProgress.learner.has(subject=GRADUATE_SUBJECT)))
    assert run.state is ProgressState.completed
    signoff = db_session.scalar(sa.select(Signoff).where(Signoff.learner_id == run.learner_id))
    assert signoff.passed and signoff.sealed_at is not None and signoff.signature_name == 'Maria Costa'
    assert db_session.scalar(sa.select(sa.func.count(StageResponse.id)).where(
        StageResponse.learner_id == run.learner_id)) == 3
    [assertion] = db_session.scalars(sa.select(Assertion).where(Assertion.learner_id == run.learner_id)).all()
    assert assertion.grade == 100 and assertion.signed_off_at is not None and assertion.issued_on is not None
