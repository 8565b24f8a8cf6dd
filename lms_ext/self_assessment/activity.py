"""The trainer's statement wording travels with the module: into new drafts and module packages. Statements
belong to the version (one per learning outcome); the first stage of a version carries them in a package.
Registered for `StepKind.self_assessment` in `content.activities` by the app factory."""

from lms_ext.content import activities
from lms_ext.content.models import Step
from lms_ext.core.i18n import _

from . import services

MAX_TEXT = 1000


def export_data(step: Step) -> dict | None:
    if services.stages_of(step.version)[0].id != step.id:
        return None  # the first stage speaks for the version
    custom = services.custom_statements(step.version)
    statements = [{'outcome': o.position, 'text': custom[o.id]} for o in step.version.outcomes if o.id in custom]
    return {'statements': statements} if statements else None


def check_data(data: dict, outcome_count: int) -> list[tuple[tuple, str]]:
    statements = data.get('statements') if isinstance(data, dict) else None
    if not isinstance(statements, list):
        return [(('statements',), _('Statements are a list of {outcome, text}.'))]
    problems = []
    for i, item in enumerate(statements):
        outcome = item.get('outcome') if isinstance(item, dict) else None
        text = item.get('text') if isinstance(item, dict) else None
        if not (isinstance(outcome, int) and 1 <= outcome <= outcome_count):
            problems.append((('statements', i, 'outcome'), _('The module has only %(n)d learning outcomes.',
                                                             n=outcome_count)))
        if not (isinstance(text, str) and 0 < len(text.strip()) <= MAX_TEXT):
            problems.append((('statements', i, 'text'), _('Write the statement (at most %(n)d characters).',
                                                          n=MAX_TEXT)))
    return problems


def import_data(step: Step, data: dict) -> None:
    by_position = {o.position: o.id for o in step.version.outcomes}
    services.update_statements(step.version, {by_position[s['outcome']]: s['text'].strip()
                                              for s in data['statements']})


def copy(source: Step, target: Step) -> None:
    data = export_data(source)
    if data is not None:
        import_data(target, data)


HOOKS = activities.ActivityHooks(export_data=export_data, check_data=check_data, import_data=import_data,
                                 copy=copy)
