"""Does opening units in the learner's preferred format help? Completion by format and by profile match.

A unit view counts once per learner and unit: the format they were *first* shown it in (what routing
decided), and whether they completed that unit in this course. Rates are completed views / views; cells
with fewer than MIN_CELL distinct learners are hidden.
Quiz results by format join here once quizzes exist (issue 6).
"""

import csv
import io
import math
from dataclasses import dataclass, field

import sqlalchemy as sa

from lms_ext.accounts.models import Course
from lms_ext.core.db import db
from lms_ext.learning_styles.models import FormatEvent

from .models import ModuleProgress, StepProgress

MIN_CELL = 10


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion (sound for small n and for rates near 0 or 1)."""
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class Cell:
    label: str
    views: int = 0
    completed: int = 0
    learner_ids: set = field(default_factory=set)

    @property
    def learners(self) -> int:
        return len(self.learner_ids)

    @property
    def hidden(self) -> bool:
        return self.learners < MIN_CELL

    @property
    def rate(self) -> float | None:
        return None if self.hidden else self.completed / self.views

    @property
    def interval(self) -> tuple[float, float] | None:
        return None if self.hidden else wilson(self.completed, self.views)

    def add(self, learner_id: int, done: bool) -> None:
        self.views += 1
        self.completed += int(bool(done))
        self.learner_ids.add(learner_id)


def first_views(course: Course) -> list[tuple]:
    """(learner_id, step_id, format, matched, completed) for each learner's first view of each unit."""
    first = (sa.select(FormatEvent.learner_id, FormatEvent.step_id, sa.func.min(FormatEvent.id).label('event_id'))
             .where(FormatEvent.course_id == course.id).group_by(FormatEvent.learner_id, FormatEvent.step_id)
             .subquery())
    completed = (sa.select(ModuleProgress.learner_id, StepProgress.step_id)
                 .join(StepProgress, StepProgress.module_progress_id == ModuleProgress.id)
                 .where(ModuleProgress.course_id == course.id, StepProgress.completed_at.is_not(None)).subquery())
    query = (sa.select(first.c.learner_id, first.c.step_id, FormatEvent.format, FormatEvent.matched,
                       completed.c.step_id.is_not(None))
             .join(FormatEvent, FormatEvent.id == first.c.event_id)
             .outerjoin(completed, sa.and_(completed.c.learner_id == first.c.learner_id,
                                           completed.c.step_id == first.c.step_id)))
    return list(db.session.execute(query))


def completion_by_format(course: Course) -> list[Cell]:
    cells: dict[str, Cell] = {}
    for learner, _step, fmt, _matched, done in first_views(course):
        cells.setdefault(fmt, Cell(fmt)).add(learner, done)
    return sorted(cells.values(), key=lambda c: c.label)


def completion_by_match(course: Course) -> list[Cell]:
    labels = {True: 'matched', False: 'not matched', None: 'no profile'}
    cells = {label: Cell(label) for label in labels.values()}
    for learner, _step, _fmt, matched, done in first_views(course):
        cells[labels[matched]].add(learner, done)
    return list(cells.values())


def to_csv(tables: dict[str, list[Cell]]) -> str:
    """The analytics as CSV; hidden cells keep only their learner count."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\n')
    writer.writerow(['dimension', 'value', 'learners', 'views', 'completed', 'rate', 'ci_low', 'ci_high'])
    for dimension, cells in tables.items():
        for c in cells:
            if c.hidden:
                writer.writerow([dimension, c.label, c.learners, '', '', '', '', ''])
            else:
                low, high = c.interval
                writer.writerow([dimension, c.label, c.learners, c.views, c.completed, f'{c.rate:.4f}',
                                 f'{low:.4f}', f'{high:.4f}'])
    return buffer.getvalue()
