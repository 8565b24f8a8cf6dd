"""`flask practical ...` commands."""

import click
from flask.cli import AppGroup

from lms_ext.core.db import unit_of_work

from .services import audit
from .services.signoffs import seal_content

practical_cli = AppGroup('practical', help='Practical sign-off: the audit chain and mentors.')


@practical_cli.command('verify-audit')
def verify_audit():
    """Check the hash chain of the sign-off audit log and every sealed record against it (exit 1 on problems)."""
    with unit_of_work():
        problems = audit.verify(seal_content)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f'The audit log has {len(problems)} problem(s).')
    click.echo('The audit log is intact.')
