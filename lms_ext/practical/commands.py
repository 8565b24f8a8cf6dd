"""`flask practical ...` commands."""

from flask.cli import AppGroup

practical_cli = AppGroup('practical', help='Practical sign-off: the audit chain and mentors.')
