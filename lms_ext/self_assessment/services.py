"""Self-assessment: the stages of a version, statement wording, submitting a stage, a learner's comparison
across stages, the cohort distribution and the learner's data export.

A stage is a self_assessment step of a module version (in step order); every stage rates the same outcomes
on the shared 4-level scale (lms_ext.content.proficiency). Self-assessment never changes a grade: a first
submission only sends `stage_submitted`, on which progress completes the step.
"""

import logging

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms_ext.accounts.models import Course, User
from lms_ext.content.models import LearningOutcome, ModuleVersion, Step, StepKind, VersionState
from lms_ext.content.proficiency import BY_VALUE, LEVELS
from lms_ext.core.db import db
from lms_ext.core.errors import Conflict, InvalidInput, NotFound
from lms_ext.core.i18n import _
from lms_ext.core.time import utcnow

from .models import Rating, StageResponse, Statement
from .schemas import level_field, start_field
from .signals import stage_submitted

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- stages and statements


def stages_of(version: ModuleVersion) -> list[Step]:
    """The version's self-assessment stages in module order."""
    return [step for step in version.steps if step.kind is StepKind.self_assessment]


def is_last_stage(step: Step) -> bool:
    stages = stages_of(step.version)
    return bool(stages) and stages[-1].id == step.id


def get_stage(step_id: int) -> Step | None:
    step = db.session.get(Step, step_id)
    return step if step is not None and step.kind is StepKind.self_assessment else None


def default_statement(outcome_text: str) -> str:
    """An outcome as a statement to rate: 'Explain the hazards.' → 'I can explain the hazards.'"""
    text = ' '.join(outcome_text.split()).rstrip('.')
    if not text:
        return ''
    if not text[1:2].isupper():  # keep acronyms such as "PPE" as they are
        text = text[0].lower() + text[1:]
    return _('I can %(outcome)s.', outcome=text)


def statements_for(version: ModuleVersion) -> dict[int, str]:
    """{outcome_id: the statement learners rate}: the trainer's wording, else the default."""
    custom = custom_statements(version)
    return {o.id: custom.get(o.id) or default_statement(o.text) for o in version.outcomes}


def custom_statements(version: ModuleVersion) -> dict[int, str]:
    """{outcome_id: wording} only where the trainer changed the default."""
    return dict(db.session.execute(
        sa.select(Statement.outcome_id, Statement.text).join(LearningOutcome)
        .where(LearningOutcome.version_id == version.id)).all())


def update_statements(version: ModuleVersion, texts: dict[int, str]) -> None:
    """Set the wording per outcome of a draft; an empty text (or the default itself) goes back to the default."""
    if version.state is not VersionState.draft:
        raise Conflict(_('Published versions cannot be changed. Create a new draft to edit the statements.'))
    outcomes = {o.id: o for o in version.outcomes}
    if unknown := set(texts) - set(outcomes):
        raise InvalidInput('statements', _('Outcome %(id)s is not part of this version.', id=min(unknown)))
    existing = {s.outcome_id: s for s in db.session.scalars(
        sa.select(Statement).where(Statement.outcome_id.in_(outcomes)))}
    for outcome_id, text in texts.items():
        row = existing.get(outcome_id)
        if not text or text == default_statement(outcomes[outcome_id].text):
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(Statement(outcome_id=outcome_id, text=text))
        else:
            row.text = text
    db.session.flush()


# --------------------------------------------------------------------------- answering a stage


def response_for(step: Step, learner: User, course: Course) -> StageResponse | None:
    return db.session.scalar(sa.select(StageResponse).where(
        StageResponse.step_id == step.id, StageResponse.learner_id == learner.id,
        StageResponse.course_id == course.id).options(selectinload(StageResponse.ratings)))


