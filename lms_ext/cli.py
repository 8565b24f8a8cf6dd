"""Flask CLI commands (each wraps its work in one unit of work)."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from marshmallow import ValidationError

from lms_ext.accounts import services as accounts
from lms_ext.accounts.schemas import LocalAccountInput
from lms_ext.core.db import unit_of_work
from lms_ext.core.errors import DomainError
from lms_ext.demo import platform as demo_platform
from lms_ext.demo.seed import seed_demo

accounts_cli = AppGroup('accounts', help='Local accounts (administrators, external mentors).')


@click.command('seed-demo')
def seed_demo_command():
    """Create the demo course and module (safe to run again)."""
    with unit_of_work():
        seeded = seed_demo()
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
    except ValidationError as exc:
        raise click.ClickException('; '.join(f'{k}: {" ".join(v)}' for k, v in exc.messages.items())) from None
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f'Administrator {user.email} created.')


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(accounts_cli)
