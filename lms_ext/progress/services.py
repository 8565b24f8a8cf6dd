"""A learner's run through a module: start or resume (on the version they started), views, completion."""

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from lms_ext.accounts.models import Course, User
from lms_ext.content.models import Module, ModuleVersion, Step, VersionState
from lms_ext.core.db import db
from lms_ext.core.errors import NotFound
from lms_ext.core.i18n import _
from lms_ext.core.time import utcnow

from .models import ModuleProgress, ProgressState, StepProgress
from .signals import module_completed, module_reopened, step_completed, step_reopened

logger = logging.getLogger(__name__)


def find_run(learner: User, module: Module, course: Course, *, variants: bool = True) -> ModuleProgress | None:
    """The learner's latest run of this module in this course (any version), with its steps and its version's
    steps (`variants=False`: without the content of each step, for bookkeeping such as completing a step)."""
    version_steps = joinedload(ModuleProgress.version).selectinload(ModuleVersion.steps)
    return db.session.scalar(
        sa.select(ModuleProgress).join(ModuleVersion).where(
            ModuleProgress.learner_id == learner.id, ModuleProgress.course_id == course.id,
            ModuleVersion.module_id == module.id)
        .options(selectinload(ModuleProgress.steps),
                 version_steps.selectinload(Step.variants) if variants else version_steps)
        .order_by(ModuleProgress.started_at.desc()).limit(1))


def start_or_resume(learner: User, module: Module, course: Course) -> ModuleProgress:
    """Learners finish the version they started; a new run starts on the current published version."""
    run = find_run(learner, module, course)
    if run is not None:
        return run
    version = db.session.scalar(sa.select(ModuleVersion).where(
        ModuleVersion.module_id == module.id, ModuleVersion.state == VersionState.published))
    if version is None:
        raise NotFound(_('This module is not published yet.'))
    run = ModuleProgress(learner=learner, version=version, course=course,
                         current_step=version.steps[0] if version.steps else None)
    db.session.add(run)
    db.session.flush()
    logger.info('%r started %r in %r', learner, version, course)
    return run


def _step_progress(run: ModuleProgress, step: Step) -> StepProgress:
    for entry in run.steps:
        if entry.step_id == step.id:
            return entry
    entry = StepProgress(module_progress=run, step=step, first_viewed_at=utcnow())
    db.session.add(entry)
    return entry


def record_view(run: ModuleProgress, step: Step, *, format_key: str | None, explicit: bool) -> None:
    """Remember where the learner is (resume) and in which format; an explicit choice becomes their default."""
    entry = _step_progress(run, step)
    if format_key:
        entry.last_format = format_key
        if explicit:
            run.preferred_format = format_key
    run.current_step = step
    run.last_activity_at = utcnow()
    db.session.flush()


def complete_step(run: ModuleProgress, step: Step) -> StepProgress:
    """Mark a step done (once); when that fulfils the version's completion rule, the run completes."""
    entry = _step_progress(run, step)
    if entry.completed_at is None:
        entry.completed_at = utcnow()
        db.session.flush()
        step_completed.send(entry, run=run)
        logger.info('%r completed %r', run.learner, step)
    run.last_activity_at = utcnow()
    _complete_run_if_done(run)
    return entry


def reopen_step(run: ModuleProgress, step: Step, *, reason: str) -> None:
    """A done step is no longer done (its sign-off was voided): the run reopens if it had completed."""
    entry = next((e for e in run.steps if e.step_id == step.id), None)
    if entry is None or entry.completed_at is None:
        return
    entry.completed_at = None
    step_reopened.send(entry, run=run, reason=reason)
    logger.info('%r: %r reopened (%s)', run.learner, step, reason)
    if run.state is ProgressState.completed and not completion_rule(run).fulfilled:
        run.state, run.completed_at = ProgressState.in_progress, None
        db.session.flush()
        module_reopened.send(run, learner=run.learner, course=run.course, version=run.version, reason=reason)
    db.session.flush()


def _complete_run_if_done(run: ModuleProgress) -> None:
    """The completion rule: every required step of the version done (units viewed, quizzes passed,
    self-assessment stages submitted, the practical checklist signed off and not voided)."""
    if run.state is ProgressState.completed or not completion_rule(run).fulfilled:
        return
    # Claim the completion with a guarded UPDATE so that concurrent events complete a run only once.
    claimed = db.session.execute(
        sa.update(ModuleProgress).where(ModuleProgress.id == run.id,
                                        ModuleProgress.state == ProgressState.in_progress)
        .values(state=ProgressState.completed, completed_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(run, ['state', 'completed_at'])
    if claimed:
        logger.info('%r completed %r', run.learner, run.version)
        module_completed.send(run, learner=run.learner, course=run.course, version=run.version)


@dataclass
class RuleItem:
    step: Step
    done: bool


@dataclass
class CompletionRule:
    """What the learner must do for this version, and what is done: shown as a checklist."""
    items: list[RuleItem]

    @property
    def fulfilled(self) -> bool:
        return all(item.done for item in self.items)

    @property
    def left(self) -> list[Step]:
        return [item.step for item in self.items if not item.done]


def completion_rule(run: ModuleProgress) -> CompletionRule:
    done = {entry.step_id for entry in run.steps if entry.completed_at is not None}
    return CompletionRule([RuleItem(step, step.id in done) for step in run.version.steps if step.required])


@dataclass
class RunSummary:
    done: set[int]  # step ids completed
    total: int
    required_total: int
    required_done: int

    @property
    def percent(self) -> int:
        return round(100 * self.required_done / self.required_total) if self.required_total else 100


def summary(run: ModuleProgress) -> RunSummary:
    steps = run.version.steps
    done = {entry.step_id for entry in run.steps if entry.completed_at is not None}
    required = [s for s in steps if s.required]
    return RunSummary(done=done, total=len(steps), required_total=len(required),
                      required_done=sum(1 for s in required if s.id in done))
