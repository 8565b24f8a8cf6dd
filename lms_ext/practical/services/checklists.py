"""Checklists on practical steps: authoring (drafts only), the pass rule, and the activity hooks that
carry a checklist in module packages and into new drafts."""

import logging

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.orm import selectinload

from lms_ext.content import activities
from lms_ext.content.models import Step, StepKind, VersionState
from lms_ext.core.db import db
from lms_ext.core.errors import Conflict, InvalidInput
from lms_ext.core.i18n import _

from ..models import Checklist, Criterion
from ..schemas import PackageChecklistInput

logger = logging.getLogger(__name__)


def checklist_for_step(step: Step) -> Checklist | None:
    return db.session.scalar(sa.select(Checklist).where(Checklist.step_id == step.id)
                             .options(selectinload(Checklist.criteria).selectinload(Criterion.outcomes)))


def get_checklist(checklist_id: int) -> Checklist | None:
    return db.session.get(Checklist, checklist_id)


def is_passed(checklist: Checklist, met: dict[int, bool]) -> bool:
    """Every critical criterion met, and at least `min_other_met` of the others."""
    critical = [c for c in checklist.criteria if c.critical]
    others = [c for c in checklist.criteria if not c.critical]
    return (all(met.get(c.id) for c in critical)
            and sum(1 for c in others if met.get(c.id)) >= checklist.min_other_met)


def save_checklist(step: Step, data: dict) -> Checklist:
    """Replace the checklist of a draft's practical step with validated `ChecklistInput` data."""
    if step.kind is not StepKind.practical:
        raise InvalidInput('step', _('Only practical steps hold a checklist.'))
    if not is_editable(step):
        raise Conflict(_('Published versions cannot be changed. Create a new draft to edit the module.'))
    outcomes = {o.id: o for o in step.version.outcomes}
    for i, criterion in enumerate(data['criteria']):
        if any(oid not in outcomes for oid in criterion['outcome_ids']):
            raise InvalidInput(f'criteria-{i}-outcomes', _('Link outcomes of this module version only.'))
    _check_rule(data['min_other_met'], data['criteria'], 'min_other_met')
    checklist = checklist_for_step(step) or Checklist(step=step)
    checklist.min_other_met = data['min_other_met']
    checklist.criteria.clear()
    db.session.add(checklist)
    db.session.flush()  # free the positions
    for position, criterion in enumerate(data['criteria'], start=1):
        checklist.criteria.append(Criterion(
            position=position, text=criterion['text'], guidance=criterion['guidance'],
            critical=criterion['critical'], outcomes=[outcomes[oid] for oid in criterion['outcome_ids']]))
    db.session.flush()
    logger.info('Checklist %r saved with %d criteria', checklist, len(data['criteria']))
    return checklist


def _check_rule(min_other_met: int, criteria: list[dict], field: str) -> None:
    others = sum(1 for c in criteria if not c['critical'])
    if min_other_met > others:
        raise InvalidInput(field, _('The pass rule asks for %(n)d non-critical criteria, but there are only '
                                    '%(m)d.', n=min_other_met, m=others))


def is_editable(step: Step) -> bool:
    return step.version.state is VersionState.draft


# --------------------------------------------------------------------------- activity hooks (packages, drafts)


def export_data(step: Step) -> dict | None:
    checklist = checklist_for_step(step)
    if checklist is None:
        return None
    criteria = []
    for c in checklist.criteria:
        item = {'text': c.text, 'critical': c.critical, 'outcomes': [o.position for o in c.outcomes]}
        if c.guidance:
            item['guidance'] = c.guidance
        criteria.append(item)
    return {'min_other_met': checklist.min_other_met, 'criteria': criteria}


def check_data(data: dict, outcome_count: int) -> list[tuple[tuple, str]]:
    try:
        loaded = PackageChecklistInput().load(data)
    except ValidationError as exc:
        return activities.problems_from(exc.normalized_messages())
    problems = []
    for i, criterion in enumerate(loaded['criteria']):
        for j, position in enumerate(criterion['outcomes']):
            if position > outcome_count:
                problems.append((('criteria', i, 'outcomes', j), _('The module has only %(n)d learning outcomes.',
                                                                   n=outcome_count)))
    try:
        _check_rule(loaded['min_other_met'], loaded['criteria'], 'min_other_met')
    except InvalidInput as exc:
        problems.append((('min_other_met',), exc.message))
    return problems


def import_data(step: Step, data: dict) -> None:
    loaded = PackageChecklistInput().load(data)
    by_position = {o.position: o.id for o in step.version.outcomes}
    save_checklist(step, {'min_other_met': loaded['min_other_met'], 'criteria': [
        {**{k: c[k] for k in ('text', 'guidance', 'critical')},
         'outcome_ids': [by_position[p] for p in c['outcomes']]} for c in loaded['criteria']]})


def copy(source: Step, target: Step) -> None:
    """A new draft gets the same checklist, its outcome links moved to the draft's outcomes (by position)."""
    data = export_data(source)
    if data is not None:
        import_data(target, data)


HOOKS = activities.ActivityHooks(export_data=export_data, check_data=check_data, import_data=import_data,
                                 copy=copy)
