"""Badges follow progress: a completed run earns the module version's badge; a reopened run loses it.

Receivers run inside the sending transaction: they flush, never commit.
"""

from lms_ext.progress.signals import module_completed, module_reopened

from . import services


@module_completed.connect
def _issue_badge(run, **kwargs):
    services.issue_for_completion(run)


@module_reopened.connect
def _revoke_badge(run, *, reason, **kwargs):
    services.revoke_for_reopened(run, reason)
