"""Flask CLI commands (each wraps its work in one unit of work)."""

import time
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from marshmallow import ValidationError
from rq import SimpleWorker

from lms_ext.accounts import services as accounts
from lms_ext.accounts.schemas import LocalAccountInput
from lms_ext.badges.commands import badges_cli
from lms_ext.content import packages
from lms_ext.content import services as content
from lms_ext.core import jobs
from lms_ext.core.db import unit_of_work
from lms_ext.core.errors import DomainError, InvalidInput
from lms_ext.demo import platform as demo_platform
from lms_ext.demo.seed import seed_demo
from lms_ext.lti import tasks as lti_tasks
from lms_ext.lti.models import PlatformStatus
from lms_ext.lti.schemas import PlatformInput
from lms_ext.lti.services import grades, keys, registration
from lms_ext.practical.commands import practical_cli
from lms_ext.quizzes import services as quizzes

accounts_cli = AppGroup('accounts', help='Local accounts (administrators, external mentors).')
lti_cli = AppGroup('lti', help='LTI platform registrations and the tool keys.')
jobs_cli = AppGroup('jobs', help='Background jobs: grade pass-back and other retries.')
modules_cli = AppGroup('modules', help='Module packages: export and import (module.yaml + assets in a zip).')


@modules_cli.command('export')
@click.argument('slug')
@click.argument('target', type=click.Path(dir_okay=False, writable=True))
@click.option('--version', 'number', type=int, default=None, help='Version number (default: the published one).')
def modules_export(slug, target, number):
    """Export a module version as a package zip."""
    with unit_of_work():
        module = content.get_module_by_slug(slug)
        if module is None:
            raise click.ClickException(f'No module {slug!r}.')
        version = next((v for v in module.versions if v.number == number), None) if number else (
            module.published_version or module.versions[-1])
        if version is None:
            raise click.ClickException(f'Module {slug!r} has no version {number}.')
        data = packages.export_package(version, media_dir=current_app.config['MEDIA_DIR'])
    with open(target, 'wb') as f:
        f.write(data)
    click.echo(f'Exported {slug} version {version.number} to {target} ({len(data)} bytes).')


@modules_cli.command('import')
@click.argument('source', type=click.File('rb'))
@click.option('--publish', is_flag=True, help='Publish the imported draft at once.')
def modules_import(source, publish):
    """Import a package zip as a new module, or as a new draft version of an existing one."""
    try:
        with unit_of_work():
            result = packages.import_package(source, media_dir=current_app.config['MEDIA_DIR'])
            if publish:
                content.publish_version(result.version)
            version = result.version
            summary = f'{version.module.slug} version {version.number} ({version.state.value})'
    except DomainError as exc:
        raise _fail(exc, 'Nothing was imported:') from None
    for warning in result.warnings:
        click.echo(f'warning: {warning}')
    click.echo(f'Imported {summary}.')


def _fail(exc: Exception, heading: str = '') -> click.ClickException:
    """A CLI error naming every field (or file and line) that was wrong."""
    if isinstance(exc, ValidationError | InvalidInput):
        errors = exc.normalized_messages() if isinstance(exc, ValidationError) else exc.errors
        lines = [f'{where}: {" ".join(map(str, m)) if isinstance(m, list) else m}' for where, m in errors.items()]
        return click.ClickException((heading + '\n  ' if heading else '') + '\n  '.join(lines))
    return click.ClickException(getattr(exc, 'message', str(exc)))


@click.command('seed-demo')
def seed_demo_command():
    """Create the demo course and module (safe to run again)."""
    with unit_of_work():
        seeded = seed_demo(media_dir=current_app.config['MEDIA_DIR'])
        demo_platform.register(current_app.config['BASE_URL'])
    demo_platform.platform_key(current_app.config['INSTANCE_DIR'])
    click.echo(f'Demo ready: course {seeded["course"].title!r}, module {seeded["module"].slug!r}, '
               f'demo platform at {current_app.config["BASE_URL"]}/demo/')


@accounts_cli.command('create-admin')
@click.argument('email')
@click.option('--name', default='Administrator', show_default=True)
@click.password_option(help='At least 12 characters (prompted when omitted).')
def create_admin(email, name, password):
    """Create a local administrator account."""
    try:
        data = LocalAccountInput().load({'email': email, 'name': name, 'password': password})
        with unit_of_work():
            user = accounts.create_local_account(**data, is_admin=True)
    except (ValidationError, DomainError) as exc:
        raise _fail(exc) from None
    click.echo(f'Administrator {user.email} created.')


@lti_cli.command('add-platform')
@click.option('--issuer', required=True, help='The platform ID, e.g. https://moodle.example.org')
@click.option('--client-id', required=True)
@click.option('--login-url', required=True, help='Authentication request URL (OIDC auth endpoint).')
@click.option('--token-url', required=True, help='Access token URL.')
@click.option('--jwks-url', required=True, help='Public keyset URL.')
@click.option('--deployment', 'deployments', multiple=True, required=True, help='Deployment ID (repeatable).')
@click.option('--name', default='')
@click.option('--audience', default=None, help='Token endpoint audience, when it differs from its URL.')
def add_platform(issuer, client_id, login_url, token_url, jwks_url, deployments, name, audience):
    """Register an LMS platform by hand (active at once)."""
    try:
        data = PlatformInput().load({'issuer': issuer, 'client_id': client_id, 'auth_login_url': login_url,
                                     'auth_token_url': token_url, 'key_set_url': jwks_url, 'name': name,
                                     'auth_audience': audience, 'deployment_ids': list(deployments)})
        with unit_of_work():
            platform = registration.add_platform(data)
            click.echo(f'Platform {platform.id} registered: {platform.issuer} (client {platform.client_id})')
    except (ValidationError, DomainError) as exc:
        raise _fail(exc) from None


