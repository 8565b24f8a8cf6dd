"""`flask badges ...` commands."""

from flask.cli import AppGroup

badges_cli = AppGroup('badges', help='Open Badges: list and revoke assertions.')