def _check_answers(step: Step, ratings: dict[int, dict]) -> None:
    """Every outcome rated 1..4; a retrospective start only at the last stage. All errors at once, by field."""
    outcomes = step.version.outcomes
    last = is_last_stage(step)
    errors: dict[str, list[str]] = {}
    for outcome in outcomes:
        given = ratings.get(outcome.id) or {}
        if given.get('level') not in BY_VALUE:
            errors[level_field(outcome.id)] = [_('Choose a level for this statement.')]
        start = given.get('start')
        if start is not None and (not last or start not in BY_VALUE):
            errors[start_field(outcome.id)] = [_('A starting level is asked only at the last stage, as 1 to 4.')]
    if unknown := set(ratings) - {o.id for o in outcomes}:
        errors['ratings'] = [_('Outcome %(id)s is not part of this module.', id=min(unknown))]
    if errors:
        raise InvalidInput(next(iter(errors)), _('Rate every statement; nothing was saved.'), errors=errors)


def submit_stage(step: Step, *, learner: User, course: Course, ratings: dict[int, dict],
                 reflection: str = '') -> StageResponse:
    """Save a learner's answers at a stage, all or nothing; a second submission revises them in place.

    `ratings`: {outcome_id: {'level': 1..4, 'note': str, 'start': 1..4 | None}}. Sends `stage_submitted`
    once per learner and stage, at the first submission.
    """
    if step.kind is not StepKind.self_assessment or step.version.state is VersionState.draft:
        raise NotFound(_('There is no self-assessment at this step.'))
    if not step.version.outcomes:
        raise Conflict(_('This module has no learning outcomes to rate yet.'))
    _check_answers(step, ratings)
    now = utcnow()
    response, first = response_for(step, learner, course), False
    if response is None:
        try:
            with db.session.begin_nested():  # a double click: the second request revises the first one's row
                response = StageResponse(learner=learner, course=course, step=step, submitted_at=now, updated_at=now)
                db.session.add(response)
            first = True
        except IntegrityError:
            response = response_for(step, learner, course)
    response.reflection, response.updated_at = reflection, now
    by_outcome = {r.outcome_id: r for r in response.ratings}
    for outcome in step.version.outcomes:
        given = ratings[outcome.id]
        rating = by_outcome.get(outcome.id)
        if rating is None:
            rating = Rating(outcome=outcome)
            response.ratings.append(rating)
        rating.level, rating.note = given['level'], given.get('note', '')
        rating.retrospective_level = given.get('start')
    db.session.flush()
    if first:
        stage_submitted.send(response, learner=learner, course=course, step=step)
    logger.info('%r %s %r', learner, 'submitted' if first else 'revised', response)
    return response


def step_panel(step: Step, user: User, course: Course, *, as_learner: bool) -> dict | None:
    """What the learner player shows on a self-assessment stage (None: the version has no outcomes yet).

    Learners get the form, or their answers once submitted; trainers (as_learner False) the statements and
    links to the cohort and calibration views.
    """
    version = step.version
    if not version.outcomes:
        return None
    stage_ids = [s.id for s in stages_of(version)]
    response = response_for(step, user, course) if as_learner else None
    return {'stage_number': stage_ids.index(step.id) + 1, 'stage_count': len(stage_ids),
            'is_last': stage_ids[-1] == step.id,
            'entries': stage_items(step, response), 'response': response, 'levels': LEVELS, 'by_value': BY_VALUE,
            'as_learner': as_learner}


def stage_items(step: Step, response: StageResponse | None) -> list[dict]:
    """Per outcome of the stage: the outcome, its statement and the learner's answer (None when not given)."""
    statements = statements_for(step.version)
    ratings = {r.outcome_id: r for r in response.ratings} if response else {}
    return [{'outcome': o, 'statement': statements[o.id], 'rating': ratings.get(o.id)} for o in step.version.outcomes]


# --------------------------------------------------------------------------- comparisons


def _responses(course: Course, stages: list[Step], learner: User | None = None) -> list[StageResponse]:
    query = (sa.select(StageResponse).where(StageResponse.course_id == course.id,
                                            StageResponse.step_id.in_([s.id for s in stages]))
             .options(selectinload(StageResponse.ratings)))
    if learner is not None:
        query = query.where(StageResponse.learner_id == learner.id)
    return list(db.session.scalars(query))