@lti_cli.command('list')
def list_platforms():
    """Registered platforms and their status."""
    for p in registration.all_platforms():
        deployments = ','.join(d.deployment_id for d in p.deployments)
        click.echo(f'{p.id}\t{p.status.value}\t{p.method.value}\t{p.issuer}\t{p.client_id}\t{deployments}')


@lti_cli.command('approve')
@click.argument('platform_id', type=int)
def approve(platform_id):
    """Approve a pending (dynamically registered) platform."""
    with unit_of_work():
        platform = registration.get_platform(platform_id)
        if platform is None:
            raise click.ClickException(f'No platform {platform_id}.')
        registration.set_status(platform, PlatformStatus.active)
    click.echo(f'Platform {platform_id} approved.')


@lti_cli.command('rotate-key')
@click.option('--overlap-days', default=7, show_default=True, type=click.IntRange(0, 90),
              help='How long the previous key stays published.')
def rotate_key(overlap_days):
    """Sign with a new RSA key; the previous key stays in the JWKS during the overlap."""
    with unit_of_work():
        key = keys.rotate_key(overlap=timedelta(days=overlap_days))
        kid = key.kid
    click.echo(f'New signing key {kid}; previous keys published for {overlap_days} more day(s).')


@jobs_cli.command('work')
@click.option('--interval', default=2.0, show_default=True, help='Seconds between sweeps of due jobs.')
@click.option('--once', is_flag=True, help='Process what is due now and exit.')
def jobs_work(interval, once):
    """Run jobs: RQ jobs when REDIS_URL is set, and every due outbox row (the database-backed queue)."""
    q = jobs.queue()
    worker = SimpleWorker([q], connection=q.connection) if q is not None else None
    click.echo(f'Job worker started ({"RQ on Redis" if q is not None else "database-backed queue"}).')
    while True:
        if worker is not None:
            worker.work(burst=True)
        lti_tasks.sweep()
        if once:
            return
        time.sleep(interval)


@jobs_cli.command('retry-failed')
def jobs_retry_failed():
    """Queue again the score submissions whose retries were exhausted."""
    with unit_of_work():
        count = grades.retry_failed()
    click.echo(f'{count} submission(s) queued again.')


quizzes_cli = AppGroup('quizzes', help='Quizzes: Moodle GIFT and Moodle XML import and export.')


def _import_questions(source, slug: str, position: int | None, fmt: str) -> None:
    """Import a question file into a quiz step of a module's draft version (all questions, or none)."""
    try:
        with unit_of_work():
            module = content.get_module_by_slug(slug)
            draft = next((v for v in module.versions if v.state.value == 'draft'), None) if module else None
            if draft is None:
                raise click.ClickException(f'Module {slug!r} has no draft version; create one first.')
            steps = [s for s in draft.steps if s.kind.value == 'quiz' and (position is None or s.position == position)]
            if not steps:
                raise click.ClickException('No quiz step found in the draft; add one in the authoring pages.')
            quiz = quizzes.ensure_quiz(steps[-1])
            added = quizzes.import_questions(quiz, source.read(), fmt)
            quiz_id = quiz.id
    except DomainError as exc:
        raise _fail(exc, 'Nothing was imported:') from None
    click.echo(f'Imported {len(added)} question(s) into quiz {quiz_id}.')


def _export_questions(quiz_id: int, fmt: str) -> None:
    with unit_of_work():
        quiz = quizzes.get_quiz(quiz_id)
        if quiz is None:
            raise click.ClickException(f'No quiz {quiz_id}.')
        click.echo(quizzes.export_questions(quiz, fmt), nl=False)


_SOURCE = click.argument('source', type=click.File('r', encoding='utf-8'))
_MODULE = click.option('--module', 'slug', required=True, help='The module whose draft version gets the questions.')
_STEP = click.option('--step', 'position', type=int, default=None,
                     help='Position of the quiz step (default: the last).')


@quizzes_cli.command('import-gift')
@_SOURCE
@_MODULE
@_STEP
def quizzes_import_gift(source, slug, position):
    """Import a GIFT file into a quiz step of a module's draft version (all questions, or none)."""
    _import_questions(source, slug, position, 'gift')


@quizzes_cli.command('import-xml')
@_SOURCE
@_MODULE
@_STEP
def quizzes_import_xml(source, slug, position):
    """Import a Moodle XML file into a quiz step of a module's draft version (all questions, or none)."""
    _import_questions(source, slug, position, 'moodle_xml')


@quizzes_cli.command('export-gift')
@click.argument('quiz_id', type=int)
def quizzes_export_gift(quiz_id):
    """Print a quiz's questions in GIFT."""
    _export_questions(quiz_id, 'gift')


@quizzes_cli.command('export-xml')
@click.argument('quiz_id', type=int)
def quizzes_export_xml(quiz_id):
    """Print a quiz's questions in Moodle XML."""
    _export_questions(quiz_id, 'moodle_xml')


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(accounts_cli)
    app.cli.add_command(lti_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(modules_cli)
    app.cli.add_command(quizzes_cli)
    app.cli.add_command(practical_cli)
    app.cli.add_command(badges_cli)
