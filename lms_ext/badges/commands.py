"""`flask badges ...` commands."""

import json

import click
from flask.cli import AppGroup

from lms_ext.core.db import unit_of_work
from lms_ext.core.errors import DomainError

from . import services

badges_cli = AppGroup('badges', help='Open Badges: list and revoke assertions.')


@badges_cli.command('list')
def list_badges():
    """One JSON object per line: assertion URL, learner, module version, issued / revoked."""
    links = services.links()
    with unit_of_work():
        for a in services.all_assertions():
            click.echo(json.dumps({
                'id': a.public_id, 'url': links.assertion(a.public_id) if a.is_issued else None,
                'learner': {'id': a.learner_id, 'name': a.learner.display_name},
                'module': a.version.module.slug, 'version': a.version.number, 'course_id': a.course_id,
                'issued_on': a.issued_on.isoformat() if a.issued_on else None,
                'revoked_at': a.revoked_at.isoformat() if a.revoked_at else None,
                'revocation_reason': a.revocation_reason or None}))


@badges_cli.command('revoke')
@click.argument('assertion_id')
@click.option('--reason', required=True, help='Why the badge is revoked (published in the revocation list).')
def revoke_badge(assertion_id, reason):
    """Revoke an issued badge (ASSERTION_ID: the id shown by `flask badges list`)."""
    try:
        with unit_of_work():
            assertion = services.get_assertion(assertion_id)
            if assertion is None:
                raise click.ClickException(f'No badge {assertion_id!r}.')
            services.revoke(assertion, reason=reason)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f'Badge {assertion_id} revoked.')
