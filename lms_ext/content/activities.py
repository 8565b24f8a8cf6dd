"""Registry of activity hooks per step kind, so that activities travel with their module.

Activity packages (quizzes, self-assessment, practical) sit above content and own their rows; content
must not import them. Each registers an `ActivityHooks` for its `StepKind` at start-up (from
`lms_ext.app`), and content calls the hooks when it exports a package, imports one, or copies a
version into a new draft. In module.yaml a step's activity data is stored under the key `activity`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .models import Step, StepKind

PACKAGE_KEY = 'activity'


@dataclass(frozen=True)
class ActivityHooks:
    # The step's activity as plain YAML-safe data (None: nothing to export). Learning outcomes are
    # named by their 1-based position in the version, since ids belong to one database.
    export_data: Callable[[Step], dict | None]
    # Problems with package data before anything is written: (field path, message) pairs; the
    # second argument is the number of learning outcomes the version will have.
    check_data: Callable[[dict, int], list[tuple[tuple, str]]]
    # Create the activity of a new draft step from checked package data.
    import_data: Callable[[Step, dict], None]
    # Copy the activity of `source` onto the new draft step `target` (both flushed, outcomes too).
    copy: Callable[[Step, Step], None]


_HOOKS: dict[StepKind, ActivityHooks] = {}


def problems_from(messages, prefix: tuple = ()) -> list[tuple[tuple, str]]:
    """Marshmallow's nested error messages as (field path, message) pairs, the shape `check_data` returns."""
    if isinstance(messages, dict):
        return [item for key, value in messages.items() for item in problems_from(value, prefix + (key,))]
    if isinstance(messages, list):
        return [item for message in messages for item in problems_from(message, prefix)]
    return [(prefix, str(messages))]


def register(kind: StepKind, hooks: ActivityHooks) -> None:
    _HOOKS[kind] = hooks


def hooks_for(kind: StepKind) -> ActivityHooks | None:
    return _HOOKS.get(kind)