def comparison(learner: User, course: Course, version: ModuleVersion, *,
               mentor_levels: dict[int, int] | None = None) -> dict:
    """A learner's answers per outcome across the version's stages.

    Returns {'stages': [Step], 'answered': [Step], 'reflections': [(Step, text)], 'rows': [...]}, one row per
    outcome: 'outcome', 'statement', 'levels' (one per stage in stage order, None where not answered),
    'final' (the level at the latest answered stage), 'start' (the retrospective "where I now think I
    started", given at the last stage) and 'mentor' (from `mentor_levels` {outcome_id: level}, given by the
    caller; None while there is no sign-off).
    """
    stages = stages_of(version)
    by_step = {r.step_id: r for r in _responses(course, stages, learner)}
    answered = [s for s in stages if s.id in by_step]
    statements = statements_for(version)
    rows = []
    for outcome in version.outcomes:
        ratings = [next((r for r in by_step[s.id].ratings if r.outcome_id == outcome.id), None)
                   if s.id in by_step else None for s in stages]
        levels = [r.level if r else None for r in ratings]
        given = [level for level in levels if level is not None]
        rows.append({'outcome': outcome, 'statement': statements[outcome.id], 'levels': levels,
                     'final': given[-1] if given else None,
                     'start': ratings[-1].retrospective_level if ratings and ratings[-1] else None,
                     'mentor': (mentor_levels or {}).get(outcome.id)})
    return {'stages': stages, 'answered': answered, 'rows': rows,
            'reflections': [(s, by_step[s.id].reflection) for s in answered if by_step[s.id].reflection]}


def cohort_distribution(course: Course, version: ModuleVersion) -> dict:
    """How the course's learners rate themselves: per outcome and stage, how many chose each level.

    Returns {'stages': [Step], 'rows': [{'outcome', 'statement', 'cells': [{'counts': {1: n, …, 4: n},
    'total': n, 'unsure': n at levels 1–2}] one per stage}]}.
    """
    stages = stages_of(version)
    counts = {(outcome_id, step_id, level): n for outcome_id, step_id, level, n in db.session.execute(
        sa.select(Rating.outcome_id, StageResponse.step_id, Rating.level, sa.func.count())
        .join(StageResponse).where(StageResponse.course_id == course.id,
                                   StageResponse.step_id.in_([s.id for s in stages]))
        .group_by(Rating.outcome_id, StageResponse.step_id, Rating.level))}
    statements = statements_for(version)
    rows = []
    for outcome in version.outcomes:
        cells = []
        for stage in stages:
            by_level = {lv.value: counts.get((outcome.id, stage.id, lv.value), 0) for lv in LEVELS}
            cells.append({'counts': by_level, 'total': sum(by_level.values()),
                          'unsure': by_level[1] + by_level[2]})
        rows.append({'outcome': outcome, 'statement': statements[outcome.id], 'cells': cells})
    return {'stages': stages, 'rows': rows}


def final_self_levels(course: Course, version: ModuleVersion) -> dict[tuple[int, int], int]:
    """{(learner_id, outcome_id): level} at each learner's latest answered stage of the version in the course."""
    stages = stages_of(version)
    order = {s.id: i for i, s in enumerate(stages)}
    final: dict[tuple[int, int], int] = {}
    for response in sorted(_responses(course, stages), key=lambda r: order[r.step_id]):
        for rating in response.ratings:
            final[(response.learner_id, rating.outcome_id)] = rating.level
    return final


def export_for(learner: User) -> dict:
    """The learner's own self-assessments, every course and stage (part of their data export; JSON-ready)."""
    responses = db.session.scalars(
        sa.select(StageResponse).where(StageResponse.learner_id == learner.id)
        .options(selectinload(StageResponse.ratings).joinedload(Rating.outcome))
        .order_by(StageResponse.submitted_at, StageResponse.id))
    exported = []
    for response in responses:
        version, statements = response.step.version, statements_for(response.step.version)
        exported.append({
            'course': response.course.title or response.course.context_id, 'module': version.module.slug,
            'version': version.number, 'stage': response.step.title, 'reflection': response.reflection,
            'submitted_at': response.submitted_at.isoformat(), 'updated_at': response.updated_at.isoformat(),
            'ratings': [{'outcome': r.outcome.text, 'statement': statements.get(r.outcome_id, ''),
                         'level': r.level, 'level_key': BY_VALUE[r.level].key, 'note': r.note,
                         'started_at_level': r.retrospective_level}
                        for r in sorted(response.ratings, key=lambda r: r.outcome.position)]})
    return {'self_assessments': exported}
